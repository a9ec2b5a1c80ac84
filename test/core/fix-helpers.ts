/**
 * Helpers for quick-fix tests: find the diagnostic that covers a text, pick an
 * action by title, and apply it while checking that the diagnostic is gone and
 * no new error appears.
 */
import * as assert from 'node:assert/strict';
import { RulesWorkspace, getCodeActions, applyEdits } from '../../server/src/core';
import type { CodeAction, Diagnostic, WorkspaceOptions } from '../../server/src/core';

export const URI = 'file:///fixes_rules.yaml';

export function workspaceWith(text: string, options: WorkspaceOptions = {}): RulesWorkspace {
  const workspace = new RulesWorkspace(options);
  workspace.setFile(URI, text);
  return workspace;
}

/**
 * Returns the diagnostic of `code` that covers exactly the first `needle`, with
 * its actions; `where` narrows the diagnostics further.
 */
export function fixesFor(text: string, needle: string, code: string, options: WorkspaceOptions = {}, where?: (d: Diagnostic) => boolean): { diagnostic: Diagnostic; actions: CodeAction[] } {
  const workspace = workspaceWith(text, options);
  const start = text.indexOf(needle);
  assert.ok(start >= 0, `'${needle}' is not in the text`);
  const diagnostic = workspace.diagnostics(URI).find((d) => d.code === code && d.span.start === start && d.span.end === start + needle.length && (!where || where(d)));
  assert.ok(diagnostic, `no ${code} diagnostic covers '${needle}'`);
  return { diagnostic, actions: getCodeActions(workspace, URI, diagnostic.span, [diagnostic]) };
}

export function action(actions: CodeAction[], title: string): CodeAction {
  const found = actions.find((a) => a.title === title);
  assert.ok(found, `no action '${title}' among ${actions.map((a) => `'${a.title}'`).join(', ')}`);
  return found;
}

const errorKey = (d: Diagnostic) => `${d.code}: ${d.message}`;

/**
 * Applies `chosen` and checks the result: the fixed diagnostic is gone (one
 * fewer with its message) and every error of the new text was already there
 * before. Returns the new text.
 */
export function applyChecked(before: string, chosen: CodeAction, options: WorkspaceOptions = {}): string {
  const after = applyEdits(before, chosen.edits.filter((e) => e.uri === URI));
  const diagnostics = workspaceWith(after, options).diagnostics(URI);
  const fixed = (list: Diagnostic[]) => list.filter((d) => d.code === chosen.diagnostic.code && d.message === chosen.diagnostic.message).length;
  const previousDiagnostics = workspaceWith(before, options).diagnostics(URI);
  assert.ok(fixed(diagnostics) < fixed(previousDiagnostics), `still reported: ${chosen.diagnostic.message}`);
  // Each error before may stand for one error after, so a repeated error counts as new.
  const previous = previousDiagnostics.filter((d) => d.severity === 'error').map(errorKey);
  const added: string[] = [];
  for (const key of diagnostics.filter((d) => d.severity === 'error').map(errorKey)) {
    const index = previous.indexOf(key);
    if (index === -1) added.push(key);
    else previous.splice(index, 1);
  }
  assert.deepEqual(added, []);
  return after;
}

