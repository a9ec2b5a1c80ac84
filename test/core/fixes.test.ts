import * as assert from 'node:assert/strict';
import { RulesWorkspace, getCodeActions, applyEdits, fixAll } from '../../server/src/core';

const URI = 'file:///fixes_rules.yaml';

function workspaceWith(text: string): RulesWorkspace {
  const workspace = new RulesWorkspace();
  workspace.setFile(URI, text);
  return workspace;
}

/** Applies the first action offered for the diagnostic covering `needle` and returns the new text. */
function applyFirst(text: string, needle: string): { text: string; title: string } {
  const workspace = workspaceWith(text);
  const start = text.indexOf(needle);
  const actions = getCodeActions(workspace, URI, { start, end: start + needle.length });
  assert.ok(actions.length > 0, `no action for '${needle}'`);
  return { text: applyEdits(text, actions[0]!.edits.filter((e) => e.uri === URI)), title: actions[0]!.title };
}

const rule = (condition: string, output: string) => `- rule: R\n  desc: d\n  condition: ${condition}\n  output: ${output}\n  priority: INFO\n`;

describe('quick-fixes: framework', () => {
  it('replaces a Python-style placeholder', () => {
    const before = rule('spawned_process', '"shell %(proc.name)s started"');
    const { text } = applyFirst(before, '%(proc.name)s');
    assert.equal(text, rule('spawned_process', '"shell %proc.name started"'));
    assert.deepEqual(workspaceWith(text).diagnostics(URI), []);
  });

  it('fix-all applies every safe fix', () => {
    const workspace = workspaceWith(rule('spawned_process', 'shell %(proc.name)s by %(user.name)'));
    assert.equal(fixAll(workspace, URI), 2);
    assert.equal(workspace.getDocument(URI)!.text, rule('spawned_process', 'shell %proc.name by %user.name'));
    assert.deepEqual(workspace.diagnostics(URI), []);
  });

  it('fix-all leaves choices alone', () => {
    const workspace = workspaceWith(rule('spawned_process and proc.nme = x', 'o'));
    assert.equal(fixAll(workspace, URI), 0);
    const actions = getCodeActions(workspace, URI, { start: 0, end: 200 });
    assert.ok(actions.some((a) => a.title === "Replace with 'proc.name'"));
    assert.ok(actions.every((a) => !a.safe && !a.isPreferred));
  });
});
