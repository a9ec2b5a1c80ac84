/**
 * Conformance: engine and plugin requirements, event sources,
 * skip-if-unknown-filter, unsafe <NA> checks, redefinitions and load order.
 */
import * as assert from 'node:assert/strict';
import { RulesWorkspace } from '../../server/src/core';
import type { WorkspaceOptions } from '../../server/src/core';

type Row = [code: string, covered: string, severity: string];

function lint(files: Array<[uri: string, text: string]>, options: WorkspaceOptions = {}): Map<string, Row[]> {
  const workspace = new RulesWorkspace(options);
  for (const [uri, text] of files) workspace.setFile(uri, text);
  const result = new Map<string, Row[]>();
  for (const [uri, text] of files) {
    result.set(uri, workspace.diagnostics(uri).map((d) => [d.code, text.slice(d.span.start, d.span.end), d.severity]));
  }
  return result;
}

function lintOne(text: string, options: WorkspaceOptions = {}): Row[] {
  return lint([['file:///a.yaml', text]], options).get('file:///a.yaml')!;
}

const rule = (name: string, condition: string, extra = '', output = 'o') =>
  `- rule: ${name}\n  desc: d\n  condition: ${condition}\n  output: ${output}\n  priority: INFO\n${extra}`;

describe('conformance: required_engine_version', () => {
  it('accepts an older engine requirement', () => {
    assert.deepEqual(lintOne('- required_engine_version: 0.57.0\n'), []);
  });

  it('reads a plain number N as 0.N.0', () => {
    assert.deepEqual(lintOne('- required_engine_version: 26\n'), []);
    assert.deepEqual(lintOne('- required_engine_version: 70\n'), [['LOAD_ERR_VALIDATE', '70', 'error']]);
  });

  it('rejects a newer engine requirement', () => {
    assert.deepEqual(lintOne('- required_engine_version: 0.63.0\n'), [['LOAD_ERR_VALIDATE', '0.63.0', 'error']]);
  });

  it('follows the target engine version', () => {
    assert.deepEqual(lintOne('- required_engine_version: 0.63.0\n', { engineVersion: '0.63.0' }), []);
    assert.deepEqual(lintOne('- required_engine_version: 0.58.0\n', { engineVersion: '0.57.0' }), [['LOAD_ERR_VALIDATE', '0.58.0', 'error']]);
  });

  it('rejects another major version', () => {
    assert.deepEqual(lintOne('- required_engine_version: 1.0.0\n'), [['LOAD_ERR_VALIDATE', '1.0.0', 'error']]);
  });

  it('rejects a version that is not x.y.z', () => {
    assert.deepEqual(lintOne('- required_engine_version: 0.26\n'), [['LOAD_ERR_YAML_VALIDATE', '0.26', 'error']]);
    assert.deepEqual(lintOne('- required_engine_version: v1.2.3\n'), [['LOAD_ERR_YAML_VALIDATE', 'v1.2.3', 'error']]);
    assert.deepEqual(lintOne('- required_engine_version: 0.50.0-rc1\n'), []);
  });
});

describe('conformance: plugins and sources', () => {
  const k8sRule = rule('K8s', 'ka.verb = create', '  source: k8s_audit\n', 'user=%ka.user.name');
  const declareK8s = '- required_plugin_versions:\n  - name: k8saudit\n    version: 0.7.0\n    alternatives:\n      - name: k8saudit-eks\n        version: 0.4.0\n  - name: json\n    version: 0.7.0\n\n';

  it('skips a rule whose source no loaded plugin provides', () => {
    assert.deepEqual(lintOne(k8sRule), [['LOAD_UNKNOWN_SOURCE', 'k8s_audit', 'warning']]);
  });

  it('checks a rule whose source plugin is declared', () => {
    assert.deepEqual(lintOne(declareK8s + k8sRule), []);
  });

  it('reports unmet requirements when the loaded plugins are named', () => {
    const rows = lintOne(declareK8s + k8sRule, { plugins: [{ name: 'container', version: '0.7.1' }, { name: 'json', version: '0.7.0' }] });
    assert.deepEqual(rows.map((r) => [r[0], r[2]]), [['LOAD_ERR_VALIDATE', 'error'], ['LOAD_UNKNOWN_SOURCE', 'warning']]);
    assert.match(rows[0]![1], /^name: k8saudit/);
  });

  it('accepts an alternative plugin', () => {
    const plugins = [{ name: 'k8saudit-eks', version: '0.4.2' }, { name: 'json', version: '0.7.3' }];
    assert.deepEqual(lintOne(declareK8s, { plugins }), []);
  });

  it('rejects an older plugin version', () => {
    const plugins = [{ name: 'k8saudit', version: '0.6.0' }, { name: 'json', version: '0.7.0' }];
    assert.equal(lintOne(declareK8s, { plugins }).length, 1);
  });

  it('rejects container fields without the container plugin', () => {
    const rows = lintOne(rule('R', 'spawned_process and container.id != host'), { plugins: [], useDefaultRules: false });
    assert.deepEqual(rows.filter((r) => r[1] === 'container.id'), [['LOAD_ERR_COMPILE_CONDITION', 'container.id', 'error']]);
  });

  it('rejects a field of another source', () => {
    assert.deepEqual(lintOne(rule('R', 'spawned_process and ka.verb = create')), [['LOAD_ERR_COMPILE_CONDITION', 'ka.verb', 'error']]);
  });
});

describe('conformance: skip-if-unknown-filter', () => {
  it('downgrades a nonexistent field to LOAD_UNKNOWN_FILTER', () => {
    const text = rule('R', 'spawned_process and proc.nosuch = x', '  skip-if-unknown-filter: true\n');
    assert.deepEqual(lintOne(text), [['LOAD_UNKNOWN_FILTER', 'proc.nosuch', 'warning']]);
  });

  it('downgrades an unknown event type and an output field', () => {
    const text = rule('R', 'evt.type = nosuchevent', '  skip-if-unknown-filter: true\n', 'x=%proc.nosuch');
    assert.deepEqual(lintOne(text), [['LOAD_UNKNOWN_FILTER', 'nosuchevent', 'warning'], ['LOAD_UNKNOWN_FILTER', '%proc.nosuch', 'warning']]);
  });

  it('keeps errors it does not cover', () => {
    const text = rule('R', 'spawned_process and proc.pid = abc and evt.arg.bogus = x', '  skip-if-unknown-filter: true\n');
    assert.deepEqual(lintOne(text), [['LOAD_ERR_COMPILE_CONDITION', 'abc', 'error'], ['LOAD_ERR_COMPILE_CONDITION', 'evt.arg.bogus', 'error']]);
  });

  it('keeps the error without the flag', () => {
    assert.deepEqual(lintOne(rule('R', 'spawned_process and proc.nosuch = x')), [['LOAD_ERR_COMPILE_CONDITION', 'proc.nosuch', 'error']]);
  });
});

describe('conformance: LOAD_UNSAFE_NA_CHECK', () => {
  const declare = '- required_plugin_versions:\n  - name: k8saudit\n    version: 0.7.0\n  - name: json\n    version: 0.7.0\n\n';

  it('warns once on a ka.* field compared with <NA>', () => {
    const text = declare + rule('R', 'ka.user.name = "<NA>" or ka.verb in (<NA>)', '  source: k8s_audit\n');
    assert.deepEqual(lintOne(text), [['LOAD_UNSAFE_NA_CHECK', '"<NA>"', 'warning']]);
  });

  it('does not warn on syscall fields', () => {
    assert.deepEqual(lintOne(rule('R', 'spawned_process and not proc.name in ("<NA>", "N/A")')), []);
  });
});

describe('conformance: redefinitions and load order', () => {
  it('rejects a rule redefined with another source', () => {
    const first = rule('Same', 'spawned_process');
    const second = rule('Same', 'ct.name = x', '  source: aws_cloudtrail\n');
    const rows = lintOne(first + '\n' + second, { plugins: [{ name: 'container' }, { name: 'cloudtrail' }] });
    assert.deepEqual(rows, [['LOAD_ERR_VALIDATE', 'aws_cloudtrail', 'error']]);
  });

  it('replaces a rule redefined with the same source', () => {
    assert.deepEqual(lintOne(rule('Same', 'spawned_process') + '\n' + rule('Same', 'spawned_process and proc.name = x')), []);
  });

  it('lets a later file use an earlier file\'s macro', () => {
    const a = '- macro: pci_shell\n  condition: spawned_process and proc.name in (shell_binaries)\n';
    const b = rule('Uses macro', 'pci_shell');
    const result = lint([['file:///a.yaml', a], ['file:///b.yaml', b]]);
    assert.deepEqual(result.get('file:///b.yaml'), []);
  });

  it('rejects a macro defined only in a later file', () => {
    const a = rule('Uses macro', 'pci_shell');
    const b = '- macro: pci_shell\n  condition: spawned_process\n';
    const result = lint([['file:///a.yaml', a], ['file:///b.yaml', b]]);
    assert.deepEqual(result.get('file:///a.yaml'), [['LOAD_ERR_VALIDATE', 'pci_shell', 'error']]);
  });

  it('follows the configured load order', () => {
    const a = rule('Uses macro', 'pci_shell');
    const b = '- macro: pci_shell\n  condition: spawned_process\n';
    const result = lint([['file:///w/a.yaml', a], ['file:///w/b.yaml', b]], { loadOrder: ['file:///w/b.yaml', 'file:///w'] });
    assert.deepEqual(result.get('file:///w/a.yaml'), []);
  });

  it('updates a dependent file when a macro is renamed', () => {
    const workspace = new RulesWorkspace();
    const a = '- macro: pci_shell\n  condition: spawned_process\n';
    const b = rule('Uses macro', 'pci_shell');
    workspace.setFile('file:///a.yaml', a);
    workspace.setFile('file:///b.yaml', b);
    assert.deepEqual(workspace.diagnostics('file:///b.yaml'), []);
    workspace.setFile('file:///a.yaml', a.replace('pci_shell', 'pci_shell_spawned'));
    const after = workspace.diagnostics('file:///b.yaml');
    assert.deepEqual(after.map((d) => [d.code, b.slice(d.span.start, d.span.end)]), [['LOAD_ERR_VALIDATE', 'pci_shell']]);
    assert.match(after[0]!.message, /Did you mean 'pci_shell_spawned'\?/);
  });
});

describe('conformance: appended conditions', () => {
  it('checks the fields of an appended rule condition', () => {
    const text = rule('Base', 'spawned_process') + '\n- rule: Base\n  condition: and not proc.nme = x\n  override:\n    condition: append\n';
    assert.deepEqual(lintOne(text), [['LOAD_ERR_COMPILE_CONDITION', 'proc.nme', 'error']]);
  });

  it('rejects an appended macro condition without and/or', () => {
    const text = '- macro: user_known_system_user_login\n  condition: proc.name = x\n  override:\n    condition: append\n';
    assert.deepEqual(lintOne(text), [['LOAD_ERR_COMPILE_CONDITION', 'proc.name = x', 'error']]);
  });

  it('warns on the deprecated append key', () => {
    const text = '- list: shell_binaries\n  items: [fish]\n  append: true\n';
    assert.deepEqual(lintOne(text), [['LOAD_DEPRECATED_ITEM', 'append', 'warning']]);
  });
});

describe('conformance: target engine differences', () => {
  it('warns on contradicting event types for engine 0.62 only', () => {
    const text = rule('R', 'evt.type = open and evt.type = close');
    assert.deepEqual(lintOne(text), [['LOAD_NO_EVTTYPE', 'condition', 'warning']]);
    assert.deepEqual(lintOne(text, { engineVersion: '0.63.0' }), []);
  });
});
