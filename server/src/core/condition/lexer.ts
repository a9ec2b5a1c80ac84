/**
 * Token rules of Falco's condition language, as libs filter/parser.cpp and
 * filter/escaping.cpp define them: character classes, the regular expressions
 * matched at the cursor, quoted-string scanning and unescaping, and the
 * operator and transformer tables.
 *
 * This module only matches at a given offset. Which rule applies where is the
 * parser's business (`in` is an operator after a field and a value after
 * `=`), so the context-aware token list, `tokenizeCondition`, lives in
 * parser.ts.
 */
import type { Span } from '../types';

/** Kind of a condition token, decided by the grammar position the parser read it in. */
export type ConditionTokenKind =
  /** `and`, `or`, `not`. */
  | 'keyword'
  /** A field name such as `proc.name`, without its `[arg]`; also an unfinished one such as `proc.`. */
  | 'field'
  /** The text between the brackets of `proc.aname[2]` or `getopt(...)[t]`, quotes included. */
  | 'field-arg'
  /** A transformer name such as `tolower` or `val`, without its parenthesis. */
  | 'transformer'
  | 'operator'
  /** `oneof`, `anyof`, `allof` after a string operator. */
  | 'modifier'
  /** A macro reference in check position, or a list name after a list operator or a modifier. */
  | 'identifier'
  /** A quoted string value, quotes included. */
  | 'string'
  | 'number'
  /** An unquoted string value. */
  | 'bare-string'
  /** `(`, `)`, `,`, `[`, `]`. */
  | 'punctuation'
  /** Text the parser skipped while recovering from an error. */
  | 'unknown';

/** One token of a condition: its kind, source text and span. */
export interface ConditionToken {
  kind: ConditionTokenKind;
  /** The source text of the token. */
  text: string;
  span: Span;
  /** Set on a quoted string that reaches the end of the text without its closing quote. */
  unterminated?: boolean;
}

/** A problem inside one quoted string, with the span of the bad escape sequence. */
export interface EscapeError {
  message: string;
  span: Span;
}

/** `exists`: the only operator without a right-hand side. */
export const UNARY_OPERATORS = ['exists'];
export const NUMERIC_OPERATORS = ['<=', '<', '>=', '>'];
/** Word operators need a blank after them; symbols do not. Order matters: `==` before `=`. */
export const STRING_OPERATORS = ['==', '=', '!=', 'glob', 'iglob', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'regex'];
/** Matched as plain prefixes: `inx` reads as `in x`, as in libs. */
export const LIST_OPERATORS = ['intersects', 'in', 'pmatch'];
export const STRING_OPERATOR_MODIFIERS = ['oneof', 'anyof', 'allof'];
/** Transformers accepted in every position; `val` is accepted only on the right of an operator. */
export const FIELD_TRANSFORMERS = ['tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', 'getopt'];
export const VAL_TRANSFORMER = 'val';

/** Every operator in the order libs lists them in its error message. */
export const ALL_OPERATORS = [...UNARY_OPERATORS, ...NUMERIC_OPERATORS, ...STRING_OPERATORS, ...LIST_OPERATORS];

/** Returns whether libs' `lex_blank` skips the character: space, tab, backspace, CR, LF (not VT or FF). */
export function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x08 || code === 0x0d || code === 0x0a;
}

/** POSIX `[[:space:]]`, which the regular expressions use: space, tab, LF, VT, FF, CR (not backspace). */
export function isPosixSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isAsciiDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** C `isalnum` in the C locale, which libs uses to tell a keyword from a longer word. */
export function isAsciiAlnum(code: number): boolean {
  return isAsciiLetter(code) || isAsciiDigit(code);
}

function isWordChar(code: number): boolean {
  return isAsciiAlnum(code) || code === 0x5f;
}

const IDENTIFIER = /[a-zA-Z][a-zA-Z0-9_]*/y;
const FIELD_NAME = /[a-zA-Z][a-zA-Z0-9_]*(?:\.[a-zA-Z][a-zA-Z0-9_]*)+/y;
const FIELD_ARG_BARE_STRING = /[^\][ \t\n\v\f\r"']+/y;
const HEX_NUMBER = /0[xX][0-9a-fA-F]+/y;
const NUMBER = /[+-]?[0-9]+\.?[0-9]*(?:[eE][+-][0-9]+)?/y;
const BARE_STRING = /[^()"' \t\n\v\f\r=,]+/y;
const NOT_KEYWORD = /not[ \t\n\v\f\r]+/y;

/**
 * Returns the end of the match of a sticky pattern at `start`, or -1. The
 * space classes are spelt out because POSIX `[[:space:]]` covers ASCII
 * spaces only, while JavaScript's `\s` also matches Unicode ones.
 */
function matchAt(pattern: RegExp, text: string, start: number): number {
  pattern.lastIndex = start;
  const match = pattern.exec(text);
  if (!match) return -1;
  return start + match[0].length;
}

/** Identifier (macro name): `[a-zA-Z]+[a-zA-Z0-9_]*`. Returns the end offset or -1. */
export function matchIdentifier(text: string, start: number): number {
  return matchAt(IDENTIFIER, text, start);
}

/** Field name: at least two dot-separated segments, each starting with a letter. Returns the end offset or -1. */
export function matchFieldName(text: string, start: number): number {
  return matchAt(FIELD_NAME, text, start);
}

/** Unquoted field argument: anything but brackets, quotes and spaces. Returns the end offset or -1. */
export function matchFieldArgBareString(text: string, start: number): number {
  return matchAt(FIELD_ARG_BARE_STRING, text, start);
}

/** Hexadecimal number `0x...`. Returns the end offset or -1. */
export function matchHexNumber(text: string, start: number): number {
  return matchAt(HEX_NUMBER, text, start);
}

/** Decimal number; an exponent needs its sign (`1e+3`, not `1e3`). Returns the end offset or -1. */
export function matchNumber(text: string, start: number): number {
  return matchAt(NUMBER, text, start);
}

/** Bare string value: anything but parentheses, quotes, spaces, `=` and `,`. Returns the end offset or -1. */
export function matchBareString(text: string, start: number): number {
  return matchAt(BARE_STRING, text, start);
}

/** `not` followed by at least one POSIX space. Returns the end offset (after the spaces) or -1. */
export function matchNotKeyword(text: string, start: number): number {
  return matchAt(NOT_KEYWORD, text, start);
}

/**
 * Returns the end of the quoted string that starts at `start` (after its
 * closing quote), or -1 when it is not closed. A quote preceded by a
 * backslash never closes the string, even when that backslash is itself
 * escaped, exactly as libs scans it.
 */
export function scanQuotedString(text: string, start: number): number {
  const quote = text[start];
  if (quote !== '"' && quote !== "'") return -1;
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === quote && text[i - 1] !== '\\') return i + 1;
  }
  return -1;
}

/**
 * Unescapes the quoted string `text[start, end)` (quotes included) with
 * libs' rules. Each bad escape yields an error whose span covers the escape
 * sequence. The sequence stays as written in the value and unescaping goes
 * on, whereas libs stops at the first one.
 */
export function unescapeQuotedString(text: string, start: number, end: number): { value: string; errors: EscapeError[] } {
  const quote = text[start];
  const contentEnd = end - 1;
  const errors: EscapeError[] = [];
  let value = '';
  let bytes: number[] = [];

  const flushBytes = () => {
    if (bytes.length > 0) {
      value += decodeBytes(bytes);
      bytes = [];
    }
  };

  let i = start + 1;
  while (i < contentEnd) {
    const c = text[i];
    if (c !== '\\') {
      flushBytes();
      value += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === 'x') {
      if (i + 3 >= contentEnd) {
        errors.push({ message: 'truncated hex char escape sequence', span: { start: i, end: contentEnd } });
        flushBytes();
        value += text.slice(i, contentEnd);
        i = contentEnd;
        continue;
      }
      const digits = text.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(digits)) {
        errors.push({ message: `invalid hex char escape sequence: ${digits}`, span: { start: i, end: i + 4 } });
        flushBytes();
        value += text.slice(i, i + 4);
      } else {
        bytes.push(parseInt(digits, 16));
      }
      i += 4;
      continue;
    }
    flushBytes();
    const decoded = decodeSimpleEscape(next, quote);
    if (typeof decoded === 'string') {
      value += decoded;
      i += 2;
      continue;
    }
    const sequenceEnd = i + 1 + codePointLength(text, i + 1);
    errors.push({ message: decoded.error, span: { start: i, end: sequenceEnd } });
    value += text.slice(i, sequenceEnd);
    i = sequenceEnd;
  }
  flushBytes();
  return { value, errors };
}

/** Decodes `\<c>` other than `\x`: the character, or the libs error message. */
function decodeSimpleEscape(c: string, quote: string): string | { error: string } {
  switch (c) {
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    // libs keeps `\ ` as a lone backslash for old rules written that way.
    case ' ':
    case '\\':
      return '\\';
    case '/':
      return '/';
    case '"':
      return quote === '"' ? '"' : { error: `invalid \\" escape in '-quoted string` };
    case "'":
      return quote === "'" ? "'" : { error: `invalid \\' escape in "-quoted string` };
    default:
      return { error: `unsupported string escape sequence: \\${String.fromCodePoint(c.codePointAt(0) ?? 0)}` };
  }
}

function codePointLength(text: string, at: number): number {
  const code = text.codePointAt(at);
  return code !== undefined && code > 0xffff ? 2 : 1;
}

/** Decodes the bytes of consecutive `\xHH` escapes as UTF-8, or byte by byte when they are not valid UTF-8. */
function decodeBytes(bytes: number[]): string {
  if (bytes.every((b) => b < 0x80)) return String.fromCharCode(...bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return String.fromCharCode(...bytes);
  }
}

/**
 * Returns the span of the token that starts at or after `at` (blanks
 * skipped), for pointing an error at it. The token is a quoted string, one
 * punctuation character, a run of operator symbols, a word, or any other run
 * up to a blank, quote, parenthesis or comma. Returns undefined at the end.
 */
export function offendingTokenSpan(text: string, at: number): Span | undefined {
  let start = at;
  while (start < text.length && (isBlank(text.charCodeAt(start)) || isPosixSpace(text.charCodeAt(start)))) start++;
  if (start >= text.length) return undefined;

  const c = text[start];
  if (c === '"' || c === "'") {
    const end = scanQuotedString(text, start);
    return { start, end: end === -1 ? text.length : end };
  }
  if ('()[],'.includes(c)) return { start, end: start + 1 };

  let end = start;
  if ('!<>=~'.includes(c)) {
    while (end < text.length && '!<>=~'.includes(text[end])) end++;
    return { start, end };
  }
  if (isWordChar(text.charCodeAt(start)) || c === '.') {
    while (end < text.length && (isWordChar(text.charCodeAt(end)) || text[end] === '.')) end++;
    return { start, end };
  }
  end = runEnd(text, start);
  return { start, end };
}

/** Returns the end of the run of characters at `start` that stops at a blank, quote, parenthesis or comma. */
export function runEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length) {
    const code = text.charCodeAt(end);
    if (isBlank(code) || isPosixSpace(code)) break;
    const c = text[end];
    if (c === '"' || c === "'" || c === '(' || c === ')' || c === ',') break;
    end++;
  }
  return end;
}
