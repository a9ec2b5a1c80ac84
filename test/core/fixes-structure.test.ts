import * as assert from 'node:assert/strict';
import { RulesWorkspace, fixAll } from '../../server/src/core';
import { URI, action, applyChecked, fixesFor, workspaceWith } from './fix-helpers';
import { readFixture } from '../helpers';

const rule = (name: string, priority: string, extra = '') => `- rule: ${name}\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: ${priority}\n${extra}`;

describe('quick-fixes: priorities', () => {
  const cases: Array<[string, string]> = [
    ['WARN', 'WARNING'],
    ['ERR', 'ERROR'],
    ['CRIT', 'CRITICAL'],
    ['EMERG', 'EMERGENCY'],
    ['INFORMATION', 'INFORMATIONAL'],
    ['Warnnig', 'WARNING'],
  ];
  for (const [written, fixed] of cases) {
    it(`rewrites ${written} as ${fixed}`, () => {
      const before = rule('R', written);
      const { actions } = fixesFor(before, written, 'LOAD_ERR_YAML_VALIDATE');
      assert.equal(actions.length, 1);
      assert.equal(actions[0]!.safe, true);
      assert.equal(actions[0]!.isPreferred, true);
      const after = applyChecked(before, actions[0]!);
      assert.equal(after, rule('R', fixed));
      assert.deepEqual(workspaceWith(after).diagnostics(URI), []);
    });
  }

  it('accepts info', () => {
    assert.deepEqual(workspaceWith(rule('R', 'info')).diagnostics(URI), []);
  });

  it('follows the case of the other priorities', () => {
    const before = rule('A', 'notice') + rule('B', 'warn') + rule('C', 'critical');
    const { actions } = fixesFor(before, 'warn', 'LOAD_ERR_YAML_VALIDATE');
    assert.equal(applyChecked(before, actions[0]!), rule('A', 'notice') + rule('B', 'warning') + rule('C', 'critical'));
  });

  it('keeps the quotes of a quoted priority', () => {
    const before = rule('R', '"CRIT"');
    const { actions } = fixesFor(before, '"CRIT"', 'LOAD_ERR_YAML_VALIDATE');
    assert.equal(applyChecked(before, actions[0]!), rule('R', '"CRITICAL"'));
  });

  it('offers choices for a severity word', () => {
    const before = rule('R', 'HIGH');
    const { actions } = fixesFor(before, 'HIGH', 'LOAD_ERR_YAML_VALIDATE');
    assert.deepEqual(actions.map((a) => a.edits[0]!.newText), ['ERROR', 'CRITICAL']);
    assert.ok(actions.every((a) => !a.safe && !a.isPreferred));
  });

  it('fix-all rewrites priorities', () => {
    const workspace = workspaceWith(rule('A', 'WARN') + rule('B', 'ERR'));
    assert.equal(fixAll(workspace, URI), 2);
    assert.equal(workspace.getDocument(URI)!.text, rule('A', 'WARNING') + rule('B', 'ERROR'));
  });
});

describe('quick-fixes: unknown and missing keys', () => {
  it('renames a misspelled key', () => {
    const before = '- rule: R\n  desc: d\n  conditon: spawned_process\n  output: o\n  priority: INFO\n';
    const { actions } = fixesFor(before, 'conditon', 'LOAD_UNKNOWN_KEY');
    assert.deepEqual(actions.map((a) => [a.title, a.safe, a.isPreferred]), [["Replace with 'condition'", true, true]]);
    const after = applyChecked(before, actions[0]!);
    assert.equal(after, '- rule: R\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: INFO\n');
    assert.deepEqual(workspaceWith(after).diagnostics(URI), []);
  });

  it('offers the rename on the missing key first', () => {
    const before = '- rule: R\n  desc: d\n  conditon: spawned_process\n  output: o\n  priority: INFO\n';
    const { actions } = fixesFor(before, 'R', 'LOAD_ERR_YAML_VALIDATE', {}, (d) => d.data?.missingKey === 'condition');
    assert.deepEqual(actions.map((a) => [a.title, a.safe, a.isPreferred]), [
      ["Rename 'conditon' to 'condition'", true, true],
      ["Add 'condition' with a placeholder value to review", false, false],
    ]);
    assert.equal(applyChecked(before, actions[0]!), '- rule: R\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: INFO\n');
  });

  it('renames tag to tags', () => {
    const before = rule('R', 'INFO', '  tag: [container]\n');
    const { actions } = fixesFor(before, 'tag', 'LOAD_UNKNOWN_KEY');
    assert.equal(actions[0]!.safe, true);
    assert.equal(applyChecked(before, actions[0]!), rule('R', 'INFO', '  tags: [container]\n'));
  });

  it('leaves the rename to a person when the key exists', () => {
    const before = rule('R', 'INFO', '  tag: [b]\n  tags: [a]\n');
    const { actions } = fixesFor(before, 'tag', 'LOAD_UNKNOWN_KEY');
    assert.deepEqual(actions, []);
  });

  it('renames value to values in an exception', () => {
    const exception = (key: string) => `  exceptions:\n    - name: shells\n      fields: proc.name\n      ${key}: [bash]\n`;
    const before = rule('R', 'INFO', exception('value'));
    const { actions } = fixesFor(before, 'value', 'schema');
    assert.deepEqual(actions.map((a) => [a.title, a.safe, a.isPreferred]), [["Replace with 'values'", true, true]]);
    const after = applyChecked(before, actions[0]!);
    assert.equal(after, rule('R', 'INFO', exception('values')));
    assert.deepEqual(workspaceWith(after).diagnostics(URI), []);
  });

  it('adds a missing desc', () => {
    const before = '- rule: R\n  condition: spawned_process\n  output: o\n  priority: INFO\n';
    const { actions } = fixesFor(before, 'R', 'LOAD_ERR_YAML_VALIDATE', {}, (d) => d.data?.missingKey === 'desc');
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.isPreferred, true);
    assert.equal(actions[0]!.safe, false);
    assert.equal(applyChecked(before, actions[0]!), '- rule: R\n  desc: TODO describe the rule\n  condition: spawned_process\n  output: o\n  priority: INFO\n');
  });

  it('adds an output from the condition fields', () => {
    const before = '- rule: R\n  desc: d\n  condition: evt.type = connect and fd.sip = 10.1.2.3 and fd.ip = 10.1.2.4\n  priority: INFO\n';
    const { actions } = fixesFor(before, 'R', 'LOAD_ERR_YAML_VALIDATE', {}, (d) => d.data?.missingKey === 'output');
    const after = applyChecked(before, actions[0]!);
    // fd.ip can only filter, so the output leaves it out.
    const output = 'TODO describe the event (evt_type=%evt.type fd_sip=%fd.sip user=%user.name process=%proc.name command=%proc.cmdline)';
    assert.equal(after, `- rule: R\n  desc: d\n  condition: evt.type = connect and fd.sip = 10.1.2.3 and fd.ip = 10.1.2.4\n  output: ${output}\n  priority: INFO\n`);
    assert.deepEqual(workspaceWith(after).diagnostics(URI), []);
  });

  it('adds a missing priority after a folded value and keeps CRLF', () => {
    const before = '- rule: R\r\n  desc: d\r\n  condition: spawned_process\r\n  output: >\r\n    shell started\r\n\r\n  # about tags\r\n  tags: [a]\r\n';
    const { actions } = fixesFor(before, 'R', 'LOAD_ERR_YAML_VALIDATE', {}, (d) => d.data?.missingKey === 'priority');
    const after = applyChecked(before, actions[0]!);
    assert.equal(after, '- rule: R\r\n  desc: d\r\n  condition: spawned_process\r\n  output: >\r\n    shell started\r\n  priority: WARNING\r\n\r\n  # about tags\r\n  tags: [a]\r\n');
    assert.deepEqual(workspaceWith(after).diagnostics(URI), []);
  });

  it('adds a key to a flow item', () => {
    const before = '- {rule: R, desc: d, condition: spawned_process, output: o}\n';
    const { actions } = fixesFor(before, 'R', 'LOAD_ERR_YAML_VALIDATE', {}, (d) => d.data?.missingKey === 'priority');
    assert.equal(applyChecked(before, actions[0]!), '- {rule: R, desc: d, condition: spawned_process, output: o, priority: WARNING}\n');
  });

  it('adds the items of a list', () => {
    const before = '- list: shells\n- rule: R\n  desc: d\n  condition: spawned_process and proc.name in (shells)\n  output: o\n  priority: INFO\n';
    const { actions } = fixesFor(before, 'shells', 'LOAD_ERR_YAML_VALIDATE', {}, (d) => d.data?.missingKey === 'items');
    assert.equal(applyChecked(before, actions[0]!), before.replace('- list: shells\n', '- list: shells\n  items: []\n'));
  });
});

describe('quick-fixes: properties outside their item', () => {
  const asWritten = readFixture('cases', 'seed-pci-rules.as-written.yaml');
  const indented = readFixture('cases', 'seed-pci-rules.indented.yaml');

  it('re-indents the whole seed file', () => {
    const { actions } = fixesFor(asWritten, 'desc', 'LOAD_ERR_YAML_PARSE');
    const whole = action(actions, 'Indent the properties under their items in the whole file');
    assert.equal(whole.safe, false);
    assert.equal(whole.isPreferred, false);
    assert.equal(applyChecked(asWritten, whole), indented);
  });

  it('re-indents one item, safely', () => {
    const { actions } = fixesFor(asWritten, 'desc', 'LOAD_ERR_YAML_PARSE');
    const own = action(actions, 'Indent the properties under their item');
    assert.equal(own.safe, true);
    assert.equal(own.isPreferred, true);
    const after = applyChecked(asWritten, own);
    const firstItemEnd = indented.indexOf('- rule:', 1);
    assert.equal(after.slice(0, firstItemEnd), indented.slice(0, firstItemEnd));
    assert.equal(after.slice(firstItemEnd), asWritten.slice(asWritten.indexOf('- rule:', 1)));
  });

  it('fix-all re-indents every item', () => {
    const workspace = workspaceWith(asWritten);
    fixAll(workspace, URI);
    const text = workspace.getDocument(URI)!.text;
    assert.deepEqual(workspace.diagnostics(URI).filter((d) => d.code === 'LOAD_ERR_YAML_PARSE'), []);
    // Fix-all also fixes the placeholders whose field is real.
    assert.ok(text.includes("  output: \"Shell process '%proc.name' spawned in container '%container.name'"));
    assert.ok(text.includes('\n  tags:\n    - pci_dss\n'));
  });

  it('moves the lines that continue a key with it', () => {
    const before = '- rule: R\ndesc: d\ncondition: >\n  spawned_process and\n  proc.name = bash\noutput: o\npriority: INFO\n';
    const { actions } = fixesFor(before, 'desc', 'LOAD_ERR_YAML_PARSE');
    const after = applyChecked(before, action(actions, 'Indent the properties under their item'));
    assert.equal(after, '- rule: R\n  desc: d\n  condition: >\n    spawned_process and\n    proc.name = bash\n  output: o\n  priority: INFO\n');
    assert.deepEqual(workspaceWith(after).diagnostics(URI), []);
  });

  it('leaves keys already in place', () => {
    const before = '- rule: R\n  desc: d\ncondition: spawned_process\n  output: o\n# a comment\npriority: INFO\n';
    const { actions } = fixesFor(before, 'condition', 'LOAD_ERR_YAML_PARSE');
    assert.deepEqual(actions.map((a) => a.title), ['Indent the properties under their item']);
    const after = applyChecked(before, actions[0]!);
    assert.equal(after, '- rule: R\n  desc: d\n  condition: spawned_process\n  output: o\n# a comment\n  priority: INFO\n');
    assert.deepEqual(workspaceWith(after).diagnostics(URI), []);
  });
});

describe('quick-fixes: PCI tags', () => {
  const tagged = (tags: string) => rule('R', 'INFO', `  tags: ${tags}\n`);

  const forms: Array<[string, string]> = [
    ['pci_dss_10.2.1', 'PCI_DSS_10.2.1'],
    ['PCI-DSS-10.2.1', 'PCI_DSS_10.2.1'],
    ['pci 10.2.1', 'PCI_DSS_10.2.1'],
    ['PCI_DSS_10_2_1_1', 'PCI_DSS_10.2.1.1'],
  ];
  for (const [written, fixed] of forms) {
    it(`rewrites ${written}`, () => {
      const before = tagged(`[container, ${written}]`);
      const { diagnostic, actions } = fixesFor(before, written, 'pci-tag-format');
      assert.equal(diagnostic.severity, 'warning');
      assert.deepEqual(actions.map((a) => [a.title, a.safe, a.isPreferred]), [[`Replace with '${fixed}'`, true, true]]);
      const after = applyChecked(before, actions[0]!);
      assert.equal(after, tagged(`[container, ${fixed}]`));
      assert.deepEqual(workspaceWith(after).diagnostics(URI), []);
    });
  }

  it('keeps the quotes of a tag', () => {
    const before = tagged("['pci dss 10.2.1']");
    const { actions } = fixesFor(before, 'pci dss 10.2.1', 'pci-tag-format');
    assert.equal(applyChecked(before, actions[0]!), tagged("['PCI_DSS_10.2.1']"));
  });

  it('leaves valid tags alone', () => {
    const text = tagged('[PCI_DSS_10.2.1.5, PCI_DSS_10.2, PCI_DSS_A1.1.1, compliance]');
    assert.deepEqual(workspaceWith(text).diagnostics(URI), []);
  });

  it('offers v4.0.1 ids for a v3.2.1 id', () => {
    const before = tagged('[PCI_DSS_10.2.5]');
    const { diagnostic, actions } = fixesFor(before, 'PCI_DSS_10.2.5', 'pci-unknown-requirement');
    assert.equal(diagnostic.severity, 'warning');
    assert.match(diagnostic.message, /v3\.2\.1/);
    assert.deepEqual(actions.map((a) => a.edits[0]!.newText), ['PCI_DSS_10.2.1.5', 'PCI_DSS_2.2.1', 'PCI_DSS_7.2.5']);
    assert.match(actions[0]!.title, /^Replace with 'PCI_DSS_10\.2\.1\.5' \(Audit logs record credential changes/);
    assert.ok(actions.every((a) => !a.safe && !a.isPreferred));
    const after = applyChecked(before, actions[0]!);
    assert.equal(after, tagged('[PCI_DSS_10.2.1.5]'));
    assert.deepEqual(workspaceWith(after).diagnostics(URI), []);
  });

  it('expands v3.2.1 ranges', () => {
    // v3.2.1 lists 10.3.1-10.3.6 as the predecessors of 10.2.2; v4.0.1 has no 10.3.6.
    const before = tagged('[PCI_DSS_10.3.6]');
    const { actions } = fixesFor(before, 'PCI_DSS_10.3.6', 'pci-unknown-requirement');
    assert.deepEqual(actions.map((a) => a.edits[0]!.newText), ['PCI_DSS_10.2.2']);
  });

  it('skips a candidate the rule already has', () => {
    const before = tagged('[PCI_DSS_10.2.1.5, PCI_DSS_10.2.5]');
    const { actions } = fixesFor(before, 'PCI_DSS_10.2.5', 'pci-unknown-requirement');
    assert.deepEqual(actions.map((a) => a.edits[0]!.newText), ['PCI_DSS_2.2.1', 'PCI_DSS_7.2.5']);
  });

  it('warns without candidates for an id nothing maps', () => {
    const before = tagged('[PCI_DSS_13.1]');
    const { diagnostic, actions } = fixesFor(before, 'PCI_DSS_13.1', 'pci-unknown-requirement');
    assert.match(diagnostic.message, /13\.1 is not a v4\.0\.1 requirement id/);
    assert.deepEqual(actions, []);
  });

  it('maps v3.2.1 ids the catalog lacks', () => {
    const cases: Array<[string, string[]]> = [
      ['2.4', ['PCI_DSS_12.5.1']],
      ['10.5.3', ['PCI_DSS_10.3.3']],
      ['10.8', ['PCI_DSS_10.7.2', 'PCI_DSS_10.7.1']],
    ];
    for (const [id, expected] of cases) {
      const before = tagged(`[PCI_DSS_${id}]`);
      const { diagnostic, actions } = fixesFor(before, `PCI_DSS_${id}`, 'pci-unknown-requirement');
      assert.match(diagnostic.message, /is a PCI DSS v3\.2\.1 number/, id);
      assert.deepEqual(actions.map((a) => a.edits[0]!.newText), expected, id);
    }
  });

  it('warns once on the official rules', () => {
    const found: string[] = [];
    for (const name of ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml']) {
      const workspace = new RulesWorkspace();
      const uri = `file:///official/${name}`;
      const text = readFixture('official', 'rules', name);
      workspace.setFile(uri, text);
      for (const d of workspace.diagnostics(uri)) {
        if (d.code.startsWith('pci-')) found.push(`${name} ${d.severity} ${d.code} ${text.slice(d.span.start, d.span.end)}`);
      }
    }
    // PCI_DSS_11.5.1 and PCI_DSS_6.4.2 are valid v4.0.1 ids, though the rules mean their v3.2.1 sense.
    assert.deepEqual(found, [
      'falco_rules.yaml info pci-requirement-meaning-changed PCI_DSS_11.5.1',
      'falco-incubating_rules.yaml warning pci-unknown-requirement PCI_DSS_10.2.5',
      'falco-incubating_rules.yaml info pci-requirement-meaning-changed PCI_DSS_6.4.2',
    ]);
  });
});
