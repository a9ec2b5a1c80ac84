/**
 * Conformance suite: one small rules file per Falco load result code and per
 * loader behaviour, with the diagnostics we report (code, covered text,
 * severity) and what `falco -V` gives for the file (whether it loads, and the
 * code of the first error), as the Falco rules language reference derives it
 * from Falco's and libs' sources. The Falco-compatible output must agree.
 */
import * as assert from 'node:assert/strict';
import { RulesWorkspace } from '../../server/src/core';
import { buildFalcoLoadResults } from '../../server/src/cli/falco-json';

interface Case {
  name: string;
  text: string;
  /** Our LOAD_* diagnostics: code, covered text, severity (kebab-case codes of ours are not compared). */
  expected: Array<[string, string, string]>;
  /** Falco's verdict on the file: loads or not, and the first error's code. */
  falco: { successful: boolean; firstError?: string };
}

const rule = (condition: string, output = 'o', extra = '') =>
  `- rule: R\n  desc: d\n  condition: ${condition}\n  output: ${output}\n  priority: INFO\n${extra}`;

const CASES: Case[] = [
  // File shape and YAML.
  { name: 'valid rule', text: rule('spawned_process'), expected: [], falco: { successful: true } },
  { name: 'YAML parse error', text: '- rule: R\n  desc: "unterminated\n', expected: [['LOAD_ERR_YAML_PARSE', '', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_YAML_PARSE' } },
  { name: 'map document', text: 'rule: R\n', expected: [['LOAD_ERR_YAML_VALIDATE', 'rule: R', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_YAML_VALIDATE' } },
  { name: 'scalar document', text: 'just text\n', expected: [['LOAD_ERR_YAML_VALIDATE', 'just text', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_YAML_VALIDATE' } },
  { name: 'non-map element', text: '- 42\n', expected: [['LOAD_ERR_YAML_VALIDATE', '42', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_YAML_VALIDATE' } },
  { name: 'missing key', text: '- rule: R\n  desc: d\n  condition: spawned_process\n  priority: INFO\n', expected: [['LOAD_ERR_YAML_VALIDATE', 'R', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_YAML_VALIDATE' } },
  { name: 'empty value', text: rule('spawned_process').replace('desc: d', 'desc:'), expected: [['LOAD_ERR_YAML_VALIDATE', 'desc', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_YAML_VALIDATE' } },
  { name: 'value not a scalar', text: rule('spawned_process').replace('desc: d', 'desc: [a, b]'), expected: [['LOAD_ERR_YAML_VALIDATE', '[a, b]', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_YAML_VALIDATE' } },
  { name: 'tags not a sequence', text: rule('spawned_process', 'o', '  tags: pci\n'), expected: [['LOAD_ERR_YAML_VALIDATE', 'pci', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_YAML_VALIDATE' } },
  { name: 'invalid priority', text: rule('spawned_process').replace('INFO', 'WARN'), expected: [['LOAD_ERR_YAML_VALIDATE', 'WARN', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_YAML_VALIDATE' } },
  { name: 'lower-case priority', text: rule('spawned_process').replace('INFO', 'warning'), expected: [], falco: { successful: true } },
  { name: 'unknown item', text: '- rulez: R\n', expected: [['LOAD_UNKNOWN_ITEM', 'rulez', 'warning']], falco: { successful: true } },
  { name: 'unknown key', text: rule('spawned_process', 'o', '  tag: [a]\n'), expected: [['LOAD_UNKNOWN_KEY', 'tag', 'warning']], falco: { successful: true } },

  // Conditions.
  { name: 'condition syntax error', text: rule('spawned_process and proc.name !~ x'), expected: [['LOAD_ERR_COMPILE_CONDITION', '!~', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_COMPILE_CONDITION' } },
  { name: 'unknown field', text: rule('spawned_process and proc.nme = x'), expected: [['LOAD_ERR_COMPILE_CONDITION', 'proc.nme', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_COMPILE_CONDITION' } },
  { name: 'CIDR on an address field', text: rule('outbound and fd.ip != 10.0.0.0/8'), expected: [['LOAD_ERR_COMPILE_CONDITION', '10.0.0.0/8', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_COMPILE_CONDITION' } },
  { name: 'operator of another type', text: rule('outbound and fd.sport contains 80'), expected: [['LOAD_ERR_COMPILE_CONDITION', 'contains', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_COMPILE_CONDITION' } },
  { name: 'unknown event type', text: rule('evt.type = opn'), expected: [['LOAD_ERR_COMPILE_CONDITION', 'opn', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_COMPILE_CONDITION' } },
  { name: 'undefined macro', text: rule('spawned_proces'), expected: [['LOAD_ERR_VALIDATE', 'spawned_proces', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_VALIDATE' } },
  { name: 'field name as a value', text: rule('spawned_process and proc.name = proc.pname'), expected: [['LOAD_COMPILE_CONDITION', 'proc.pname', 'warning']], falco: { successful: true } },
  { name: 'too many event types', text: rule('proc.name = bash'), expected: [['LOAD_NO_EVTTYPE', 'condition', 'warning']], falco: { successful: true } },
  { name: 'warn_evttypes false', text: rule('proc.name = bash', 'o', '  warn_evttypes: false\n'), expected: [], falco: { successful: true } },
  { name: 'deprecated field in a condition', text: rule('spawned_process and evt.dir = <'), expected: [['LOAD_DEPRECATED_ITEM', 'evt.dir', 'warning']], falco: { successful: true } },
  { name: 'unknown source', text: rule('x.y = z', 'o', '  source: my_plugin_source\n'), expected: [['LOAD_UNKNOWN_SOURCE', 'my_plugin_source', 'warning']], falco: { successful: true } },
  { name: 'skip-if-unknown-filter', text: rule('spawned_process and proc.nosuch = x', 'o', '  skip-if-unknown-filter: true\n'), expected: [['LOAD_UNKNOWN_FILTER', 'proc.nosuch', 'warning']], falco: { successful: true } },

  { name: 'string operator with a modifier', text: rule('spawned_process and proc.name startswith anyof (ba, zs)'), expected: [], falco: { successful: true } },
  { name: 'invalid regex', text: rule('spawned_process and proc.name regex "(ba"'), expected: [['LOAD_ERR_COMPILE_CONDITION', '"(ba"', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_COMPILE_CONDITION' } },
  { name: 'transformer on a wrong type', text: rule('spawned_process and toupper(proc.pid) = X'), expected: [['LOAD_ERR_COMPILE_CONDITION', 'proc.pid', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_COMPILE_CONDITION' } },
  { name: 'plugin field of an undeclared plugin', text: rule('spawned_process and k8smeta.pod.name = x'), expected: [['LOAD_ERR_COMPILE_CONDITION', 'k8smeta.pod.name', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_COMPILE_CONDITION' } },
  { name: 'field of another source', text: rule('spawned_process and ka.verb = get'), expected: [['LOAD_ERR_COMPILE_CONDITION', 'ka.verb', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_COMPILE_CONDITION' } },
  { name: 'rule redefined with another source', text: rule('spawned_process') + rule('ka.verb = get', 'o', '  source: k8s_audit\n') + '- required_plugin_versions:\n  - name: k8saudit\n    version: 0.7.0\n  - name: json\n    version: 0.7.0\n', expected: [['LOAD_ERR_VALIDATE', 'k8s_audit', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_VALIDATE' } },

  // Outputs.
  { name: 'python-style placeholder', text: rule('spawned_process', 'shell %(proc.name)s'), expected: [['LOAD_ERR_COMPILE_OUTPUT', '%(proc.name)s', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_COMPILE_OUTPUT' } },
  { name: 'output before condition', text: rule('spawned_process and proc.nme = x', 'shell %(proc.name)s'), expected: [['LOAD_ERR_COMPILE_CONDITION', 'proc.nme', 'error'], ['LOAD_ERR_COMPILE_OUTPUT', '%(proc.name)s', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_COMPILE_OUTPUT' } },
  { name: 'deprecated field in an output', text: rule('spawned_process', 'latency %evt.latency'), expected: [['LOAD_DEPRECATED_ITEM', 'evt.latency', 'warning']], falco: { successful: true } },

  // Macros and lists.
  { name: 'unused macro', text: '- macro: pci_unused\n  condition: spawned_process\n', expected: [['LOAD_UNUSED_MACRO', 'pci_unused', 'warning']], falco: { successful: true } },
  { name: 'unused list', text: '- list: pci_unused\n  items: [a]\n', expected: [['LOAD_UNUSED_LIST', 'pci_unused', 'warning']], falco: { successful: true } },
  { name: 'invalid macro name', text: '- macro: pci-shell\n  condition: spawned_process\n' + rule('spawned_process'), expected: [['LOAD_INVALID_MACRO_NAME', 'pci-shell', 'warning'], ['LOAD_UNUSED_MACRO', 'pci-shell', 'warning']], falco: { successful: true } },
  { name: 'invalid list name', text: '- list: "pci list"\n  items: [a]\n', expected: [['LOAD_INVALID_LIST_NAME', '"pci list"', 'warning'], ['LOAD_UNUSED_LIST', '"pci list"', 'warning']], falco: { successful: true } },

  // Appends and overrides.
  { name: 'append without a target', text: '- list: pci_nothing\n  items: [a]\n  override:\n    items: append\n', expected: [['LOAD_ERR_VALIDATE', 'pci_nothing', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_VALIDATE' } },
  { name: 'deprecated append', text: '- list: shell_binaries\n  items: [fish]\n  append: true\n', expected: [['LOAD_DEPRECATED_ITEM', 'append', 'warning']], falco: { successful: true } },
  { name: 'override of a key that cannot be replaced', text: '- rule: Terminal shell in container\n  source: syscall\n  override:\n    source: replace\n', expected: [['LOAD_ERR_YAML_VALIDATE', 'source', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_YAML_VALIDATE' } },
  { name: 'enabled-only rule', text: '- rule: Terminal shell in container\n  enabled: false\n', expected: [['LOAD_DEPRECATED_ITEM', 'enabled', 'warning']], falco: { successful: true } },

  // Exceptions.
  { name: 'duplicate exception name', text: rule('spawned_process', 'o', '  exceptions:\n    - name: known\n      fields: [proc.name]\n      values: [[a]]\n    - name: known\n      fields: [proc.name]\n      values: [[b]]\n'), expected: [['LOAD_EXCEPTION_NAME_NOT_UNIQUE', 'known', 'warning']], falco: { successful: true } },
  { name: 'exception field not supported', text: rule('spawned_process', 'o', '  exceptions:\n    - name: known\n      fields: [proc.nme]\n      values: [[a]]\n'), expected: [['LOAD_ERR_VALIDATE', 'proc.nme', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_VALIDATE' } },
  { name: 'appended exception without values', text: rule('spawned_process', 'o', '  exceptions:\n    - name: known\n      fields: [proc.name]\n      values: [[a]]\n') + '\n- rule: R\n  exceptions:\n    - name: known\n  override:\n    exceptions: append\n', expected: [['LOAD_APPEND_NO_VALUES', 'known', 'warning']], falco: { successful: true } },
  { name: 'new appended exception without values', text: '- rule: Terminal shell in container\n  exceptions:\n    - name: pci_known\n      fields: [proc.name]\n  override:\n    exceptions: append\n', expected: [['LOAD_APPEND_NO_VALUES', 'pci_known', 'warning'], ['LOAD_ERR_VALIDATE', 'pci_known', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_VALIDATE' } },

  // Engine and plugins.
  { name: 'engine too old', text: '- required_engine_version: 0.99.0\n', expected: [['LOAD_ERR_VALIDATE', '0.99.0', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_VALIDATE' } },
  { name: 'engine version as a number', text: '- required_engine_version: 26\n', expected: [], falco: { successful: true } },
  { name: 'engine version not semver', text: '- required_engine_version: 0.26\n', expected: [['LOAD_ERR_YAML_VALIDATE', '0.26', 'error']], falco: { successful: false, firstError: 'LOAD_ERR_YAML_VALIDATE' } },
];

function ourDiagnostics(text: string): Array<[string, string, string]> {
  const workspace = new RulesWorkspace();
  workspace.setFile('/conformance/case.yaml', text);
  return workspace
    .diagnostics('/conformance/case.yaml')
    .filter((d) => d.code.startsWith('LOAD_'))
    .map((d) => [d.code, text.slice(d.span.start, d.span.end), d.severity]);
}

function falcoResult(text: string) {
  const workspace = new RulesWorkspace();
  workspace.setFile('/conformance/case.yaml', text);
  return buildFalcoLoadResults(workspace, ['/conformance/case.yaml']).falco_load_results[0]!;
}

describe('conformance suite', () => {
  it('covers every load result code in scope', () => {
    const codes = new Set(CASES.flatMap((c) => c.expected.map((e) => e[0])));
    const expected = [
      'LOAD_ERR_YAML_PARSE', 'LOAD_ERR_YAML_VALIDATE', 'LOAD_ERR_COMPILE_CONDITION', 'LOAD_ERR_COMPILE_OUTPUT', 'LOAD_ERR_VALIDATE',
      'LOAD_UNKNOWN_SOURCE', 'LOAD_NO_EVTTYPE', 'LOAD_UNKNOWN_FILTER', 'LOAD_UNUSED_MACRO', 'LOAD_UNUSED_LIST', 'LOAD_UNKNOWN_ITEM',
      'LOAD_DEPRECATED_ITEM', 'LOAD_APPEND_NO_VALUES', 'LOAD_EXCEPTION_NAME_NOT_UNIQUE', 'LOAD_INVALID_MACRO_NAME',
      'LOAD_INVALID_LIST_NAME', 'LOAD_COMPILE_CONDITION', 'LOAD_UNKNOWN_KEY',
    ];
    assert.deepEqual(expected.filter((code) => !codes.has(code)), []);
  });

  for (const testCase of CASES) {
    describe(testCase.name, () => {
      it('reports the expected diagnostics', () => {
        const actual = ourDiagnostics(testCase.text);
        // A YAML parse error's span is the parser's; compare its code and severity only.
        const normalize = (rows: Array<[string, string, string]>) => rows.map(([code, covered, severity]) => [code, code === 'LOAD_ERR_YAML_PARSE' ? '' : covered, severity]);
        assert.deepEqual(normalize(actual), normalize(testCase.expected));
      });

      it('agrees with falco -V', () => {
        const result = falcoResult(testCase.text);
        assert.equal(result.successful, testCase.falco.successful);
        assert.equal(result.errors[0]?.code, testCase.falco.firstError);
      });
    });
  }
});
