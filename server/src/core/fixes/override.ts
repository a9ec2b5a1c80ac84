/**
 * Replaces the deprecated `append: true` with the `override` map that means
 * the same. Falco's legacy append reads only a rule's `condition` and
 * `exceptions`, a macro's `condition` and a list's `items`. It ignores every
 * other key of an appended rule. Under `override` such a key would need an
 * entry of its own, so the fix then also removes those keys.
 */
import { isMap, isScalar } from 'yaml';
import type { Scalar } from 'yaml';
import type { ItemEntry, RulesDocument, RulesItem } from '../document/model';
import type { DocumentEdit, Fixer, FixContext } from './types';
import { parseRulesDocument } from '../document/model';
import { findKey } from '../schema/items';
import { itemLines, itemWithKeyAt, quickFix } from './scalar-edit';

/** Returns the keys that `append: true` appends for this item, and the entries it ignores. */
function appendedKeys(item: RulesItem): { appended: string[]; ignored: ItemEntry[] } {
  if (item.kind === 'list') return { appended: ['items'], ignored: [] };
  if (item.kind === 'macro') return { appended: ['condition'], ignored: [] };
  if (item.kind !== 'rule') return { appended: [], ignored: [] };
  const appended = ['condition', 'exceptions'].filter((key) => item.get(key));
  const ignored = item.entries.filter((entry) => !appended.includes(entry.key) && findKey('rule', entry.key)?.override !== undefined);
  return { appended, ignored };
}

export const appendToOverrideFixer: Fixer = (context) => {
  const item = itemWithKeyAt(context.document, 'append', context.diagnostic.span);
  if (!item || item.get('override')) return [];
  const { appended, ignored } = appendedKeys(item);
  if (appended.length === 0) return [];
  const entry = item.get('append')!;
  const text = context.document.text;
  const lineStart = text.lastIndexOf('\n', entry.keySpan.start - 1) + 1;
  const before = text.slice(lineStart, entry.keySpan.start);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';

  let override: string;
  if (/^[ \t]*(?:- +)?$/.test(before)) {
    const indent = ' '.repeat(before.length + 2);
    override = ['override:', ...appended.map((key) => `${indent}${key}: append`)].join(eol);
  } else {
    // A flow map such as `{macro: m, condition: ..., append: true}`.
    override = `override: { ${appended.map((key) => `${key}: append`).join(', ')} }`;
  }
  const edits: DocumentEdit[] = [{ uri: context.uri, span: { start: entry.keySpan.start, end: entry.valueSpan.end }, newText: override }];
  const shown = `override: { ${appended.map((key) => `${key}: append`).join(', ')} }`;

  if (ignored.length === 0) {
    return overrideReads(context, item, edits, appended) ? [quickFix(context, `Replace 'append: true' with '${shown}'`, edits, true)] : [];
  }
  const removals = ignored.map((other) => entryLines(context.document, other));
  if (removals.some((span) => span === undefined)) return [];
  edits.push(...removals.map((span) => ({ uri: context.uri, span: span!, newText: '' })));
  if (!overrideReads(context, item, edits, appended)) return [];
  const keys = ignored.map((other) => `'${other.key}'`).join(', ');
  return [quickFix(context, `Replace 'append: true' with '${shown}' and remove ${keys}, which 'append' ignores`, edits, false)];
};

/** Returns the whole lines of a block-style entry, line break included, or undefined when other text shares them. */
function entryLines(document: RulesDocument, entry: ItemEntry): { start: number; end: number } | undefined {
  const text = document.text;
  const start = text.lastIndexOf('\n', entry.keySpan.start - 1) + 1;
  if (text.slice(start, entry.keySpan.start).trim() !== '') return undefined;
  // A block value's span may end after its last line break.
  let contentEnd = Math.max(entry.valueSpan.end, entry.keySpan.end);
  while (contentEnd > entry.keySpan.end && /\s/.test(text[contentEnd - 1]!)) contentEnd--;
  const lineEnd = text.indexOf('\n', contentEnd);
  return { start, end: lineEnd === -1 ? text.length : lineEnd + 1 };
}

/** Parses the item with the edits applied and returns whether it has the override and no `append`. */
function overrideReads(context: FixContext, item: RulesItem, edits: readonly DocumentEdit[], appended: readonly string[]): boolean {
  const text = context.document.text;
  const { start, end } = itemLines(context.document, item);
  let snippet = text.slice(start, end);
  for (const edit of [...edits].sort((a, b) => b.span.start - a.span.start)) {
    if (edit.span.start < start || edit.span.end > end + 1) return false;
    snippet = snippet.slice(0, edit.span.start - start) + edit.newText + snippet.slice(Math.min(edit.span.end, end) - start);
  }
  const parsed = parseRulesDocument('fix-check:///item.yaml', snippet);
  const edited = parsed.items[0];
  const override = edited?.get('override')?.value;
  if (parsed.problems.length > 0 || parsed.items.length !== 1 || !edited || edited.get('append') || !override || !isMap(override)) return false;
  return appended.every((key) => override.items.some((pair) => isScalar(pair.key) && (pair.key as Scalar).value === key && isScalar(pair.value) && (pair.value as Scalar).value === 'append'));
}
