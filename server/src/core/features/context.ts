/**
 * Completion contexts: the kind of position an offset is at, decided from
 * the document model (the item, key, sequence element or empty place around
 * the offset) and, inside conditions, from the condition's tokens up to the
 * cursor.
 *
 * This module only classifies the position. The candidates for each context
 * are built in completion.ts.
 */
import { isScalar, Scalar } from 'yaml';
import type { Span } from '../types';
import type { ItemKind, RulesDocument, RulesItem } from '../document/model';
import type { ScalarMap } from '../yaml/scalar-map';
import { toDocumentSpan, valueOffsetAt } from '../yaml/scalar-map';
import { findKey } from '../schema/items';
import { tokenizeCondition } from '../condition/parser';
import { LIST_OPERATORS, STRING_OPERATORS, STRING_OPERATOR_MODIFIERS } from '../condition/lexer';
import { parseOutput } from '../output/parser';
import { ItemPath, PathEnd, lineStartOf, locateInItem } from './item-path';

/** A condition or output scalar around the cursor, in decoded text. */
export interface ScalarText {
  /** The whole decoded value, or '' for an empty value. */
  text: string;
  /** Cursor position in `text`. */
  cursor: number;
  /** The word around the cursor: `text` offsets of its start and end. */
  word: Span;
  /** The part of the word before the cursor. */
  typed: string;
  /** Document span of the word. */
  replace: Span;
  /** Offset map of the scalar; absent for an empty value. */
  map?: ScalarMap;
}

export type CompletionContext =
  /** The start of an item: `rule`, `macro`, ... with their skeletons. */
  | { kind: 'item-kind'; replace: Span; hasColon: boolean; withDash: boolean }
  /** A key of `item` (existing under the cursor or new). */
  | { kind: 'key'; item: RulesItem; itemKind: ItemKind; present: string[]; replace: Span; hasColon: boolean }
  /** The scalar value of `key`: priorities, sources, booleans. */
  | { kind: 'value'; item: RulesItem; key: string; replace: Span }
  | { kind: 'tag'; item: RulesItem; present: string[]; replace: Span }
  /** A key of the `override` map. */
  | { kind: 'override-key'; item: RulesItem; itemKind: ItemKind; present: string[]; replace: Span; hasColon: boolean }
  /** The operation of `key` in the `override` map. */
  | { kind: 'override-value'; item: RulesItem; itemKind: ItemKind; key: string; replace: Span }
  | { kind: 'exception-key'; item: RulesItem; present: string[]; replace: Span; hasColon: boolean }
  /** A comparison operator in an exception's `comps`. */
  | { kind: 'exception-comp'; item: RulesItem; replace: Span }
  /** A field in an exception's `fields`. */
  | { kind: 'exception-field'; item: RulesItem; typed: string; replace: Span }
  | { kind: 'condition'; item: RulesItem; scalar: ScalarText; position: ConditionPosition }
  /** After `%` in an output; `placeholder` is the document span from the `%` to the end of the word. */
  | { kind: 'output-field'; item: RulesItem; scalar: ScalarText; placeholder: Span }
  | { kind: 'none' };

/** The left operand of the check being written. */
export interface CheckLeft {
  field?: { name: string; arg?: string };
  /** Transformer applied to the left operand, such as `tolower`. */
  transformer?: string;
}

export type ConditionPosition =
  /** The start of a check: fields, macros, `not`, transformers. */
  | { kind: 'check-start' }
  /** Inside a transformer's parentheses: fields, and transformers unless it is `val`. */
  | { kind: 'transformer-arg'; transformer: string }
  /** After a left operand and a blank: its operators. */
  | { kind: 'operator'; left: CheckLeft }
  /** After an operator: a value; also inside a list (`inList`) or after a list operator. */
  | { kind: 'value'; left: CheckLeft; operator: string; inList: boolean; modifier: boolean }
  /** After a complete check and a blank: `and`, `or`. */
  | { kind: 'after-check' }
  | { kind: 'none' };

const CONDITION_WORD = /[A-Za-z0-9_.]/;
const ITEM_KIND_WORD = /[A-Za-z_]/;
const KEY_WORD = /[A-Za-z0-9_-]/;

/** Classifies the completion position at `offset` in `document`. */
export function completionContextAt(document: RulesDocument, offset: number): CompletionContext {
  const text = document.text;
  const lineStart = lineStartOf(text, offset);
  const item = document.items.find((candidate) => candidate.elementSpan.start <= offset && offset <= candidate.elementSpan.end);

  // The first key on an item's dash line names the item kind.
  if (item && item.elementSpan.start === lineStart) {
    const first = item.entries[0];
    if (first && offset < first.keySpan.start) return { kind: 'none' };
    if (first && offset <= first.keySpan.end) return { kind: 'item-kind', replace: first.keySpan, hasColon: true, withDash: false };
  }
  const word = wordAround(text, offset, ITEM_KIND_WORD);
  const before = text.slice(lineStart, word.start);
  const hasColon = text[word.end] === ':';
  // A word at column 0 starts a new item, except on a blank line inside a block scalar.
  if (before === '' && !(item && insideScalarValue(item, offset))) return { kind: 'item-kind', replace: word, hasColon, withDash: true };
  // An element that is not a map yet: `- ` or `- ru`.
  if (!item && (before === '-' || /^-[ \t]+$/.test(before))) return { kind: 'item-kind', replace: word, hasColon, withDash: false };

  const owner = item ?? lastItemBefore(document, offset);
  if (!owner) return { kind: 'none' };
  const path = locateInItem(text, owner, offset);
  return contextInItem(document, owner, path, offset);
}

function insideScalarValue(item: RulesItem, offset: number): boolean {
  return item.entries.some((entry) => entry.value !== null && isScalar(entry.value) && entry.valueSpan.start < offset && offset < entry.valueSpan.end);
}

function lastItemBefore(document: RulesDocument, offset: number): RulesItem | undefined {
  let found: RulesItem | undefined;
  for (const item of document.items) {
    if (item.elementSpan.start >= offset) break;
    found = item;
  }
  return found;
}

function contextInItem(document: RulesDocument, item: RulesItem, path: ItemPath, offset: number): CompletionContext {
  const { steps, end } = path;
  const text = document.text;
  const itemKind = item.kind;
  if (!itemKind) return { kind: 'none' };

  if (steps.length === 0) {
    if (end.kind !== 'key') return { kind: 'none' };
    return { kind: 'key', item, itemKind, present: end.present, replace: end.span ?? wordAround(text, offset, KEY_WORD), hasColon: end.hasColon };
  }

  const first = steps[0]!;
  if (first.kind !== 'value') return { kind: 'none' };
  const key = first.key;

  if ((key === 'condition' && (itemKind === 'rule' || itemKind === 'macro')) || (key === 'output' && itemKind === 'rule')) {
    if (steps.length !== 1 || end.kind !== 'value') return { kind: 'none' };
    const scalar = scalarTextAt(item, end, offset);
    if (!scalar) return { kind: 'none' };
    if (key === 'output') return outputContext(item, scalar);
    return { kind: 'condition', item, scalar, position: conditionPositionAt(scalar.text.slice(0, scalar.word.start)) };
  }

  if (key === 'tags' && itemKind === 'rule') {
    const element = steps[1];
    if (steps.length !== 2 || element?.kind !== 'element' || end.kind !== 'value') return { kind: 'none' };
    const replace = valueReplaceSpan(end, offset);
    if (!replace) return { kind: 'none' };
    const present = sequenceScalars(item, first.node).filter((_, index) => index !== element.index);
    return { kind: 'tag', item, present, replace };
  }

  if (key === 'override' && (itemKind === 'rule' || itemKind === 'macro' || itemKind === 'list')) {
    return overrideContext(document, item, itemKind, path, offset);
  }

  if (key === 'exceptions' && itemKind === 'rule') return exceptionContext(document, item, path, offset);

  const def = findKey(itemKind, key);
  if (steps.length === 1 && end.kind === 'value' && def && (def.shape === 'priority' || def.shape === 'bool' || key === 'source')) {
    const replace = valueReplaceSpan(end, offset);
    if (!replace) return { kind: 'none' };
    return { kind: 'value', item, key, replace };
  }
  return { kind: 'none' };
}

function overrideContext(document: RulesDocument, item: RulesItem, itemKind: ItemKind, path: ItemPath, offset: number): CompletionContext {
  const { steps, end } = path;
  const entry = item.get('override')!;
  if (steps.length === 1) {
    if (end.kind === 'key') {
      return { kind: 'override-key', item, itemKind, present: end.present, replace: end.span ?? wordAround(document.text, offset, KEY_WORD), hasColon: end.hasColon };
    }
    // A word typed on the line under `override:` reads as a scalar until its colon is written.
    if (end.kind === 'value' && (end.scalar ? end.inside : document.text.slice(entry.keySpan.end, offset).includes('\n'))) {
      return { kind: 'override-key', item, itemKind, present: [], replace: end.span ?? { start: offset, end: offset }, hasColon: false };
    }
    return { kind: 'none' };
  }
  const inner = steps[1]!;
  if (steps.length === 2 && inner.kind === 'value' && end.kind === 'value') {
    const replace = valueReplaceSpan(end, offset);
    return replace ? { kind: 'override-value', item, itemKind, key: inner.key, replace } : { kind: 'none' };
  }
  return { kind: 'none' };
}

function exceptionContext(document: RulesDocument, item: RulesItem, path: ItemPath, offset: number): CompletionContext {
  const { steps, end } = path;
  const element = steps[1];
  if (element?.kind !== 'element') return { kind: 'none' };
  if (steps.length === 2) {
    if (end.kind === 'key') return { kind: 'exception-key', item, present: end.present, replace: end.span ?? wordAround(document.text, offset, KEY_WORD), hasColon: end.hasColon };
    // `- ` alone, or a word after it that has no colon yet.
    if (end.kind === 'value' && (!end.scalar || end.inside)) {
      return { kind: 'exception-key', item, present: [], replace: end.span ?? { start: offset, end: offset }, hasColon: false };
    }
    return { kind: 'none' };
  }
  const inner = steps[2]!;
  if (inner.kind !== 'value' || (inner.key !== 'comps' && inner.key !== 'fields') || end.kind !== 'value') return { kind: 'none' };
  if (steps.length > 4 || (steps.length === 4 && steps[3]!.kind !== 'element')) return { kind: 'none' };
  const replace = valueReplaceSpan(end, offset);
  if (!replace) return { kind: 'none' };
  if (inner.key === 'comps') return { kind: 'exception-comp', item, replace };
  return { kind: 'exception-field', item, typed: document.text.slice(replace.start, Math.max(replace.start, offset)), replace };
}

/** Returns the span a value candidate replaces: the scalar under the cursor, or the cursor itself at an empty value. */
function valueReplaceSpan(end: PathEnd, offset: number): Span | undefined {
  if (end.kind !== 'value') return undefined;
  if (!end.scalar) return { start: offset, end: offset };
  return end.inside ? end.span : undefined;
}

function sequenceScalars(item: RulesItem, node: unknown): string[] {
  const items = (node as { items?: unknown[] } | null)?.items;
  if (!Array.isArray(items)) return [];
  return items.map((element) => (element && isScalar(element) && element.value !== null ? item.scalarValue(element as Scalar) : ''));
}

/**
 * Returns the decoded text of a condition or output value and the cursor in
 * it. After the scalar, on its lines, the text continues with a blank.
 */
function scalarTextAt(item: RulesItem, end: PathEnd, offset: number): ScalarText | undefined {
  if (end.kind !== 'value') return undefined;
  if (!end.scalar) return { text: '', cursor: 0, word: { start: 0, end: 0 }, typed: '', replace: { start: offset, end: offset } };
  const map = item.scalar(end.scalar);
  const inside = end.inside ? valueOffsetAt(map, offset) : undefined;
  if (inside === undefined) {
    if (map.value === '') return { text: '', cursor: 0, word: { start: 0, end: 0 }, typed: '', replace: { start: offset, end: offset } };
    // Text after a closing quote is outside the value.
    if (offset < (end.span?.end ?? offset) || end.scalar.type === Scalar.QUOTE_DOUBLE || end.scalar.type === Scalar.QUOTE_SINGLE) return undefined;
    const text = `${map.value} `;
    return { text, cursor: text.length, word: { start: text.length, end: text.length }, typed: '', replace: { start: offset, end: offset } };
  }
  const word = wordAround(map.value, inside, CONDITION_WORD);
  const replace = toDocumentSpan(map, word);
  // In a folded line break or trimmed indentation the cursor is outside every word.
  if (offset < replace.start || offset > replace.end) {
    return { text: map.value, cursor: inside, word: { start: inside, end: inside }, typed: '', replace: { start: offset, end: offset }, map };
  }
  return { text: map.value, cursor: inside, word, typed: map.value.slice(word.start, inside), replace, map };
}

function outputContext(item: RulesItem, scalar: ScalarText): CompletionContext {
  const { text, word, map } = scalar;
  const percent = word.start - 1;
  if (percent < 0 || text[percent] !== '%' || !map) return { kind: 'none' };
  // The `%` must start a placeholder, not sit inside another one's transformer call.
  if (!parseOutput(text.slice(0, scalar.cursor)).segments.some((segment) => segment.span.start === percent)) return { kind: 'none' };
  // Width digits (`%10proc.name`) belong to the placeholder, not to the field name.
  let fieldStart = word.start;
  while (fieldStart < scalar.cursor && /[0-9]/.test(text[fieldStart]!)) fieldStart++;
  const field = { start: fieldStart, end: word.end };
  const fieldScalar: ScalarText = { ...scalar, word: field, typed: text.slice(fieldStart, scalar.cursor), replace: toDocumentSpan(map, field) };
  return { kind: 'output-field', item, scalar: fieldScalar, placeholder: toDocumentSpan(map, { start: percent, end: word.end }) };
}

/** Returns the span of the run of `pattern` characters around `offset` in `text`. */
export function wordAround(text: string, offset: number, pattern: RegExp): Span {
  let start = offset;
  while (start > 0 && pattern.test(text[start - 1]!)) start--;
  let end = offset;
  while (end < text.length && pattern.test(text[end]!)) end++;
  return { start, end };
}

// ---------------------------------------------------------------------------
// Conditions

type Paren = { role: 'group' } | { role: 'list' } | { role: 'transformer'; name: string; onLeft: boolean };

type Expecting = 'check' | 'after-left' | 'value' | 'list-item' | 'after-list-item' | 'transformer-arg' | 'after-transformer-arg' | 'after-check' | 'unknown';

const BLANK_AT_END = /[ \t\r\n]$/;

/**
 * Classifies the position at the end of `head`, a condition's text up to the
 * word being typed, from its tokens. An appended condition's leading
 * `and`/`or` reads as a continuation.
 */
export function conditionPositionAt(head: string): ConditionPosition {
  const tokens = tokenizeCondition(blankLeadingKeyword(head));
  let expecting: Expecting = 'check';
  const parens: Paren[] = [];
  let left: CheckLeft = {};
  let operator = '';
  let modifier = false;
  let pendingTransformer: string | undefined;
  let inBrackets = false;

  for (const token of tokens) {
    const top = parens[parens.length - 1];
    switch (token.kind) {
      case 'keyword':
        expecting = 'check';
        left = {};
        break;
      case 'transformer':
        pendingTransformer = token.text;
        break;
      case 'punctuation':
        if (token.text === '[') inBrackets = true;
        else if (token.text === ']') inBrackets = false;
        else if (token.text === '(') {
          if (pendingTransformer !== undefined) {
            parens.push({ role: 'transformer', name: pendingTransformer, onLeft: expecting === 'check' });
            if (expecting === 'check') left = { transformer: pendingTransformer };
            expecting = 'transformer-arg';
            pendingTransformer = undefined;
          } else if (expecting === 'value') {
            parens.push({ role: 'list' });
            expecting = 'list-item';
          } else {
            parens.push({ role: 'group' });
            expecting = 'check';
            left = {};
          }
        } else if (token.text === ')') {
          const closed = parens.pop();
          const outer = parens[parens.length - 1];
          if (closed?.role === 'transformer' && outer?.role === 'transformer') expecting = 'after-transformer-arg';
          else if (closed?.role === 'transformer' && closed.onLeft) expecting = 'after-left';
          else expecting = 'after-check';
        } else if (token.text === ',') {
          if (top?.role === 'list') expecting = 'list-item';
          else if (top?.role === 'transformer') expecting = 'transformer-arg';
          else expecting = 'unknown';
        }
        break;
      case 'field-arg':
        if (expecting === 'after-left' && left.field && !left.transformer) left = { field: { ...left.field, arg: token.text.replace(/^(["'])(.*)\1$/, '$2') } };
        break;
      case 'field':
        if (expecting === 'transformer-arg') {
          if (top?.role === 'transformer' && top.onLeft && !left.field) left = { ...left, field: { name: token.text } };
          expecting = 'after-transformer-arg';
        } else if (expecting === 'check') {
          left = { field: { name: token.text } };
          expecting = 'after-left';
        } else {
          expecting = 'unknown';
        }
        break;
      case 'operator':
        operator = token.text;
        modifier = false;
        expecting = token.text === 'exists' ? 'after-check' : 'value';
        break;
      case 'modifier':
        modifier = true;
        expecting = 'value';
        break;
      case 'identifier':
        expecting = expecting === 'check' || expecting === 'value' ? 'after-check' : 'unknown';
        break;
      case 'string':
      case 'number':
      case 'bare-string':
        if (token.unterminated) expecting = 'unknown';
        else if (expecting === 'value' && !modifier && STRING_OPERATORS.includes(operator) && STRING_OPERATOR_MODIFIERS.includes(token.text)) modifier = true;
        else if (expecting === 'value') expecting = 'after-check';
        else if (expecting === 'list-item') expecting = 'after-list-item';
        else if (expecting === 'transformer-arg') expecting = 'after-transformer-arg';
        else expecting = 'unknown';
        break;
      case 'unknown':
        expecting = 'unknown';
        break;
    }
  }

  if (inBrackets || pendingTransformer !== undefined) return { kind: 'none' };
  const blankBefore = head === '' || BLANK_AT_END.test(head);
  switch (expecting) {
    case 'check':
      return { kind: 'check-start' };
    case 'transformer-arg': {
      const top = parens[parens.length - 1];
      return top?.role === 'transformer' ? { kind: 'transformer-arg', transformer: top.name } : { kind: 'none' };
    }
    case 'after-left':
      return blankBefore ? { kind: 'operator', left } : { kind: 'none' };
    case 'value':
      return { kind: 'value', left, operator, inList: false, modifier };
    case 'list-item':
      return { kind: 'value', left, operator, inList: true, modifier };
    case 'after-check':
      return blankBefore ? { kind: 'after-check' } : { kind: 'none' };
    default:
      return { kind: 'none' };
  }
}

/** Replaces a leading `and`/`or` (an appended condition) with blanks, keeping offsets. */
export function blankLeadingKeyword(text: string): string {
  const match = /^[ \t\r\n]*(?:and|or)(?=[ \t\r\n(])/.exec(text);
  return match ? ' '.repeat(match[0].length) + text.slice(match[0].length) : text;
}

/** Tells whether `operator` takes a list: `in`, `intersects`, `pmatch`. */
export function isListOperator(operator: string): boolean {
  return LIST_OPERATORS.includes(operator);
}
