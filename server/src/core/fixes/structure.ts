/**
 * Fixes of item structure: priorities spelled another way, missing required
 * keys, and rule properties that fell out of their item to column 0.
 */
import { isScalar } from 'yaml';
import type { Scalar } from 'yaml';
import type { Diagnostic, Span } from '../types';
import type { ItemEntry, RulesDocument, RulesItem } from '../document/model';
import type { CodeAction, DocumentEdit, FixContext, Fixer } from './types';
import type { Expr, FieldExpr, TransformerExpr } from '../condition/ast';
import { catalog, findPriority } from '../catalog';
import { toDocumentSpan } from '../yaml/scalar-map';
import { splitIntoChunks } from '../document/chunks';
import { parseCondition } from '../condition/parser';
import { findKey, ITEM_KEYS } from '../schema/items';
import { lookupField } from '../checks/fields';
import { suggest } from '../util/suggest';

// ---------------------------------------------------------------------------
// Priorities

/** Spellings of a priority that Falco rejects, lower case, with the priority they name. */
const PRIORITY_SPELLINGS: Record<string, string> = {
  emerg: 'Emergency',
  emer: 'Emergency',
  panic: 'Emergency',
  alrt: 'Alert',
  crit: 'Critical',
  crt: 'Critical',
  err: 'Error',
  erro: 'Error',
  errors: 'Error',
  warn: 'Warning',
  wrn: 'Warning',
  warnings: 'Warning',
  note: 'Notice',
  notif: 'Notice',
  notification: 'Notice',
  information: 'Informational',
  informative: 'Informational',
  inf: 'Informational',
  dbg: 'Debug',
  debugging: 'Debug',
};

/** Severity words of other tools, which map to Falco priorities only by a person's choice. */
const PRIORITY_GUESSES: Record<string, string[]> = {
  fatal: ['Critical', 'Emergency'],
  severe: ['Critical', 'Error'],
  high: ['Error', 'Critical'],
  medium: ['Warning'],
  moderate: ['Warning'],
  low: ['Notice', 'Informational'],
  trace: ['Debug'],
};

/**
 * Rewrites an invalid priority as the Falco name it means (`WARN` to
 * `WARNING`), in the letter case the file's other priorities use, else upper
 * case as the official rules write them.
 */
export const priorityFixer: Fixer = ({ document, uri, diagnostic }) => {
  const item = itemAt(document, diagnostic.span);
  const entry = item?.get('priority');
  if (!item || !entry?.value || !isScalar(entry.value) || !sameSpan(entry.valueSpan, diagnostic.span)) return [];
  const map = item.scalar(entry.value as Scalar);
  const written = map.value.trim();
  if (!map.exact || written === '' || findPriority(written)) return [];

  const key = written.toLowerCase();
  const unique = PRIORITY_SPELLINGS[key] ?? onlyOne(suggest(written, catalog.priorities.map((p) => p.name), 2));
  const names = unique ? [unique] : (PRIORITY_GUESSES[key] ?? []);
  const style = priorityCase(document, item);
  const span = toDocumentSpan(map, { start: 0, end: map.value.length });
  return names.map((name): CodeAction => {
    const text = style(name);
    return {
      title: `Replace with '${text}'`,
      kind: 'quickfix',
      isPreferred: unique !== undefined,
      safe: unique !== undefined,
      edits: [{ uri, span, newText: text }],
      diagnostic,
    };
  });
};

function onlyOne(names: string[]): string | undefined {
  return names.length === 1 ? names[0] : undefined;
}

/** Returns a function that writes a priority name in the letter case most priorities of the file use. */
function priorityCase(document: RulesDocument, except: RulesItem): (name: string) => string {
  const counts = { upper: 0, lower: 0, title: 0 };
  for (const item of document.items) {
    const node = item.get('priority')?.value;
    if (item === except || !node || !isScalar(node)) continue;
    const text = item.scalarValue(node as Scalar);
    if (!findPriority(text)) continue;
    if (text === text.toUpperCase()) counts.upper++;
    else if (text === text.toLowerCase()) counts.lower++;
    else if (text === text.charAt(0).toUpperCase() + text.slice(1).toLowerCase()) counts.title++;
  }
  if (counts.lower > counts.upper && counts.lower >= counts.title) return (name) => name.toLowerCase();
  if (counts.title > counts.upper && counts.title > counts.lower) return (name) => name;
  return (name) => name.toUpperCase();
}

// ---------------------------------------------------------------------------
// Missing keys

/**
 * Adds a missing required key with a placeholder value that the author must
 * review (so never safe), placed where the official rules put the key. When
 * the item has an unknown key close to the missing one (`conditon`), renaming
 * that key comes first and is the preferred fix.
 */
export const missingKeyFixer: Fixer = (context) => {
  const { document, uri, diagnostic } = context;
  const key = diagnostic.data?.missingKey;
  const item = itemAt(document, diagnostic.span);
  if (!key || !item?.kind || item.get(key)) return [];

  const actions: CodeAction[] = [];
  const misspelled = item.entries.filter((entry) => !findKey(item.kind!, entry.key) && suggest(entry.key, [key], 1).length > 0);
  for (const entry of misspelled) {
    actions.push({
      title: `Rename '${entry.key}' to '${key}'`,
      kind: 'quickfix',
      isPreferred: misspelled.length === 1,
      safe: misspelled.length === 1,
      edits: [{ uri, span: entry.keySpan, newText: key }],
      diagnostic,
    });
  }

  const value = placeholderValue(context, item, key);
  const edit = value === undefined ? undefined : insertKey(document, item, key, value, uri);
  if (edit) {
    actions.push({
      title: `Add '${key}' with a placeholder value to review`,
      kind: 'quickfix',
      isPreferred: misspelled.length === 0,
      safe: false,
      edits: [edit],
      diagnostic,
    });
  }
  return actions;
};

/** Returns the placeholder value of a missing key, as text to write after `key: `; undefined when there is none worth writing. */
function placeholderValue(context: FixContext, item: RulesItem, key: string): string | undefined {
  switch (key) {
    case 'desc':
      return `TODO describe the ${item.kind}`;
    case 'priority':
      return priorityCase(context.document, item)('Warning');
    case 'output':
      return conventionalOutput(context, item);
    case 'items':
      return '[]';
    case 'condition': {
      // Valid in every source's field set only for syscall rules; a macro's fields are checked against every source.
      if (item.kind === 'macro') return 'proc.name = TODO';
      const source = ruleSource(context, item);
      return source === 'syscall' ? 'evt.type in (execve, execveat) and proc.name = TODO' : undefined;
    }
    default:
      return undefined;
  }
}

/** Labels the official rules give fields in outputs; other fields get their name with `_` for `.`. */
const OUTPUT_LABELS: Record<string, string> = {
  'evt.type': 'evt_type',
  'user.name': 'user',
  'user.loginuid': 'user_loginuid',
  'proc.name': 'process',
  'proc.exepath': 'proc_exepath',
  'proc.pname': 'parent',
  'proc.cmdline': 'command',
  'proc.tty': 'terminal',
  'fd.name': 'file',
  'container.id': 'container_id',
  'container.name': 'container_name',
};

/** Fields every syscall rule's output carries in the official rules, after those of the condition. */
const SYSCALL_OUTPUT_FIELDS = ['evt.type', 'user.name', 'proc.name', 'proc.cmdline'];

/** Builds `TODO describe the event (label=%field ...)` from the fields the condition compares. */
function conventionalOutput(context: FixContext, item: RulesItem): string {
  const source = ruleSource(context, item);
  const scope = context.program.scopeFor(item, context.program.fileIndexOf(context.uri));
  const fields: string[] = [];
  const node = item.get('condition')?.value;
  if (node && isScalar(node)) {
    const expr = parseCondition(item.scalarValue(node as Scalar)).expr;
    if (expr) collectFields(expr, fields);
  }
  if (source === 'syscall') fields.push(...SYSCALL_OUTPUT_FIELDS);

  const printable = [...new Set(fields)].filter((name) => {
    const lookup = lookupField(name, undefined, source);
    return lookup.status === 'ok' && !lookup.field.filterOnly && (!lookup.field.plugin || scope.pluginLoaded(lookup.field.plugin));
  });
  const pairs = printable.map((name) => `${OUTPUT_LABELS[name] ?? name.replace(/\./g, '_')}=%${name}`);
  return pairs.length ? `TODO describe the event (${pairs.join(' ')})` : 'TODO describe the event';
}

/** Appends the names of the fields a condition uses, without arguments, in text order. */
function collectFields(expr: Expr, fields: string[]): void {
  switch (expr.kind) {
    case 'and':
    case 'or':
      for (const operand of expr.operands) collectFields(operand, fields);
      return;
    case 'not':
      collectFields(expr.operand, fields);
      return;
    case 'paren':
      collectFields(expr.expr, fields);
      return;
    case 'check':
      collectOperandFields(expr.left, fields);
      if (expr.right?.kind === 'transformer') collectOperandFields(expr.right, fields);
      return;
    case 'identifier':
      return;
  }
}

function collectOperandFields(operand: FieldExpr | TransformerExpr, fields: string[]): void {
  if (operand.kind === 'field') {
    if (!operand.arg) fields.push(operand.name);
    return;
  }
  for (const arg of operand.args) {
    if (arg.kind === 'field' || arg.kind === 'transformer') collectOperandFields(arg, fields);
  }
}

function ruleSource(context: FixContext, item: RulesItem): string {
  return context.program.scopeFor(item, context.program.fileIndexOf(context.uri)).source ?? 'syscall';
}

/** Returns the edit that adds `key: value` to an item, after the keys that conventionally precede it. */
function insertKey(document: RulesDocument, item: RulesItem, key: string, value: string, uri: string): DocumentEdit | undefined {
  const text = document.text;
  if (text[item.span.start] === '{') {
    const close = text.lastIndexOf('}', item.span.end - 1);
    if (close < item.span.start) return undefined;
    return { uri, span: { start: close, end: close }, newText: `, ${key}: ${yamlScalar(value, true)}` };
  }

  const order = ITEM_KEYS[item.kind!].map((def) => def.name);
  const rank = order.indexOf(key);
  let after: ItemEntry | undefined;
  for (const entry of item.entries) {
    const entryRank = order.indexOf(entry.key);
    if (entryRank === -1 || entryRank >= rank) continue;
    if (!after || entryRank > order.indexOf(after.key)) after = entry;
  }
  after ??= item.get(item.kind!);
  if (!after) return undefined;

  const indent = ' '.repeat(after.keySpan.start - lineStart(text, after.keySpan.start));
  const at = lineEnd(text, contentEnd(text, after.keySpan.start, Math.max(after.keySpan.end, after.valueSpan.end)));
  return { uri, span: { start: at, end: at }, newText: `${lineBreakOf(text)}${indent}${key}: ${yamlScalar(value, false)}` };
}

/**
 * Writes `text` as a YAML scalar: plain when YAML reads it back unchanged,
 * else double-quoted. `flow` adds the characters a flow collection reserves.
 */
function yamlScalar(text: string, flow: boolean): string {
  const plain =
    text !== '' &&
    !/^[\s\-?:,[\]{}#&*!|>'"%@`]/.test(text) &&
    !/\s$/.test(text) &&
    !/: |\s#|:$/.test(text) &&
    !(flow && /[,[\]{}]/.test(text)) &&
    !/^(?:true|false|yes|no|on|off|null|~)$/i.test(text);
  if (plain || text === '[]') return text;
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

// ---------------------------------------------------------------------------
// Properties outside their item

/**
 * Indents the properties written at column 0 under a `- rule:` line into
 * their item: for the item (safe and preferred, the text then reads as its
 * author meant) and for every such item of the file at once.
 */
export const reindentFixer: Fixer = ({ document, uri, diagnostic }) => {
  if (!diagnostic.data?.outdentedKey) return [];
  const chunks = splitIntoChunks(document.text).filter((chunk) => chunk.kind === 'item');
  const own = chunks.find((chunk) => chunk.start <= diagnostic.span.start && diagnostic.span.start < chunk.end);
  if (!own) return [];
  const edits = (chunk: { start: number; end: number }) => reindentEdits(document.text, chunk.start, chunk.end).map((edit) => ({ uri, ...edit }));

  const actions: CodeAction[] = [
    { title: 'Indent the properties under their item', kind: 'quickfix', isPreferred: true, safe: true, edits: edits(own), diagnostic },
  ];
  const outdented = document.problems.filter((problem: Diagnostic) => problem.data?.outdentedKey);
  if (outdented.length >= 2) {
    const all = chunks.filter((chunk) => outdented.some((problem) => chunk.start <= problem.span.start && problem.span.start < chunk.end));
    actions.push({ title: 'Indent the properties under their items in the whole file', kind: 'quickfix', isPreferred: false, safe: false, edits: all.flatMap(edits), diagnostic });
  }
  return actions;
};

const KEY_LINE = /^[A-Za-z_][A-Za-z0-9_-]*[ \t]*:(?:[ \t]|$)/;
const KEY_WITHOUT_VALUE = /^[A-Za-z_][A-Za-z0-9_-]*[ \t]*:[ \t]*(?:#.*)?$/;
const SEQUENCE_ENTRY = /^-(?:[ \t]|$)/;

/**
 * Returns the insertions that indent one item. A key at column 0 moves to the
 * column of the key after `- `, and an element of a sequence under such a key
 * two columns further. The lines that continue them move by as much. Lines
 * indented under a key already in place, comments at column 0 and blank lines
 * stay.
 */
function reindentEdits(text: string, start: number, end: number): Array<{ span: Span; newText: string }> {
  const edits: Array<{ span: Span; newText: string }> = [];
  const firstLineEnd = lineEnd(text, start);
  const keyColumn = text.slice(start, firstLineEnd).search(/[^-\s]/);
  if (keyColumn <= 0) return edits;

  // The indentation added to the lines that continue the last line moved.
  let shift = 0;
  let underKeyWithoutValue = false;
  let offset = firstLineEnd < text.length ? text.indexOf('\n', firstLineEnd) + 1 : end;
  while (offset > 0 && offset < end) {
    const next = text.indexOf('\n', offset);
    const lineStop = next === -1 || next >= end ? end : next;
    const line = text.slice(offset, lineStop).replace(/\r$/, '');
    const indentation = line.length - line.trimStart().length;
    let added = 0;
    if (line.trim() === '' || (indentation === 0 && line.startsWith('#'))) {
      added = 0;
    } else if (indentation > 0) {
      // A key already level with the item's keys is in place and ends what the moved line continued.
      if (indentation === keyColumn && KEY_LINE.test(line.trimStart())) shift = 0;
      added = shift;
    } else if (SEQUENCE_ENTRY.test(line) && underKeyWithoutValue) {
      added = shift = keyColumn + 2;
    } else if (KEY_LINE.test(line)) {
      added = shift = keyColumn;
      underKeyWithoutValue = KEY_WITHOUT_VALUE.test(line);
    } else {
      // Text at column 0 that is no key continues the value before it.
      added = shift = keyColumn + 2;
    }
    if (added > 0) edits.push({ span: { start: offset, end: offset }, newText: ' '.repeat(added) });
    if (next === -1) break;
    offset = next + 1;
  }
  return edits;
}

// ---------------------------------------------------------------------------
// Text helpers

function itemAt(document: RulesDocument, span: Span): RulesItem | undefined {
  return document.items.find((item) => item.span.start <= span.start && span.end <= item.span.end);
}

function sameSpan(a: Span, b: Span): boolean {
  return a.start === b.start && a.end === b.end;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Returns the offset of the line break that ends the line of `offset` (before a CRLF's `\r`), or the text's end. */
function lineEnd(text: string, offset: number): number {
  const next = text.indexOf('\n', offset);
  if (next === -1) return text.length;
  return next > 0 && text[next - 1] === '\r' ? next - 1 : next;
}

/** Returns the end of `[start, end)` without trailing blanks, line breaks and comment lines, which block nodes' spans include. */
function contentEnd(text: string, start: number, end: number): number {
  for (;;) {
    while (end > start && /\s/.test(text.charAt(end - 1))) end--;
    const from = lineStart(text, end);
    if (from > start && /^\s*#/.test(text.slice(from, end))) {
      end = from;
      continue;
    }
    return end;
  }
}

function lineBreakOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}
