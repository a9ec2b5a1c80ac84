/**
 * Renaming a macro, list or rule everywhere the program names it: its
 * definitions, its overrides and appends, and its uses.
 *
 * Each edit writes the new name in the YAML style of the scalar it lands in
 * (escaped inside quotes, quoted when a plain scalar that is only the name
 * cannot contain it). Before returning, the edits are applied to a copy of the
 * program and checked. The files must read as YAML as well as before. Falco
 * must read the new name exactly where the old one was, no more and no less.
 * A list renamed to a word that a condition compares as text would
 * otherwise capture it, since Falco substitutes list names as text.
 */
import { Scalar, stringify } from 'yaml';
import type { Span } from '../types';
import type { RulesWorkspace } from '../workspace';
import { DEFAULT_RULES_URI } from '../workspace';
import { parseRulesDocument } from '../document/model';
import type { RulesItem } from '../document/model';
import { Program } from '../analysis/program';
import { NameKind, Occurrence, OccurrenceIndex } from './occurrences';
import { findOccurrence } from './navigation';

export interface TextEdit {
  span: Span;
  newText: string;
}

/** The edits per document URI, or why the rename is rejected. */
export type RenameResult = { edits: Record<string, TextEdit[]> } | { error: string };

/** The name text to rename and its current value, or why it cannot be renamed. */
export type PrepareRenameResult = { span: Span; placeholder: string } | { error: string };

const MACRO_NAME = /^[a-zA-Z]+[a-zA-Z0-9_]*$/;
const LIST_NAME = /^[^()"'\s=,]+$/;
const CONDITION_KEYWORDS = new Set(['and', 'or', 'not']);

/** Checks that the name under the cursor can be renamed; undefined when no name is there. */
export function prepareRename(workspace: RulesWorkspace, uri: string, offset: number): PrepareRenameResult | undefined {
  const found = findOccurrence(workspace, uri, offset);
  if (!found) return undefined;
  const { index, occurrence } = found;
  const rejection = uneditableReason(workspace, occurrence.kind, occurrence.name, index.occurrencesOf(occurrence.kind, occurrence.name));
  if (rejection) return { error: rejection };
  return { span: occurrence.span, placeholder: occurrence.name };
}

/** Renames the macro, list or rule under the cursor to `newName`. */
export function rename(workspace: RulesWorkspace, uri: string, offset: number, newName: string): RenameResult {
  const found = findOccurrence(workspace, uri, offset);
  if (!found) return { error: 'There is no macro, list or rule name at the cursor to rename.' };
  const { index, occurrence } = found;
  const { kind, name } = occurrence;
  const occurrences = index.occurrencesOf(kind, name);

  const rejection = uneditableReason(workspace, kind, name, occurrences);
  if (rejection) return { error: rejection };
  const invalid = invalidNameReason(kind, newName);
  if (invalid) return { error: invalid };
  if (newName === name) return { edits: {} };
  const existing = index.program.definitionsOf(kind, newName)[0];
  if (existing) {
    return { error: `A ${kind} named '${newName}' already exists in ${fileLabel(index.program.files[existing.fileIndex]!.document.uri)}; choose another name.` };
  }

  const edits: Record<string, TextEdit[]> = {};
  const seen = new Set<string>();
  for (const o of occurrences) {
    // A YAML alias can make two items share one scalar; edit it once.
    const key = `${o.uri}:${o.span.start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    (edits[o.uri] ??= []).push(editFor(o, newName));
  }
  for (const list of Object.values(edits)) list.sort((a, b) => a.span.start - b.span.start);

  const problem = checkRenamed(index, kind, name, newName, edits, seen.size);
  return problem ? { error: problem } : { edits };
}

/** Returns why the name cannot be renamed, when some of its text is in a document the workspace cannot edit. */
function uneditableReason(workspace: RulesWorkspace, kind: NameKind, name: string, occurrences: readonly Occurrence[]): string | undefined {
  const fixed = occurrences.filter((o) => workspace.getDocument(o.uri) === undefined);
  if (fixed.length === 0) return undefined;
  const defined = fixed.find((o) => o.role !== 'use');
  const uri = (defined ?? fixed[0]!).uri;
  // Base rules files other than the bundled one are files on disk, but they are the ruleset the user builds on.
  const where = uri === DEFAULT_RULES_URI ? 'the bundled falco_rules.yaml, which cannot be edited' : `the base rules file ${displayName(uri)}, which renaming does not edit`;
  const advice = `to change what it ${kind === 'rule' ? 'does' : 'matches'}, override it in your own rules file instead of renaming it.`;
  return defined
    ? `The ${kind} '${name}' is defined in ${where}; ${advice}`
    : `The ${kind} '${name}' is also used in ${where}, so renaming it would change what that file means.`;
}

/** Returns why `newName` is not a valid name of this kind, by the patterns Falco's rules reader checks; undefined when it is valid. */
export function invalidNameReason(kind: NameKind, newName: string): string | undefined {
  switch (kind) {
    case 'macro':
      if (!MACRO_NAME.test(newName)) return `'${newName}' is not a valid macro name: a macro name starts with a letter and contains only letters, digits and '_' (Falco's pattern [a-zA-Z]+[a-zA-Z0-9_]*).`;
      if (CONDITION_KEYWORDS.has(newName)) return `'${newName}' is a keyword of the condition language and cannot name a macro.`;
      return undefined;
    case 'list':
      if (!LIST_NAME.test(newName)) return `'${newName}' is not a valid list name: a list name cannot be empty or contain blanks, quotes, parentheses, '=' or ',' (Falco's pattern [^()"'\\s=,]+).`;
      return undefined;
    case 'rule':
      if (newName.trim() === '') return 'A rule name cannot be empty.';
      if (/[\r\n]/.test(newName)) return 'A rule name cannot contain a line break.';
      if (newName.trim() !== newName) return `A rule name cannot start or end with white space: write '${newName.trim()}'.`;
      return undefined;
  }
}

/** Writes `newName` in place of one occurrence, in the style of the scalar that contains it. */
function editFor(occurrence: Occurrence, newName: string): TextEdit {
  const { span, scalar } = occurrence;
  switch (scalar.type) {
    case Scalar.QUOTE_DOUBLE:
      return { span, newText: JSON.stringify(newName).slice(1, -1) };
    case Scalar.QUOTE_SINGLE:
      return { span, newText: newName.replace(/'/g, "''") };
    case Scalar.PLAIN:
      // A JSON string is a valid YAML double-quoted scalar.
      if (occurrence.whole && !isPlainSafe(newName, occurrence.inFlow)) return { span, newText: JSON.stringify(newName) };
      return { span, newText: newName };
    default:
      return { span, newText: newName };
  }
}

/** True when `text` reads back as the same string written as a plain scalar. */
function isPlainSafe(text: string, inFlow: boolean): boolean {
  if (inFlow && /[,[\]{}]/.test(text)) return false;
  return stringify(text, { lineWidth: 0 }).replace(/\n$/, '') === text;
}

/**
 * Applies the edits to a copy of the program and returns a problem when the
 * result does not read as the rename intends, else undefined.
 */
function checkRenamed(index: OccurrenceIndex, kind: NameKind, oldName: string, newName: string, edits: Record<string, TextEdit[]>, expected: number): string | undefined {
  const program = index.program;
  const regions = new Map<string, Span[]>();
  const files = program.files.map((file) => {
    const uri = file.document.uri;
    const fileEdits = edits[uri];
    if (!fileEdits) return file;
    const { text, spans } = applyEdits(file.document.text, fileEdits);
    regions.set(uri, spans);
    return { ...file, document: parseRulesDocument(uri, text) };
  });

  for (const [position, file] of files.entries()) {
    const before = program.files[position]!.document;
    if (file.document === before) continue;
    if (yamlProblemCount(file.document.problems) > yamlProblemCount(before.problems) || file.document.items.length !== before.items.length) {
      return `'${newName}' cannot be written into ${displayName(before.uri)} as it is: it would break the YAML there. Quote the values that contain the ${kind}, or choose another name.`;
    }
  }

  const renamed = new OccurrenceIndex(new Program(files)).occurrencesOf(kind, newName);
  const inRegion = (o: Occurrence) => (regions.get(o.uri) ?? []).some((r) => r.start <= o.span.start && o.span.end <= r.end);
  const stray = renamed.find((o) => !inRegion(o));
  if (stray) {
    return `Renaming the ${kind} '${oldName}' to '${newName}' would change other text: Falco would also read '${newName}' in ${describeItem(stray.item)} of ${fileLabel(stray.uri)} as this ${kind}. Choose another name.`;
  }
  if (renamed.length !== expected) {
    const lost = [...regions].flatMap(([uri, spans]) => spans.map((span) => ({ uri, span }))).find(({ uri, span }) => !renamed.some((o) => o.uri === uri && span.start <= o.span.start && o.span.end <= span.end));
    const where = lost ? ` in ${displayName(lost.uri)}` : '';
    return `Renaming the ${kind} '${oldName}' to '${newName}' would change what Falco reads${where}: it would no longer read the new name as this ${kind} everywhere the old one was. Choose another name.`;
  }
  return undefined;
}

/** Applies sorted, non-overlapping edits; returns the new text and where each replacement landed. */
function applyEdits(text: string, edits: readonly TextEdit[]): { text: string; spans: Span[] } {
  let result = '';
  let last = 0;
  const spans: Span[] = [];
  for (const edit of edits) {
    result += text.slice(last, edit.span.start);
    spans.push({ start: result.length, end: result.length + edit.newText.length });
    result += edit.newText;
    last = edit.span.end;
  }
  return { text: result + text.slice(last), spans };
}

function yamlProblemCount(problems: ReadonlyArray<{ code: string }>): number {
  return problems.filter((p) => p.code.startsWith('LOAD_ERR_YAML')).length;
}

function describeItem(item: RulesItem): string {
  return item.name !== undefined ? `${item.kind} '${item.name}'` : `a ${item.kind ?? 'top-level item'}`;
}

/** Names a file for messages: the bundled ruleset by its role, others by file name. */
function fileLabel(uri: string): string {
  return uri === DEFAULT_RULES_URI ? 'the bundled falco_rules.yaml' : displayName(uri);
}

function displayName(uri: string): string {
  const name = uri.slice(uri.lastIndexOf('/') + 1) || uri;
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
