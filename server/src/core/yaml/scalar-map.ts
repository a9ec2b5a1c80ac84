/**
 * Maps each character of a YAML scalar's decoded value back to the document
 * offset of the source text that produced it, so that a problem found inside
 * a rule's `condition:` or `output:` text gets an exact document range.
 *
 * The decoder here applies the YAML 1.2 rules for escapes, line folding,
 * block indentation and chomping the way the `yaml` package (2.9) applies
 * them, then compares its result with the value that package decoded. When
 * the two differ, the map is marked inexact and only bounds the whole
 * scalar. Tags are not resolved: a number or boolean maps its source text.
 */
import { Scalar } from 'yaml';
import type { CST } from 'yaml';
import type { Span } from '../types';

/** A scalar's decoded value with the document offset of every character. */
export interface ScalarMap {
  /** Decoded value, as the `yaml` package returns it in `Scalar.source`. */
  value: string;
  /**
   * Document offset of the source of each value character: the character
   * itself, the backslash of an escape sequence, or the line break that a
   * fold turned into a space or `\n`. The extra last entry is the offset just
   * after the content, which for a quoted scalar is its closing quote.
   */
  offsets: number[];
  /**
   * Document offset just after the source of each value character (after a
   * whole escape sequence or CRLF line break). It is optional so that maps
   * built or copied elsewhere stay valid. Without it, a character's source is
   * taken to run to the next character's offset.
   */
  ends?: number[];
  /**
   * False when this decoder disagreed with the `yaml` package. The offsets
   * then all sit at the scalar's start and end, bounding it as a whole.
   */
  exact: boolean;
}

/**
 * Maps `node`, a scalar parsed from `text`, to its decoded value and offsets.
 * Parse with `keepSourceTokens: true`. Without source tokens the source is
 * read back from the node's range, and the parent indentation that a block
 * scalar's indentation indicator is relative to is found by trial.
 * Never throws.
 */
export function mapScalar(node: Scalar, text: string): ScalarMap {
  const expected = typeof node.source === 'string' ? node.source : String(node.value);
  try {
    const source = readScalarSource(node, text);
    if (source) {
      for (const decoded of decodeCandidates(source, text)) {
        if (decoded.value === expected) return decoded;
      }
    }
  } catch {
    // A malformed scalar the decoder did not foresee: the fallback below still bounds it.
  }
  return fallbackMap(node, expected);
}

/**
 * Converts a span of value offsets (end exclusive) to a document span. The
 * end falls after the whole source of the last character, such as both
 * characters of an `\n` escape. An empty span maps to a zero-length span.
 */
export function toDocumentSpan(map: ScalarMap, span: Span): Span {
  const length = map.value.length;
  const start = clamp(span.start, 0, length);
  const end = clamp(span.end, start, length);
  const documentStart = map.offsets[start]!;
  if (end === start) return { start: documentStart, end: documentStart };
  return { start: documentStart, end: map.ends?.[end - 1] ?? map.offsets[end]! };
}

/**
 * Returns the value offset of a cursor at `documentOffset`: the index of the
 * character whose source the cursor is on, or that it follows when it sits
 * in folded white space or trimmed indentation. Returns undefined outside
 * `offsets[0]` to `offsets[value.length]`.
 */
export function valueOffsetAt(map: ScalarMap, documentOffset: number): number | undefined {
  const length = map.value.length;
  if (documentOffset < map.offsets[0]! || documentOffset > map.offsets[length]!) return undefined;

  // Binary search for the first character whose source ends after the cursor.
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sourceEnd(map, middle) <= documentOffset) low = middle + 1;
    else high = middle;
  }
  return low;
}

function sourceEnd(map: ScalarMap, index: number): number {
  const end = map.ends?.[index];
  if (end !== undefined) return end;
  // Without `ends`, assume one source character, which holds for all but escapes and folds.
  return Math.min(map.offsets[index]! + 1, map.offsets[index + 1]!);
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, Number.isFinite(value) ? Math.trunc(value) : min));
}

// ---------------------------------------------------------------------------
// Reading the scalar's source

type FlowStyle = 'plain' | 'single' | 'double';

interface FlowSource {
  style: FlowStyle;
  /** Offset of the first source character, the opening quote for quoted styles. */
  start: number;
  /** Offset just after the last source character. */
  end: number;
}

interface BlockSource {
  style: 'block';
  header: BlockHeader;
  /** Offset of the first content line, after the header line. */
  start: number;
  end: number;
  /**
   * Indentation of the parent node, which an explicit indentation indicator
   * is relative to, or undefined when no source token recorded it.
   */
  parentIndent: number | undefined;
}

type ScalarSource = FlowSource | BlockSource;

interface BlockHeader {
  folded: boolean;
  /** Value of the indentation indicator, 0 when there is none. */
  indentIndicator: number;
  chomping: 'strip' | 'clip' | 'keep';
}

/** Flow scalar styles by CST token type and by `Scalar.type`. */
const FLOW_STYLES: Record<string, FlowStyle> = {
  scalar: 'plain',
  'single-quoted-scalar': 'single',
  'double-quoted-scalar': 'double',
  [Scalar.PLAIN]: 'plain',
  [Scalar.QUOTE_SINGLE]: 'single',
  [Scalar.QUOTE_DOUBLE]: 'double',
};

/** Locates the scalar's source in `text`, or returns undefined when the token disagrees with `text`. */
function readScalarSource(node: Scalar, text: string): ScalarSource | undefined {
  const token = scalarTokenOf(node);
  if (token) {
    if (token.type === 'block-scalar') {
      const headerToken = token.props[0];
      if (headerToken?.type !== 'block-scalar-header') return undefined;
      const header = parseBlockHeader(headerToken.source);
      if (!header || text.slice(token.offset, token.offset + headerToken.source.length) !== headerToken.source) return undefined;
      // The content starts after the header line: indicator, white space, comment and line break.
      let start = token.offset;
      for (const prop of token.props) start += 'source' in prop && typeof prop.source === 'string' ? prop.source.length : 0;
      const end = start + token.source.length;
      if (text.slice(start, end) !== token.source) return undefined;
      return { style: 'block', header, start, end, parentIndent: token.indent };
    }
    const style = FLOW_STYLES[token.type];
    const end = token.offset + token.source.length;
    if (!style || text.slice(token.offset, end) !== token.source) return undefined;
    return { style, start: token.offset, end };
  }

  // Without a source token, read the source back from the node's range.
  const range = node.range;
  if (!range) return undefined;
  const [start, end] = range;
  if (node.type === Scalar.BLOCK_FOLDED || node.type === Scalar.BLOCK_LITERAL) {
    const match = /^[|>][^ \t\r\n#]*/.exec(text.slice(start, end));
    const header = match ? parseBlockHeader(match[0]) : undefined;
    if (!header) return undefined;
    const lineBreak = text.indexOf('\n', start);
    const contentStart = lineBreak === -1 || lineBreak >= end ? end : lineBreak + 1;
    return { style: 'block', header, start: contentStart, end, parentIndent: undefined };
  }
  const style = FLOW_STYLES[node.type ?? Scalar.PLAIN];
  return style ? { style, start, end } : undefined;
}

function scalarTokenOf(node: Scalar): CST.FlowScalar | CST.BlockScalar | undefined {
  const token = node.srcToken;
  if (!token || !('source' in token) || typeof token.source !== 'string') return undefined;
  if (token.type === 'block-scalar' || FLOW_STYLES[token.type] !== undefined) return token as CST.FlowScalar | CST.BlockScalar;
  return undefined;
}

/**
 * Parses a block scalar header such as `>`, `|-` or `>2+`. Extra characters
 * (a second digit, `0`) are ignored, as the `yaml` package does after
 * reporting them.
 */
function parseBlockHeader(source: string): BlockHeader | undefined {
  const indicator = source[0];
  if (indicator !== '|' && indicator !== '>') return undefined;
  let indentIndicator = 0;
  let chomping: BlockHeader['chomping'] = 'clip';
  for (const ch of source.slice(1)) {
    if (chomping === 'clip' && (ch === '-' || ch === '+')) chomping = ch === '-' ? 'strip' : 'keep';
    else if (indentIndicator === 0 && ch >= '1' && ch <= '9') indentIndicator = Number(ch);
  }
  return { folded: indicator === '>', indentIndicator, chomping };
}

// ---------------------------------------------------------------------------
// Decoding

/** Accumulates the value with the source range of each UTF-16 code unit. */
class ValueBuilder {
  value = '';
  readonly offsets: number[] = [];
  readonly ends: number[] = [];

  /** Appends `units` (one or two code units) produced by the source range [start, end). */
  push(units: string, start: number, end: number): void {
    for (let i = 0; i < units.length; i++) {
      this.value += units[i];
      // The second half of a surrogate pair decoded from one escape sits one
      // offset later, so that offsets stay strictly increasing.
      this.offsets.push(start + i);
      this.ends.push(end);
    }
  }

  /** Appends the source characters in [start, end) unchanged. */
  copy(text: string, start: number, end: number): void {
    for (let i = start; i < end; i++) this.push(text[i]!, i, i + 1);
  }

  /** Appends line-fold output (a space or newlines) produced by a run of line breaks. */
  fold(units: string, breaks: LineBreak[]): void {
    if (units.length > breaks.length) throw new Error('a fold produced more characters than it has line breaks');
    // The first break of a run is the one folding discards, so output maps to the last breaks.
    const first = breaks.length - units.length;
    for (let i = 0; i < units.length; i++) this.push(units[i]!, breaks[first + i]!.start, breaks[first + i]!.end);
  }

  finish(contentEnd: number): ScalarMap {
    return { value: this.value, offsets: [...this.offsets, contentEnd], ends: this.ends, exact: true };
  }
}

interface LineBreak {
  /** Offset of `\n`, or of `\r` in a CRLF pair. */
  start: number;
  end: number;
}

function decodeFlowScalar(source: FlowSource, text: string): ScalarMap {
  const out = new ValueBuilder();
  if (source.style === 'plain') {
    decodeFlowContent(text, source.start, source.end, source.end, 'plain', out);
    return out.finish(source.end);
  }
  // The `yaml` package drops the last source character as the closing quote
  // even when it is missing; such a scalar carries a parse error anyway.
  const contentEnd = Math.max(source.start + 1, source.end - 1);
  const lookaheadEnd = source.style === 'double' ? source.end : contentEnd;
  const resumeAt = decodeFlowContent(text, source.start + 1, contentEnd, lookaheadEnd, source.style, out);
  return out.finish(Math.max(contentEnd, Math.min(resumeAt, source.end)));
}

/** Returns the length of the line break at `i` (1 for LF, 2 for CRLF) or 0. */
function lineBreakLength(text: string, i: number, end: number): number {
  if (i >= end) return 0;
  if (text[i] === '\n') return 1;
  return text[i] === '\r' && i + 1 < end && text[i + 1] === '\n' ? 2 : 0;
}

function isBlank(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t';
}

/**
 * Decodes the content of a flow scalar in [start, end), between the quotes
 * for quoted styles. Line breaks, white space runs and escape sequences may
 * look ahead up to `lookaheadEnd`: for double-quoted scalars that is the end
 * of the source, as in the `yaml` package, which matters only when the
 * closing quote is missing. Returns the offset where decoding stopped.
 */
function decodeFlowContent(text: string, start: number, end: number, lookaheadEnd: number, style: FlowStyle, out: ValueBuilder): number {
  let i = start;
  while (i < end) {
    const ch = text[i]!;
    const breakLength = lineBreakLength(text, i, lookaheadEnd);
    if (breakLength > 0) {
      i = i + breakLength > end ? end : foldFlowLineBreaks(text, i, lookaheadEnd, out);
    } else if (isBlank(ch)) {
      // White space before a line break is trimmed; elsewhere it is content.
      let runEnd = i;
      while (runEnd < lookaheadEnd && isBlank(text[runEnd])) runEnd++;
      if (lineBreakLength(text, runEnd, lookaheadEnd) === 0) out.copy(text, i, runEnd);
      i = runEnd;
    } else if (style === 'double' && ch === '\\') {
      i = decodeEscape(text, i, lookaheadEnd, out);
    } else if (style === 'single' && ch === "'" && i + 1 < end && text[i + 1] === "'") {
      out.push("'", i, i + 2);
      i += 2;
    } else {
      out.push(ch, i, i + 1);
      i++;
    }
  }
  return i;
}

/**
 * Folds the line breaks starting at `i` together with the white space
 * around them: one break becomes a space, n breaks become n - 1 newlines.
 */
function foldFlowLineBreaks(text: string, i: number, end: number, out: ValueBuilder): number {
  const breaks: LineBreak[] = [];
  while (i < end) {
    const length = lineBreakLength(text, i, end);
    if (length > 0) {
      breaks.push({ start: i, end: i + length });
      i += length;
    } else if (isBlank(text[i])) {
      i++;
    } else {
      break;
    }
  }
  out.fold(breaks.length === 1 ? ' ' : '\n'.repeat(breaks.length - 1), breaks);
  return i;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  '\t': '\t',
};

const HEX_ESCAPE_LENGTHS: Record<string, number> = { x: 2, u: 4, U: 8 };

/** Decodes the escape sequence whose backslash is at `i` and returns the offset after it. */
function decodeEscape(text: string, i: number, lookaheadEnd: number, out: ValueBuilder): number {
  const next = text[i + 1];
  if (next === undefined || i + 1 >= lookaheadEnd) {
    out.copy(text, i, i + 1);
    return i + 1;
  }
  const simple = SIMPLE_ESCAPES[next];
  if (simple !== undefined) {
    out.push(simple, i, i + 2);
    return i + 2;
  }

  const escapedBreak = lineBreakLength(text, i + 1, lookaheadEnd);
  if (escapedBreak > 0) {
    // An escaped line break joins the lines without a space and trims the next line's indentation.
    let j = i + 1 + escapedBreak;
    while (j < lookaheadEnd && isBlank(text[j])) j++;
    return j;
  }

  const hexLength = HEX_ESCAPE_LENGTHS[next];
  if (hexLength !== undefined) {
    const digitsEnd = Math.min(i + 2 + hexLength, lookaheadEnd);
    const digits = text.slice(i + 2, digitsEnd);
    const codePoint = digits.length === hexLength && /^[0-9a-fA-F]+$/.test(digits) ? parseInt(digits, 16) : NaN;
    if (Number.isInteger(codePoint) && codePoint <= 0x10ffff) {
      out.push(String.fromCodePoint(codePoint), i, digitsEnd);
    } else {
      // An invalid escape stays in the value as written.
      out.copy(text, i, digitsEnd);
    }
    return i + 2 + hexLength;
  }

  out.copy(text, i, i + 2);
  return i + 2;
}

interface BlockLine {
  /** Offset of the line's first character. */
  start: number;
  /** Number of leading spaces; tabs never count as indentation. */
  indent: number;
  /** Offset after the line's content, before its line break (and before a CRLF's `\r`). */
  contentEnd: number;
  /** Whether the raw content, between the indentation and the `\n`, is empty or a lone `\r`. */
  blank: boolean;
  /** The line break ending the line; undefined on the last line. */
  lineBreak: LineBreak | undefined;
}

function splitBlockLines(text: string, start: number, end: number): BlockLine[] {
  const lines: BlockLine[] = [];
  if (start >= end) return lines;
  let lineStart = start;
  for (;;) {
    const newline = text.indexOf('\n', lineStart);
    const rawEnd = newline === -1 || newline >= end ? end : newline;
    let indent = 0;
    while (lineStart + indent < rawEnd && text[lineStart + indent] === ' ') indent++;
    const crlf = rawEnd > lineStart + indent && text[rawEnd - 1] === '\r';
    const contentEnd = crlf ? rawEnd - 1 : rawEnd;
    const lineBreak = rawEnd < end ? { start: contentEnd, end: rawEnd + 1 } : undefined;
    lines.push({ start: lineStart, indent, contentEnd, blank: contentEnd === lineStart + indent, lineBreak });
    if (!lineBreak) return lines;
    lineStart = rawEnd + 1;
  }
}

/**
 * Yields the possible decodings of `source`. There is one, except for a block
 * scalar whose indentation indicator is relative to an unknown parent
 * indentation: then each parent indentation is tried, deepest first.
 */
function* decodeCandidates(source: ScalarSource, text: string): Generator<ScalarMap> {
  if (source.style !== 'block') {
    yield decodeFlowScalar(source, text);
    return;
  }
  if (source.header.indentIndicator === 0 || source.parentIndent !== undefined) {
    yield decodeBlockScalar(source, text, source.parentIndent ?? 0);
    return;
  }
  const firstContent = splitBlockLines(text, source.start, source.end).find((line) => !line.blank);
  for (let parentIndent = (firstContent?.indent ?? 0) - source.header.indentIndicator; parentIndent >= 0; parentIndent--) {
    yield decodeBlockScalar(source, text, parentIndent);
  }
}

function decodeBlockScalar(source: BlockSource, text: string, parentIndent: number): ScalarMap {
  const { header } = source;
  const lines = splitBlockLines(text, source.start, source.end);
  const out = new ValueBuilder();

  // Trailing blank lines are subject to chomping rather than content.
  let chompStart = lines.length;
  while (chompStart > 0 && lines[chompStart - 1]!.blank) chompStart--;

  if (chompStart === 0) {
    // Nothing but blank lines: only `keep` chomping leaves anything, one newline per line break.
    if (header.chomping === 'keep' && lines.length > 0) {
      const breaks = lines.flatMap((line) => (line.lineBreak ? [line.lineBreak] : []));
      if (breaks.length === 0) out.push('\n', source.end, source.end);
      for (const lineBreak of breaks) out.push('\n', lineBreak.start, lineBreak.end);
    }
    return out.finish(out.ends[out.ends.length - 1] ?? source.start);
  }

  const contentStart = lines.findIndex((line) => !line.blank);
  // The `yaml` package takes the content indentation from the first
  // non-blank line unless the header gives it. YAML 1.2 also counts the
  // longest leading blank line, but that only changes invalid input.
  const indentation = header.indentIndicator > 0 ? parentIndent + header.indentIndicator : lines[contentStart]!.indent;

  // Blank lines indented past the content at the end still belong to the content.
  for (let i = lines.length - 1; i >= chompStart; i--) {
    if (lines[i]!.indent > indentation) {
      chompStart = i + 1;
      break;
    }
  }

  // Leading blank lines each keep their extra indentation and their line break.
  for (let i = 0; i < contentStart; i++) {
    const line = lines[i]!;
    out.copy(text, line.start + Math.min(indentation, line.indent), line.start + line.indent);
    out.push('\n', line.lineBreak!.start, line.lineBreak!.end);
  }

  let pendingBreaks: LineBreak[] = [];
  let previousSpaced = false;
  for (let i = contentStart; i < chompStart; i++) {
    const line = lines[i]!;
    const contentFrom = line.start + line.indent;
    // A content line indented less than required is an error; the `yaml` package then ignores its indentation.
    const extraIndent = line.blank || line.indent >= indentation ? Math.max(0, line.indent - indentation) : 0;
    const spaced = extraIndent > 0 || text[contentFrom] === '\t';
    const empty = !spaced && line.blank;

    if (header.folded && empty && i > contentStart) {
      pendingBreaks.push(line.lineBreak!);
      continue;
    }
    if (i > contentStart) {
      // Line breaks next to a more-indented (spaced) line are never folded.
      const keepAll = !header.folded || previousSpaced || spaced;
      const count = keepAll ? pendingBreaks.length : pendingBreaks.length - 1;
      out.fold(count === 0 ? ' ' : '\n'.repeat(count), pendingBreaks);
    }
    out.copy(text, contentFrom - extraIndent, line.contentEnd);
    pendingBreaks = line.lineBreak ? [line.lineBreak] : [];
    previousSpaced = spaced;
  }

  const lastContent = lines[chompStart - 1]!;
  if (header.chomping === 'clip') {
    const lineBreak = lastContent.lineBreak;
    if (lineBreak) out.push('\n', lineBreak.start, lineBreak.end);
    else out.push('\n', lastContent.contentEnd, lastContent.contentEnd);
  } else if (header.chomping === 'keep') {
    for (let i = chompStart; i < lines.length; i++) {
      const lineBreak = lines[i - 1]!.lineBreak!;
      out.push('\n', lineBreak.start, lineBreak.end);
    }
    // A final line without a line break still ends in a newline, which has no source.
    if (!out.value.endsWith('\n')) out.push('\n', lastContent.contentEnd, lastContent.contentEnd);
  }
  return out.finish(out.ends[out.ends.length - 1] ?? source.start);
}

/** Bounds every character by the whole scalar, for values this decoder could not reproduce. */
function fallbackMap(node: Scalar, value: string): ScalarMap {
  const start = node.range?.[0] ?? node.srcToken?.offset ?? 0;
  const end = Math.max(start, node.range?.[1] ?? start);
  const offsets = new Array<number>(value.length).fill(start);
  offsets.push(end);
  return { value, offsets, ends: new Array<number>(value.length).fill(end), exact: false };
}
