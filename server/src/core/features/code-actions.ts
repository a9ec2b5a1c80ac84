/**
 * Code actions for the diagnostics in a range, and fix-all: the safe fixes
 * of a file applied together, again and again until none is left.
 */
import type { Diagnostic, Span } from '../types';
import type { RulesWorkspace } from '../workspace';
import type { CodeAction, Fixer, DocumentEdit } from '../fixes/types';
import { FIXERS } from '../fixes';

export type { CodeAction, DocumentEdit } from '../fixes/types';

/** Returns the actions of the diagnostics of `uri` that overlap `span` (or touch it when it is empty). */
export function getCodeActions(workspace: RulesWorkspace, uri: string, span: Span, only?: readonly Diagnostic[]): CodeAction[] {
  const document = workspace.getDocument(uri);
  if (!document) return [];
  const program = workspace.getProgram();
  const diagnostics = only ?? workspace.diagnostics(uri).filter((d) => d.span.start <= span.end && span.start <= d.span.end);
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    for (const fixer of fixersFor(diagnostic)) {
      actions.push(...fixer({ workspace, program, document, uri, diagnostic }));
    }
  }
  return actions;
}

function fixersFor(diagnostic: Diagnostic): Fixer[] {
  return [...(FIXERS[diagnostic.code] ?? []), ...(FIXERS['*'] ?? [])];
}

/** Applies edits of one document to its text; the edits must not overlap. */
export function applyEdits(text: string, edits: readonly DocumentEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start || b.span.end - a.span.end);
  let result = text;
  for (const edit of sorted) result = result.slice(0, edit.span.start) + edit.newText + result.slice(edit.span.end);
  return result;
}

/** Returns the safe, non-overlapping edits of one round of fix-all, in document order. */
export function safeFixEdits(workspace: RulesWorkspace, uri: string): DocumentEdit[] {
  const document = workspace.getDocument(uri);
  if (!document) return [];
  const actions = getCodeActions(workspace, uri, { start: 0, end: document.text.length }).filter((a) => a.safe && a.edits.every((e) => e.uri === uri));
  const chosen: DocumentEdit[] = [];
  for (const action of actions) {
    const overlaps = action.edits.some((edit) => chosen.some((other) => edit.span.start < other.span.end && other.span.start < edit.span.end || (edit.span.start === other.span.start && edit.span.end === other.span.end)));
    if (!overlaps) chosen.push(...action.edits);
  }
  return chosen.sort((a, b) => a.span.start - b.span.start);
}

/**
 * Returns the text of `uri` after fix-all, computed on a fork of the
 * workspace, and how many edits it took; the workspace itself is unchanged.
 */
export function fixAllText(workspace: RulesWorkspace, uri: string): { text: string; applied: number } | undefined {
  if (!workspace.getDocument(uri)) return undefined;
  const fork = workspace.fork();
  const applied = fixAll(fork, uri);
  return { text: fork.getDocument(uri)!.text, applied };
}

/** Applies fix-all to `uri` in the workspace and returns the number of edits made. */
export function fixAll(workspace: RulesWorkspace, uri: string, maxRounds = 10): number {
  let applied = 0;
  for (let round = 0; round < maxRounds; round++) {
    const document = workspace.getDocument(uri);
    if (!document) break;
    const edits = safeFixEdits(workspace, uri);
    if (edits.length === 0) break;
    workspace.setFile(uri, applyEdits(document.text, edits));
    applied += edits.length;
  }
  return applied;
}
