/**
 * Parser of a rule's `output` text in the Falco 0.44+ format (libs
 * eventformatter.cpp `set_format`): literal text, `%field`, `%field[arg]`,
 * `%10field` (fixed width) and `%transformer(...)` placeholders.
 *
 * It is syntactic. After `%` and any width digits it takes the longest field
 * name or transformer call that parses, the way Falco's first attempt does,
 * and does not ask whether the field exists. When that fails to compile,
 * Falco retries ever shorter text until one compiles, so `%proc.namex`
 * prints `proc.name` then `x`. That rule needs the field tables, so it
 * belongs to the checker.
 *
 * A `%` that cannot start a placeholder becomes a `BrokenPlaceholder` whose
 * span covers what the author meant as one placeholder (`%(proc.name)s`
 * whole), and parsing goes on after it, whereas Falco stops at the first.
 *
 * A leading `*` (print even when fields are missing) belongs to no segment,
 * so the first segment then starts at offset 1. An empty text gives no
 * segments; Falco rejects it (`empty formatting token`), which is left to the
 * checker.
 */
import type { Span } from '../types';
import type { BrokenPlaceholder, OutputParseResult, OutputPlaceholder, OutputSegment } from './ast';
import { parseFieldOrTransformerAt } from '../condition/parser';
import { FIELD_TRANSFORMERS } from '../condition/lexer';

/** Parses an output format into literal and placeholder segments. Spans are offsets into `text`. */
export function parseOutput(text: string): OutputParseResult {
  const segments: OutputSegment[] = [];
  let literalStart = text.startsWith('*') ? 1 : 0;
  let i = literalStart;
  while (i < text.length) {
    if (text[i] !== '%') {
      i++;
      continue;
    }
    if (i > literalStart) segments.push(literal(text, literalStart, i));
    const segment = readPlaceholder(text, i);
    segments.push(segment);
    i = segment.span.end;
    literalStart = i;
  }
  if (literalStart < text.length) segments.push(literal(text, literalStart, text.length));
  return { segments };
}

function literal(text: string, start: number, end: number): OutputSegment {
  return { kind: 'literal', text: text.slice(start, end), span: { start, end } };
}

/** Reads the placeholder that starts with the `%` at `percent`. */
function readPlaceholder(text: string, percent: number): OutputPlaceholder | BrokenPlaceholder {
  const afterPercent = percent + 1;
  if (afterPercent >= text.length) return broken('trailing-percent', percent, afterPercent);

  let nameStart = afterPercent;
  while (nameStart < text.length && isAsciiDigit(text.charCodeAt(nameStart))) nameStart++;
  if (nameStart >= text.length) return broken('trailing-width', percent, nameStart);

  const parsed = parseFieldOrTransformerAt(text, nameStart);
  if (parsed) {
    const placeholder: OutputPlaceholder = { kind: 'placeholder', expr: parsed.expr, span: { start: percent, end: parsed.end } };
    if (nameStart > afterPercent) placeholder.width = Number(text.slice(afterPercent, nameStart));
    return placeholder;
  }
  return classifyBroken(text, percent, nameStart);
}

/** Describes a `%` (and width digits) followed by text at `at` that is no field or transformer call. */
function classifyBroken(text: string, percent: number, at: number): BrokenPlaceholder {
  if (text[at] === '(') {
    const close = findClosingParenthesis(text, at);
    if (close === -1) {
      const nameEnd = nameRunEnd(text, at + 1);
      return broken('parenthesised', percent, nameEnd, nameEnd > at + 1 ? { start: at + 1, end: nameEnd } : undefined, text);
    }
    const inner = trimSpan(text, at + 1, close);
    const conversionEnd = matchConversion(text, close + 1);
    if (conversionEnd !== -1) return broken('python-style', percent, conversionEnd, inner, text);
    return broken('parenthesised', percent, close + 1, inner, text);
  }

  const nameEnd = nameRunEnd(text, at);
  if (nameEnd > at) {
    const name = text.slice(at, nameEnd);
    if (text[nameEnd] !== '(') return broken('invalid-name', percent, nameEnd, { start: at, end: nameEnd }, text);

    // A call (`%foo(proc.name)`, `%join("\d", x)`) covers its parentheses. Unclosed, it covers
    // the name inside, and what was meant is unknown.
    const form = FIELD_TRANSFORMERS.includes(name) ? 'other' : 'invalid-name';
    const close = findClosingParenthesis(text, nameEnd);
    if (close === -1) return broken(form, percent, nameRunEnd(text, nameEnd + 1));
    return broken(form, percent, close + 1, { start: at, end: close + 1 }, text);
  }
  return broken('other', percent, at);
}

function broken(form: BrokenPlaceholder['form'], start: number, end: number, intendedSpan?: Span, text?: string): BrokenPlaceholder {
  const placeholder: BrokenPlaceholder = { kind: 'broken', span: { start, end }, form };
  if (intendedSpan && text !== undefined && intendedSpan.end > intendedSpan.start) {
    placeholder.intended = text.slice(intendedSpan.start, intendedSpan.end);
    placeholder.intendedSpan = intendedSpan;
  }
  return placeholder;
}

/**
 * Returns the offset of the `)` matching the `(` at `open`, or -1. The search
 * stops at a line break or at the next `%`, which starts another placeholder.
 */
function findClosingParenthesis(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '%' || c === '\n' || c === '\r') return -1;
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/**
 * Matches a printf conversion after `%(name)`, as Python's `%(name)s` has:
 * optional flags, width and precision, then one conversion letter that no
 * letter or digit follows (so `%(proc.name)started` is not read as `s`).
 * Returns its end, or -1.
 */
function matchConversion(text: string, at: number): number {
  const conversion = /[-#0+]*[0-9]*(?:\.[0-9]+)?[diouxXeEfFgGcrsa]/y;
  conversion.lastIndex = at;
  const match = conversion.exec(text);
  if (!match) return -1;
  const end = at + match[0].length;
  if (end < text.length && /[\p{L}\p{N}]/u.test(text[end])) return -1;
  return end;
}

/** Returns the end of a run of letters of any script, combining marks, digits, `_` and `.`, without trailing dots. */
function nameRunEnd(text: string, start: number): number {
  const nameChar = /[\p{L}\p{M}\p{N}_.]/uy;
  let end = start;
  while (end < text.length) {
    nameChar.lastIndex = end;
    const match = nameChar.exec(text);
    if (!match) break;
    end += match[0].length;
  }
  while (end > start && text[end - 1] === '.') end--;
  return end;
}

function trimSpan(text: string, start: number, end: number): Span {
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { start, end };
}

function isAsciiDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
