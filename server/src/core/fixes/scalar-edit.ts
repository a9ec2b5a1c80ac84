/**
 * Editing the decoded value of a condition or output scalar through its
 * offset table, so that fixes keep the scalar's style. The text a fix
 * inserts is escaped for a double- or single-quoted scalar. A plain scalar
 * whose new value no longer reads back as plain is rewritten as a
 * double-quoted one. Every edit is checked by parsing the edited item again.
 */
import { Scalar, isScalar } from 'yaml';
import type { Span } from '../types';
import type { ScalarMap } from '../yaml/scalar-map';
import type { ItemEntry, RulesDocument, RulesItem } from '../document/model';
import { parseRulesDocument } from '../document/model';
import { blankLeadingKeyword } from '../features/context';
import type { CodeAction, DocumentEdit, FixContext } from './types';

/** A condition or output scalar of one item. */
export interface ScalarTarget {
  item: RulesItem;
  entry: ItemEntry;
  node: Scalar;
  map: ScalarMap;
  /** The value to parse: an appended condition has its leading `and`/`or` blanked, so offsets stay those of the value. */
  text: string;
}

/** A replacement of value offsets `span` (end exclusive) by decoded text. */
export interface ValueEdit {
  span: Span;
  text: string;
}

/** Returns the `key` scalar of `item` as a target, when it is a scalar with an exact offset table. */
export function scalarTarget(item: RulesItem, key: 'condition' | 'output'): ScalarTarget | undefined {
  const entry = item.get(key);
  if (!entry?.value || !isScalar(entry.value)) return undefined;
  const node = entry.value as Scalar;
  const map = item.scalar(node);
  if (!map.exact) return undefined;
  return { item, entry, node, map, text: key === 'condition' ? blankLeadingKeyword(map.value) : map.value };
}

/** Finds the condition or output (as `keys` allows) whose value contains the document span. */
export function findScalarAt(document: RulesDocument, span: Span, keys: ReadonlyArray<'condition' | 'output'> = ['condition', 'output']): ScalarTarget | undefined {
  for (const item of document.items) {
    if (item.hasSyntaxErrors || span.start < item.span.start || span.end > item.span.end) continue;
    for (const key of keys) {
      const target = scalarTarget(item, key);
      if (!target) continue;
      const { offsets } = target.map;
      if (span.start >= offsets[0]! && span.end <= offsets[offsets.length - 1]! + 1) return target;
    }
  }
  return undefined;
}

/** Returns the item of `document` whose entry `key` has its key at `keySpan`. */
export function itemWithKeyAt(document: RulesDocument, key: string, keySpan: Span): RulesItem | undefined {
  return document.items.find((item) => {
    const entry = item.get(key);
    return entry !== undefined && entry.keySpan.start === keySpan.start && entry.keySpan.end === keySpan.end;
  });
}

/** Converts a document span inside the scalar to value offsets (the inverse of `toDocumentSpan`). */
export function toValueSpan(map: ScalarMap, span: Span): Span | undefined {
  const length = map.value.length;
  if (span.start < map.offsets[0]! || span.start > map.offsets[length]!) return undefined;
  let start = 0;
  while (start < length && map.offsets[start]! < span.start) start++;
  let end = start;
  while (end < length && sourceEnd(map, end) <= span.end) end++;
  return { start, end };
}

/** Document offset just after the source of value character `index`. */
export function sourceEnd(map: ScalarMap, index: number): number {
  return map.ends?.[index] ?? map.offsets[index + 1]!;
}

/** Document span of value offsets: a replacement covers whole escape sequences, an insertion goes before the character at `span.start`. */
function documentSpan(map: ScalarMap, span: Span): Span {
  const start = map.offsets[span.start]!;
  if (span.end === span.start) return { start, end: start };
  return { start, end: sourceEnd(map, span.end - 1) };
}

/**
 * Returns the document edits that apply `edits` (non-overlapping value
 * edits) to the scalar in its own style, or undefined when the result
 * cannot be written so that it reads back as the intended value.
 */
export function scalarEdits(context: FixContext, target: ScalarTarget, edits: readonly ValueEdit[]): DocumentEdit[] | undefined {
  const expected = applyValueEdits(target.map.value, edits);
  const inStyle = edits.map((edit) => ({ uri: context.uri, span: documentSpan(target.map, edit.span), newText: escapeForStyle(edit.text, target.node.type) }));
  if (readsBack(context.document, target, inStyle, expected)) return inStyle;
  if (target.node.type !== Scalar.PLAIN) return undefined;
  // A plain scalar cannot escape `: ` or ` #`: write the whole value double-quoted instead.
  const whole = [{ uri: context.uri, span: target.item.spanOf(target.node), newText: JSON.stringify(expected) }];
  return readsBack(context.document, target, whole, expected) ? whole : undefined;
}

/** Returns document edits that delete document spans of the scalar, if the result reads back as `expected`. */
export function scalarDeletions(context: FixContext, target: ScalarTarget, spans: readonly Span[], expected: string): DocumentEdit[] | undefined {
  const edits = spans.map((span) => ({ uri: context.uri, span, newText: '' }));
  return readsBack(context.document, target, edits, expected) ? edits : undefined;
}

/** Applies value edits to a string. */
export function applyValueEdits(value: string, edits: readonly ValueEdit[]): string {
  let result = value;
  for (const edit of [...edits].sort((a, b) => b.span.start - a.span.start)) {
    result = result.slice(0, edit.span.start) + edit.text + result.slice(edit.span.end);
  }
  return result;
}

function escapeForStyle(text: string, style: Scalar['type']): string {
  switch (style) {
    case Scalar.QUOTE_DOUBLE:
      return JSON.stringify(text).slice(1, -1);
    case Scalar.QUOTE_SINGLE:
      return text.replace(/'/g, "''");
    default:
      return text;
  }
}

/**
 * Parses the item's text with `edits` applied and returns whether the entry
 * now decodes to `expected`. When the item's text alone does not parse back
 * to the current value (an item inside a flow sequence, say), the check is
 * skipped and the edits are trusted.
 */
function readsBack(document: RulesDocument, target: ScalarTarget, edits: readonly DocumentEdit[], expected: string): boolean {
  const text = document.text;
  const { start, end } = itemLines(document, target.item);
  if (edits.some((edit) => edit.span.start < start || edit.span.end > end)) return false;
  const before = text.slice(start, end);
  if (decodedEntry(before, target.entry.key) !== target.map.value) return true;
  let after = before;
  for (const edit of [...edits].sort((a, b) => b.span.start - a.span.start)) {
    after = after.slice(0, edit.span.start - start) + edit.newText + after.slice(edit.span.end - start);
  }
  return decodedEntry(after, target.entry.key) === expected;
}

/** Returns the span of the whole lines of an item, without the line break (LF or CRLF) after its last line. */
export function itemLines(document: RulesDocument, item: RulesItem): Span {
  const text = document.text;
  const start = text.lastIndexOf('\n', item.elementSpan.start - 1) + 1;
  // A block map's span may end after its last line break.
  let contentEnd = item.span.end;
  while (contentEnd > item.span.start && /\s/.test(text[contentEnd - 1]!)) contentEnd--;
  const lineEnd = text.indexOf('\n', contentEnd);
  if (lineEnd === -1) return { start, end: text.length };
  return { start, end: text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd };
}

/** Returns the decoded value of `key` in the only item of `text`, or undefined when the text is not one clean item. */
function decodedEntry(text: string, key: string): string | undefined {
  const parsed = parseRulesDocument('fix-check:///item.yaml', text);
  const item = parsed.items[0];
  if (parsed.problems.length > 0 || parsed.items.length !== 1 || !item || item.hasSyntaxErrors) return undefined;
  const value = item.get(key)?.value;
  return value && isScalar(value) ? item.scalarValue(value as Scalar) : undefined;
}

/** Builds a quick-fix action. A safe action is also the preferred one unless `preferred` is given. */
export function quickFix(context: FixContext, title: string, edits: DocumentEdit[], safe: boolean, preferred = safe): CodeAction {
  return { title, kind: 'quickfix', isPreferred: preferred, safe, edits, diagnostic: context.diagnostic };
}
