import * as assert from 'node:assert/strict';
import { applyEdits, fixAll, getCodeActions } from '../../server/src/core';
import { URI, action, applyChecked, fixesFor, workspaceWith } from './fix-helpers';

const rule = (condition: string, output: string, extra = '') => `- rule: R\n  desc: d\n  condition: ${condition}\n  output: ${output}\n  priority: INFO\n${extra}`;

describe('quick-fixes: output placeholders', () => {
  it('fixes every placeholder of one output', () => {
    const before = rule('spawned_process', `"shell %(proc.name)s by %(user.name) in '%(container.id)' to %(fd.ip)"`);
    const { actions } = fixesFor(before, '%(user.name)', 'LOAD_ERR_COMPILE_OUTPUT');
    const all = action(actions, 'Fix all placeholders in this output');
    assert.equal(all.safe, true);
    assert.equal(all.isPreferred, false);
    const after = applyEdits(before, all.edits);
    // %(fd.ip) needs a choice between two fields, so fixing all leaves it.
    assert.equal(after, rule('spawned_process', `"shell %proc.name by %user.name in '%container.id' to %(fd.ip)"`));
    const remaining = workspaceWith(after).diagnostics(URI).map((d) => after.slice(d.span.start, d.span.end));
    assert.deepEqual(remaining, ['%(fd.ip)']);
  });

  it('keeps a folded output folded', () => {
    const output = '>\n    shell %(proc.name)s started\n    by %(user.name)\n';
    const before = `- rule: R\n  desc: d\n  condition: spawned_process\n  output: ${output}  priority: INFO\n`;
    const { actions } = fixesFor(before, '%(proc.name)s', 'LOAD_ERR_COMPILE_OUTPUT');
    const after = applyChecked(before, action(actions, 'Fix all placeholders in this output'));
    assert.equal(after, `- rule: R\n  desc: d\n  condition: spawned_process\n  output: >\n    shell %proc.name started\n    by %user.name\n  priority: INFO\n`);
    assert.deepEqual(workspaceWith(after).diagnostics(URI), []);
  });

  it('offers no fix-all for a single placeholder', () => {
    const before = rule('spawned_process', '"shell %(proc.name)s started"');
    const { actions } = fixesFor(before, '%(proc.name)s', 'LOAD_ERR_COMPILE_OUTPUT');
    assert.deepEqual(actions.map((a) => a.title), ["Replace with '%proc.name'"]);
  });

  it('fix-all of the file fixes every safe placeholder once', () => {
    const workspace = workspaceWith(rule('spawned_process', 'a %(proc.name)s b %(user.name) c %(proc.pid)d'));
    fixAll(workspace, URI);
    assert.equal(workspace.getDocument(URI)!.text, rule('spawned_process', 'a %proc.name b %user.name c %proc.pid'));
  });

  it('offers the host name for an unknown name after "on host"', () => {
    const before = rule('spawned_process', `"Shell '%proc.name' on host '%(ாளர்.name)'. User: %user.name"`);
    const { diagnostic, actions } = fixesFor(before, '%(ாளர்.name)', 'LOAD_ERR_COMPILE_OUTPUT');
    assert.equal(actions[0]!.title, "Replace with '%evt.hostname'");
    assert.ok(actions.length > 1, 'only one candidate');
    assert.ok(actions.every((a) => !a.safe && !a.isPreferred));
    assert.ok(actions.every((a) => a.diagnostic === diagnostic));
    const after = applyChecked(before, actions[0]!);
    assert.equal(after, rule('spawned_process', `"Shell '%proc.name' on host '%evt.hostname'. User: %user.name"`));
  });

  it('offers display fields for a filter-only field', () => {
    const before = rule('evt.type = connect', `"to %(fd.ip)"`);
    const { actions } = fixesFor(before, '%(fd.ip)', 'LOAD_ERR_COMPILE_OUTPUT');
    const texts = actions.map((a) => a.edits[0]!.newText);
    assert.deepEqual(texts.slice(0, 2), ['%fd.sip', '%fd.cip']);
    assert.ok(!texts.includes('%fd.ip'));
    assert.ok(!texts.includes('%fd.net'));
    assert.ok(actions.every((a) => !a.safe && !a.isPreferred));
    assert.equal(applyChecked(before, actions[0]!), rule('evt.type = connect', `"to %fd.sip"`));
  });

  it('never offers a filter-only field for an unknown name', () => {
    const before = rule('evt.type = connect', `"to %(fd.dip)"`);
    const { actions } = fixesFor(before, '%(fd.dip)', 'LOAD_ERR_COMPILE_OUTPUT');
    const texts = actions.map((a) => a.edits[0]!.newText);
    assert.deepEqual(texts.slice(0, 2), ['%fd.sip', '%fd.rip']);
    assert.ok(!texts.includes('%fd.ip'));
  });
});

describe('quick-fixes: field without %', () => {
  it('reports label=field and inserts the %', () => {
    const before = rule('evt.type = connect', 'connection fd_proto=fd.l4proto port=%fd.sport');
    const { diagnostic, actions } = fixesFor(before, 'fd.l4proto', 'output-field-without-percent');
    assert.equal(diagnostic.severity, 'warning');
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.safe, true);
    assert.equal(actions[0]!.isPreferred, true);
    const after = applyChecked(before, actions[0]!);
    assert.equal(after, rule('evt.type = connect', 'connection fd_proto=%fd.l4proto port=%fd.sport'));
    assert.deepEqual(workspaceWith(after).diagnostics(URI), []);
  });

  it('fixes a double-quoted output', () => {
    const before = rule('spawned_process', '"cmd=proc.cmdline user=%user.name"');
    const { actions } = fixesFor(before, 'proc.cmdline', 'output-field-without-percent');
    assert.equal(applyChecked(before, actions[0]!), rule('spawned_process', '"cmd=%proc.cmdline user=%user.name"'));
  });

  it('ignores text that is no field', () => {
    const text = rule('spawned_process', 'file=config.yaml mode=fd.unknown host=%evt.hostname at=proc.name.');
    const covered = workspaceWith(text).diagnostics(URI).filter((d) => d.code === 'output-field-without-percent').map((d) => text.slice(d.span.start, d.span.end));
    // Only the real field at the end of a sentence counts.
    assert.deepEqual(covered, ['proc.name']);
  });

  it('ignores filter-only fields', () => {
    const text = rule('evt.type = connect', 'ip=fd.ip net=fd.net');
    assert.deepEqual(workspaceWith(text).diagnostics(URI).filter((d) => d.code === 'output-field-without-percent'), []);
  });
});

describe('quick-fixes: unknown fields', () => {
  it('prefers the one known confusion in a condition', () => {
    const before = rule('spawned_process and proc.commandline contains curl', 'o');
    const { actions } = fixesFor(before, 'proc.commandline', 'LOAD_ERR_COMPILE_CONDITION');
    assert.equal(actions[0]!.title, "Replace with 'proc.cmdline'");
    assert.deepEqual(actions.map((a) => a.isPreferred), actions.map((_, i) => i === 0));
    assert.ok(actions.every((a) => !a.safe));
    assert.equal(applyChecked(before, actions[0]!), rule('spawned_process and proc.cmdline contains curl', 'o'));
  });

  it('prefers proc.name for process.name', () => {
    const before = rule('spawned_process and process.name = curl', 'o');
    const { actions } = fixesFor(before, 'process.name', 'LOAD_ERR_COMPILE_CONDITION');
    assert.equal(actions[0]!.edits[0]!.newText, 'proc.name');
    assert.equal(actions[0]!.isPreferred, true);
    assert.equal(actions.filter((a) => a.isPreferred).length, 1);
    assert.equal(applyChecked(before, actions[0]!), rule('spawned_process and proc.name = curl', 'o'));
  });

  it('prefers none of two confusions', () => {
    const before = rule('evt.type = connect and fd.dip = 10.1.2.3', 'o');
    const { actions } = fixesFor(before, 'fd.dip', 'LOAD_ERR_COMPILE_CONDITION');
    assert.deepEqual(actions.slice(0, 2).map((a) => a.edits[0]!.newText), ['fd.sip', 'fd.rip']);
    assert.ok(actions.every((a) => !a.isPreferred && !a.safe));
    assert.equal(applyChecked(before, actions[0]!), rule('evt.type = connect and fd.sip = 10.1.2.3', 'o'));
  });

  it('maps names of other tools to Falco fields', () => {
    const before = rule('evt.type = connect and net.destination.ip = 10.1.2.3', 'o');
    const { actions } = fixesFor(before, 'net.destination.ip', 'LOAD_ERR_COMPILE_CONDITION');
    assert.equal(actions[0]!.edits[0]!.newText, 'fd.sip');
    assert.equal(actions[0]!.isPreferred, true);
    assert.equal(applyChecked(before, actions[0]!), rule('evt.type = connect and fd.sip = 10.1.2.3', 'o'));
  });

  it('prefers nothing for a plain typo', () => {
    const before = rule('spawned_process and proc.nme = curl', 'o');
    const { actions } = fixesFor(before, 'proc.nme', 'LOAD_ERR_COMPILE_CONDITION');
    assert.equal(actions[0]!.title, "Replace with 'proc.name'");
    assert.ok(actions.every((a) => !a.isPreferred && !a.safe));
  });

  it('fixes an unknown field in an output', () => {
    const before = rule('spawned_process', 'ran %proc.commandline as %user.name');
    const { actions } = fixesFor(before, '%proc.commandline', 'LOAD_ERR_COMPILE_OUTPUT');
    assert.equal(actions[0]!.title, "Replace with '%proc.cmdline'");
    assert.equal(actions[0]!.isPreferred, true);
    assert.ok(actions.every((a) => !a.safe));
    assert.equal(applyChecked(before, actions[0]!), rule('spawned_process', 'ran %proc.cmdline as %user.name'));
  });

  it('keeps the width of a placeholder', () => {
    const before = rule('spawned_process', 'ran %20process.name');
    const { actions } = fixesFor(before, '%20process.name', 'LOAD_ERR_COMPILE_OUTPUT');
    assert.equal(applyChecked(before, actions[0]!), rule('spawned_process', 'ran %20proc.name'));
  });

  const k8sRule = (condition: string) =>
    `- required_plugin_versions:\n  - name: k8saudit\n    version: 0.1.0\n- rule: R\n  desc: d\n  condition: ${condition}\n  output: o\n  priority: INFO\n  source: k8s_audit\n`;

  it('offers the k8s audit field for container.image', () => {
    const before = k8sRule('ka.verb = create and container.image in (nginx)');
    const { actions } = fixesFor(before, 'container.image', 'LOAD_ERR_COMPILE_CONDITION');
    assert.equal(actions[0]!.edits[0]!.newText, 'ka.req.pod.containers.image');
    assert.equal(actions[0]!.isPreferred, true);
    assert.equal(applyChecked(before, actions[0]!), k8sRule('ka.verb = create and ka.req.pod.containers.image in (nginx)'));
  });

  it('offers only fields that accept the operator', () => {
    // ka.req.pod.containers.image is a list, which takes only 'in' and 'intersects'.
    const before = k8sRule('ka.verb = create and container.image startswith nginx');
    const { actions } = fixesFor(before, 'container.image', 'LOAD_ERR_COMPILE_CONDITION');
    assert.deepEqual(actions.map((a) => a.edits[0]!.newText), ['ka.req.container.image']);
    assert.equal(applyChecked(before, actions[0]!), k8sRule('ka.verb = create and ka.req.container.image startswith nginx'));
  });
});

describe('quick-fixes: plugins not loaded', () => {
  it('offers no field of a plugin that is not loaded', () => {
    const text = rule('spawned_process', 'id=container.id name=%(container.nme)');
    const workspace = workspaceWith(text, { plugins: [] });
    const diagnostics = workspace.diagnostics(URI);
    assert.deepEqual(diagnostics.filter((d) => d.code === 'output-field-without-percent'), []);
    const broken = diagnostics.find((d) => text.slice(d.span.start, d.span.end) === '%(container.nme)');
    assert.ok(broken, 'the broken placeholder is not reported');
    const offered = getCodeActions(workspace, URI, broken.span, [broken]).map((a) => a.edits[0]!.newText);
    assert.ok(!offered.some((t) => t.startsWith('%container.')), `offered ${offered.join(', ')}`);
  });
});
