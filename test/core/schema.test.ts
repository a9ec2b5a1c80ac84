import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseRulesDocument } from '../../server/src/core/document/model';
import { schemaDiagnostics, validateSchema, validateSchemaOfWholeFile } from '../../server/src/core/checks/schema';
import { check, FIXTURES, readFixture } from '../helpers';

/** `[message, covered text]` of every schema warning, plus the `valid` flag. */
function run(text: string): { valid: boolean; warnings: Array<[string, string]> } {
  const result = validateSchema(parseRulesDocument('file:///test/rules.yaml', text));
  return { valid: result.valid, warnings: result.warnings.map((w) => [w.message, text.slice(w.span.start, w.span.end)]) };
}

/** `[covered text, severity, message]` of every schema diagnostic. */
function editor(text: string): Array<[string, string, string]> {
  const document = parseRulesDocument('file:///test/rules.yaml', text);
  return schemaDiagnostics(document).map((d) => [text.slice(d.span.start, d.span.end), `${d.severity} ${d.code}`, d.message]);
}

const ADDITIONAL = "Object contains a property that could not be validated using 'properties' or 'additionalProperties' constraints:";
const TYPE = "Value type not permitted by 'type' constraint.";
const ENUM = 'Failed to match against any enum values.';

/** Returns a full rule with `extra` lines appended, each indented by two spaces. */
function rule(extra: string, priority = 'WARNING'): string {
  return `- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: ${priority}\n${extra}`;
}

const RULE_TEXT = (extra: string, priority = 'WARNING') => rule(extra, priority).slice(2).trimEnd();

describe('schema: official rulesets', () => {
  const files = ['rules', 'plugin-rules'].flatMap((folder) =>
    readdirSync(join(FIXTURES, 'official', folder))
      .filter((name) => name.endsWith('.yaml'))
      .map((name) => ({ folder, name })),
  );

  it('finds all eight official files', () => {
    assert.equal(files.length, 8);
  });

  for (const { folder, name } of files) {
    it(`${name} passes`, () => {
      assert.deepEqual(run(readFixture('official', folder, name)), { valid: true, warnings: [] });
    });
  }
});

describe('schema: failures', () => {
  const cases: Array<{ name: string; text: string; expected: Array<[string, string]> }> = [
    {
      name: 'quoted yes for a boolean',
      text: rule('  capture: "yes"\n'),
      expected: [
        [`failed for <root>[0][capture]: ${TYPE}`, '"yes"'],
        ["failed for <root>[0]: Failed to validate against schema associated with property name 'capture'.", 'capture: "yes"'],
        ['failed for <root>: Failed to validate item #0 in array.', RULE_TEXT('  capture: "yes"\n')],
      ],
    },
    {
      name: 'mixed-case priority',
      text: rule('', 'Warning'),
      expected: [
        [`failed for <root>[0][priority]: ${ENUM}`, 'Warning'],
        ["failed for <root>[0]: Failed to validate against schema associated with property name 'priority'.", 'priority: Warning'],
        ['failed for <root>: Failed to validate item #0 in array.', RULE_TEXT('', 'Warning')],
      ],
    },
    {
      name: 'unknown item key',
      text: '- list: l\n  items: [a]\n  itmes: [b]\n',
      expected: [
        [`failed for <root>[0]: ${ADDITIONAL} 'itmes'.`, 'itmes'],
        ['failed for <root>: Failed to validate item #0 in array.', 'list: l\n  items: [a]\n  itmes: [b]'],
      ],
    },
    {
      name: 'properties in sorted order',
      text: '- list: l\n  list: m\n  tags: x\n  items: [a]\n  enabled: x\n',
      expected: [
        [`failed for <root>[0][enabled]: ${TYPE}`, 'x'],
        ["failed for <root>[0]: Failed to validate against schema associated with property name 'enabled'.", 'enabled: x'],
        [`failed for <root>[0][tags]: ${TYPE}`, 'x'],
        ["failed for <root>[0]: Failed to validate against schema associated with property name 'tags'.", 'tags: x'],
        [`failed for <root>[0]: ${ADDITIONAL} ''.`, 'list'],
        ['failed for <root>: Failed to validate item #0 in array.', 'list: l\n  list: m\n  tags: x\n  items: [a]\n  enabled: x'],
      ],
    },
    {
      name: 'exception key outside the four',
      text: '- rule: r\n  exceptions:\n    - name: e\n      value: [a]\n',
      expected: [
        [`failed for <root>[0][exceptions][0]: ${ADDITIONAL} 'value'.`, 'value'],
        ['failed for <root>[0][exceptions]: Failed to validate item #0 in array.', 'name: e\n      value: [a]'],
        ["failed for <root>[0]: Failed to validate against schema associated with property name 'exceptions'.", 'exceptions:\n    - name: e\n      value: [a]'],
        ['failed for <root>: Failed to validate item #0 in array.', 'rule: r\n  exceptions:\n    - name: e\n      value: [a]'],
      ],
    },
    {
      name: 'exception without a name',
      text: '- rule: r\n  exceptions: [{fields: [proc.name], values: [[x]]}]\n',
      expected: [
        ["failed for <root>[0][exceptions][0]: Missing required property 'name'.", '{fields: [proc.name], values: [[x]]}'],
        ['failed for <root>[0][exceptions]: Failed to validate item #0 in array.', '{fields: [proc.name], values: [[x]]}'],
        ["failed for <root>[0]: Failed to validate against schema associated with property name 'exceptions'.", 'exceptions: [{fields: [proc.name], values: [[x]]}]'],
        ['failed for <root>: Failed to validate item #0 in array.', 'rule: r\n  exceptions: [{fields: [proc.name], values: [[x]]}]'],
      ],
    },
    {
      name: 'list item that is a list',
      text: '- list: l\n  items: [a, [b], 3]\n',
      expected: [
        [`failed for <root>[0][items][1]: ${TYPE}`, '[b]'],
        ['failed for <root>[0][items][1]: Failed to validate against child schema #0.', '[b]'],
        [`failed for <root>[0][items][1]: ${TYPE}`, '[b]'],
        ['failed for <root>[0][items][1]: Failed to validate against child schema #1.', '[b]'],
        ['failed for <root>[0][items][1]: Failed to validate against any schemas allowed by anyOf constraint.', '[b]'],
        ['failed for <root>[0][items]: Failed to validate item #1 in array.', '[b]'],
        ["failed for <root>[0]: Failed to validate against schema associated with property name 'items'.", 'items: [a, [b], 3]'],
        ['failed for <root>: Failed to validate item #0 in array.', 'list: l\n  items: [a, [b], 3]'],
      ],
    },
    {
      name: 'empty list item',
      text: '- list: l\n  items:\n    - a\n    -\n',
      expected: [
        [`failed for <root>[0][items][1]: ${TYPE}`, '-'],
        ['failed for <root>[0][items][1]: Failed to validate against child schema #0.', '-'],
        [`failed for <root>[0][items][1]: ${TYPE}`, '-'],
        ['failed for <root>[0][items][1]: Failed to validate against child schema #1.', '-'],
        ['failed for <root>[0][items][1]: Failed to validate against any schemas allowed by anyOf constraint.', '-'],
        ['failed for <root>[0][items]: Failed to validate item #1 in array.', '-'],
        ["failed for <root>[0]: Failed to validate against schema associated with property name 'items'.", 'items:\n    - a\n    -'],
        ['failed for <root>: Failed to validate item #0 in array.', 'list: l\n  items:\n    - a\n    -'],
      ],
    },
    {
      name: 'empty override',
      text: '- macro: m\n  condition: x\n  override: {}\n',
      expected: [
        ['failed for <root>[0][override]: Object should have no fewer than 1 properties.', '{}'],
        ["failed for <root>[0]: Failed to validate against schema associated with property name 'override'.", 'override: {}'],
        ['failed for <root>: Failed to validate item #0 in array.', 'macro: m\n  condition: x\n  override: {}'],
      ],
    },
    {
      name: 'override key and operation',
      text: '- rule: r\n  source: k8s_audit\n  override:\n    source: replace\n    output: Append\n',
      expected: [
        [`failed for <root>[0][override][output]: ${ENUM}`, 'Append'],
        ["failed for <root>[0][override]: Failed to validate against schema associated with property name 'output'.", 'output: Append'],
        [`failed for <root>[0][override]: ${ADDITIONAL} 'source'.`, 'source'],
        ["failed for <root>[0]: Failed to validate against schema associated with property name 'override'.", 'override:\n    source: replace\n    output: Append'],
        ['failed for <root>: Failed to validate item #0 in array.', 'rule: r\n  source: k8s_audit\n  override:\n    source: replace\n    output: Append'],
      ],
    },
    {
      name: 'plugin requirement shapes',
      text: '- required_plugin_versions:\n    - name: k8saudit\n      alternatives:\n        - name: x\n          version: 1.0.0\n          extra: 1\n',
      expected: [
        [`failed for <root>[0][required_plugin_versions][0][alternatives][0]: ${ADDITIONAL} 'extra'.`, 'extra'],
        ['failed for <root>[0][required_plugin_versions][0][alternatives]: Failed to validate item #0 in array.', 'name: x\n          version: 1.0.0\n          extra: 1'],
        [
          "failed for <root>[0][required_plugin_versions][0]: Failed to validate against schema associated with property name 'alternatives'.",
          'alternatives:\n        - name: x\n          version: 1.0.0\n          extra: 1',
        ],
        ["failed for <root>[0][required_plugin_versions][0]: Missing required property 'version'.", 'name: k8saudit\n      alternatives:\n        - name: x\n          version: 1.0.0\n          extra: 1'],
        [
          'failed for <root>[0][required_plugin_versions]: Failed to validate item #0 in array.',
          'name: k8saudit\n      alternatives:\n        - name: x\n          version: 1.0.0\n          extra: 1',
        ],
        [
          "failed for <root>[0]: Failed to validate against schema associated with property name 'required_plugin_versions'.",
          'required_plugin_versions:\n    - name: k8saudit\n      alternatives:\n        - name: x\n          version: 1.0.0\n          extra: 1',
        ],
        [
          'failed for <root>: Failed to validate item #0 in array.',
          'required_plugin_versions:\n    - name: k8saudit\n      alternatives:\n        - name: x\n          version: 1.0.0\n          extra: 1',
        ],
      ],
    },
    {
      name: 'map at the top level',
      text: 'rule: r\ndesc: d\n',
      expected: [[`failed for <root>: ${TYPE}`, 'rule: r\ndesc: d']],
    },
    {
      name: 'scalar element at the top level',
      text: '- list: l\n  items: []\n- just text\n',
      expected: [
        [`failed for <root>[1]: ${TYPE}`, 'just text'],
        ['failed for <root>: Failed to validate item #1 in array.', 'just text'],
      ],
    },
    {
      name: 'empty list where a map belongs',
      text: '- list: l\n  items: [a]\n- rule: r\n  exceptions: [[]]\n',
      expected: [['JSON value is not an object.', '[]']],
    },
    {
      name: 'list used as a key',
      text: '- list: l\n  items: [a]\n  ? [x]\n  : y\n',
      expected: [['yaml-cpp: error at line 3, column 5: bad conversion', '[x]']],
    },
  ];

  for (const { name, text, expected } of cases) {
    it(name, () => {
      assert.deepEqual(run(text), { valid: false, warnings: expected });
    });
  }
});

describe('schema: item-by-item validation', () => {
  const samples = [
    rule('  capture: "yes"\n'),
    rule('  tags: [a, [b]]\n  exceptions:\n    - fields: [proc.name]\n'),
    `- list: l\n  items: [a, {b: c}]\n# comment\n\n${rule('  priority2: x\n')}- macro: m\n  condition: x\n  override: {}\n`,
    `- \n${rule('  enabled: yes\n')}`,
    `- list: l\n  items:\n    - [a]\n  bogus: 1\n${rule('', 'warning')}`,
    readFixture('official', 'rules', 'falco-sandbox_rules.yaml').replace(/^  enabled: false$/m, '  enabled: no'),
  ];
  samples.forEach((text, index) => {
    it(`agrees with a parse of the whole file (sample ${index + 1})`, () => {
      const document = parseRulesDocument('file:///test/rules.yaml', text);
      const byItem = validateSchema(document);
      assert.equal(byItem.valid, false);
      assert.deepEqual(byItem, validateSchemaOfWholeFile(document));
    });
  });
});

describe('schema: weak typing', () => {
  // Every scalar reaches valijson as a string; weak typing then reads its text.
  const cases: Array<[string, boolean]> = [
    ['- required_engine_version: 26\n', true],
    ['- required_engine_version: 0.26.0\n', true],
    ['- required_engine_version: [0]\n', false],
    ['- list: l\n  items: [1, a, true, 1.5, -2]\n', true],
    ['- list: l\n  items: {}\n', false],
    [rule('  enabled: false\n'), true],
    [rule('  enabled: "true"\n'), true],
    [rule('  enabled: True\n'), false],
    [rule('  enabled: yes\n'), false],
    [rule('  enabled: on\n'), false],
    [rule('  capture_duration: 5\n'), true],
    [rule('  capture_duration: +5\n'), true],
    [rule('  capture_duration: -5\n'), true],
    [rule('  capture_duration: " 5"\n'), true],
    [rule('  capture_duration: "5 "\n'), false],
    [rule('  capture_duration: 0x10\n'), false],
    [rule('  capture_duration: 1e3\n'), false],
    [rule('  capture_duration: 5.0\n'), false],
    [rule('  capture_duration: 9223372036854775807\n'), true],
    [rule('  capture_duration: 9223372036854775808\n'), false],
    [rule('  source: 5\n'), true],
    [rule('  source: true\n'), true],
    [rule('  source: ""\n'), true],
    [rule('  source: ~\n'), false],
    [rule('  source:\n'), false],
    [rule('  tags: [a, 1]\n'), true],
    [rule('  tags: a\n'), false],
    [rule('', 'WARNING'), true],
    [rule('', 'INFO'), true],
    [rule('', 'warning'), false],
    [rule('', 'Informational'), false],
    [rule('', '" WARNING"'), false],
  ];

  for (const [text, valid] of cases) {
    const lastLine = text.trimEnd().split('\n').pop()!.replace(/^- /, '').trim();
    it(`${valid ? 'accepts' : 'rejects'} ${lastLine}`, () => {
      assert.equal(run(text).valid, valid);
    });
  }
});

describe('schema: several documents', () => {
  it('takes validity from the first document only', () => {
    assert.deepEqual(run('- list: l\n  items: [a]\n---\n- list: m\n  items: {}\n'), { valid: true, warnings: [] });
  });

  it('lists every failing document when the first fails', () => {
    const text = '- list: l\n  items: {}\n---\n- list: m\n  items: [a]\n---\n- list: n\n  items: a\n';
    assert.deepEqual(run(text), {
      valid: false,
      warnings: [
        [`failed for <root>[0][items]: ${TYPE}`, '{}'],
        ["failed for <root>[0]: Failed to validate against schema associated with property name 'items'.", 'items: {}'],
        ['failed for <root>: Failed to validate item #0 in array.', 'list: l\n  items: {}'],
        [`failed for <root>[0][items]: ${TYPE}`, 'a'],
        ["failed for <root>[0]: Failed to validate against schema associated with property name 'items'.", 'items: a'],
        ['failed for <root>: Failed to validate item #0 in array.', 'list: n\n  items: a'],
      ],
    });
  });

  it('fails an empty first document', () => {
    assert.deepEqual(run('---\n---\n- list: l\n  items: [a]\n'), { valid: false, warnings: [[`failed for <root>: ${TYPE}`, '---']] });
  });

  it('passes a file with no document', () => {
    assert.deepEqual(run('# nothing here\n'), { valid: true, warnings: [] });
  });

  it('reports nothing for a YAML parse error', () => {
    assert.deepEqual(run('- list: l\n  items: [a\n- list: m\n  items: {}\n'), { valid: true, warnings: [] });
  });
});

describe('schema: editor diagnostics', () => {
  it('reports an exception key outside the four', () => {
    assert.deepEqual(editor(rule('  exceptions:\n    - name: e\n      fields: [proc.name]\n      value: [[x]]\n')), [
      [
        'value',
        'info schema',
        "Falco's rules schema allows no key 'value' here (allowed: comps, fields, name, values). Falco's schema check reports: " +
          `failed for <root>[0][exceptions][0]: ${ADDITIONAL} 'value'.`,
      ],
    ]);
  });

  it('reports an empty list item', () => {
    const diagnostics = editor('- list: l\n  items:\n    - a\n    -\n');
    assert.deepEqual(
      diagnostics.map(([covered, kind]) => [covered, kind]),
      [['-', 'info schema']],
    );
    assert.match(diagnostics[0]![2], /^Element 1 of 'items' must be a whole number or a string for Falco's rules schema\. /);
  });

  it('reports an empty list where a map belongs', () => {
    const text = '- required_plugin_versions:\n    - name: k8saudit\n      version: 0.1.0\n      alternatives: [[]]\n';
    assert.deepEqual(editor(text).map(([covered, kind]) => [covered, kind]), [['[]', 'info schema']]);
  });

  const silent: Array<[string, string]> = [
    ['lower-case priority', rule('', 'warning')],
    ['mixed-case priority', rule('', 'Warning')],
    ['yaml-cpp boolean', rule('  enabled: yes\n')],
    ['unknown item key', rule('  foo: 1\n')],
    ['non-boolean enabled', rule('  enabled: maybe\n')],
    ['invalid priority', rule('', 'WARN')],
    ['invalid override operation', '- macro: m\n  condition: x\n  override:\n    condition: Append\n'],
    ['repeated item key', '- list: l\n  items: [a]\n  items: [b]\n'],
    ['empty exceptions', rule('  exceptions:\n')],
  ];
  for (const [name, text] of silent) {
    it(`reports nothing for ${name}`, () => {
      assert.equal(validateSchema(parseRulesDocument('file:///test/rules.yaml', text)).valid, false);
      assert.deepEqual(editor(text), []);
    });
  }

  it('leaves loader diagnostics to the loader', () => {
    const codes = check(rule('  enabled: maybe\n  foo: 1\n'), { useDefaultRules: false }).map((d) => [d.code, d.covered]);
    assert.deepEqual(
      codes.filter(([code]) => code !== 'LOAD_NO_EVTTYPE'),
      [
        ['LOAD_ERR_YAML_VALIDATE', 'maybe'],
        ['LOAD_UNKNOWN_KEY', 'foo'],
      ],
    );
  });

  it('appears among the program diagnostics', () => {
    const text = rule('  exceptions:\n    - name: e\n      fields: proc.name\n      value: [x]\n');
    const schema = check(text, { useDefaultRules: false }).filter((d) => d.code === 'schema');
    assert.deepEqual(
      schema.map((d) => [d.covered, d.severity]),
      [['value', 'info']],
    );
  });
});
