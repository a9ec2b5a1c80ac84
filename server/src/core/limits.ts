/**
 * Resource limits on what the core reads, so that hostile or accidental
 * input (a pasted log, a generated file, deep nesting) costs bounded time and
 * memory instead of hanging the editor. Each limit is a setting: the
 * server reads `falco.limits.*` and the CLI takes `--max-file-size` and the
 * like. Input over a limit gets one diagnostic that names the value, the limit
 * and the setting to raise.
 *
 * YAML aliases are never expanded (the core reads the node tree and resolves
 * an alias one step, to the node it names), so an alias bomb costs no more
 * than its text and needs no limit of its own.
 */
import type { Diagnostic, Span } from './types';

export interface Limits {
  /**
   * Largest file analysed, in bytes of UTF-8. Default 2 MiB, about twenty
   * times the largest official rules file (falco-sandbox_rules.yaml, 95 KB).
   */
  maxFileSize: number;
  /**
   * Longest condition checked, in characters (UTF-16 code units). Default
   * 65,536, over ten times the longest official condition (about 4,500).
   */
  maxConditionLength: number;
  /**
   * Deepest YAML nesting of block and flow collections in one item. Default
   * 100: official rules nest at most 6 levels, and the YAML parser recurses
   * once per level, so depth in the thousands would exhaust the stack.
   */
  maxNestingDepth: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxFileSize: 2 * 1024 * 1024,
  maxConditionLength: 65_536,
  maxNestingDepth: 100,
});

/** The setting of each limit, as the messages name it. */
export const LIMIT_SETTINGS: Readonly<Record<keyof Limits, string>> = Object.freeze({
  maxFileSize: 'falco.limits.maxFileSize',
  maxConditionLength: 'falco.limits.maxConditionLength',
  maxNestingDepth: 'falco.limits.maxNestingDepth',
});

/** Code of the diagnostics for input over a limit. */
export const LIMIT_EXCEEDED_CODE = 'limit-exceeded';

/** Fills in the defaults; a value that is not a positive integer is replaced by its default. */
export function resolveLimits(limits: Partial<Limits> | undefined): Limits {
  const pick = (key: keyof Limits): number => {
    const value = limits?.[key];
    return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : DEFAULT_LIMITS[key];
  };
  // The yaml parser recurses once per level and exhausts Node's stack a little above 1,000 levels.
  const maxNestingDepth = Math.min(pick('maxNestingDepth'), MAX_NESTING_DEPTH);
  return { maxFileSize: pick('maxFileSize'), maxConditionLength: pick('maxConditionLength'), maxNestingDepth };
}

/** The highest nesting depth a setting may ask for. */
export const MAX_NESTING_DEPTH = 500;

/**
 * Returns the UTF-8 size of `text` in bytes, or stops counting and returns
 * a number above `stopAbove` as soon as the size exceeds it. A lone
 * surrogate counts 3 bytes, as its replacement character does.
 */
export function utf8Size(text: string, stopAbove = Infinity): number {
  let size = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) size += 1;
    else if (code < 0x800) size += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      size += 4;
      i++;
    } else size += 3;
    if (size > stopAbove) return size;
  }
  return size;
}

/** Formats a byte count for messages: `5.0 MiB (5,242,880 bytes)`. */
function describeBytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB (${bytes.toLocaleString('en-US')} bytes)`;
}

/**
 * Returns the diagnostic for a file over `maxFileSize`, on its first line,
 * or undefined when the file is within the limit.
 */
export function fileSizeDiagnostic(text: string, limits: Limits): Diagnostic | undefined {
  // Every UTF-16 code unit is at least one byte, and at most three.
  if (text.length * 3 <= limits.maxFileSize) return undefined;
  if (utf8Size(text, limits.maxFileSize) <= limits.maxFileSize) return undefined;
  const size = utf8Size(text);
  const lineEnd = text.search(/[\r\n]/);
  const span: Span = { start: 0, end: Math.min(lineEnd === -1 ? text.length : lineEnd, 200) };
  return {
    span,
    // Falco reads input of any size, so going over a limit of ours is not an error.
    severity: 'warning',
    code: LIMIT_EXCEEDED_CODE,
    message: `This file is ${describeBytes(size)}, over the limit of ${describeBytes(limits.maxFileSize)}, so it was not checked. Split it into several rules files, or raise the setting ${LIMIT_SETTINGS.maxFileSize} (the CLI option --max-file-size) to at least ${size} bytes.`,
  };
}

/** Returns the diagnostic for a condition longer than `maxConditionLength`, on its key. */
export function conditionLengthDiagnostic(keySpan: Span, length: number, limits: Limits): Diagnostic | undefined {
  if (length <= limits.maxConditionLength) return undefined;
  return {
    span: keySpan,
    // Falco reads input of any size, so going over a limit of ours is not an error.
    severity: 'warning',
    code: LIMIT_EXCEEDED_CODE,
    message: `This condition is ${length.toLocaleString('en-US')} characters long, over the limit of ${limits.maxConditionLength.toLocaleString('en-US')}, so this item was not checked. Split it into macros, or raise the setting ${LIMIT_SETTINGS.maxConditionLength} (the CLI option --max-condition-length).`,
  };
}

/**
 * Returns the offset where YAML nesting in `text[start, end)` first goes
 * deeper than `maxDepth`, or -1. Counts block levels by indentation and
 * compact `- - ` entries, and flow levels by `[` and `{` outside quoted
 * scalars and comments.
 *
 * NOTE: this is an estimate made without parsing. A `[` inside a plain
 * scalar (`proc.aname[2]`) counts as a level until its `]`, so the result
 * may run a few levels high, never low for bracket nesting.
 */
export function findExcessiveNesting(text: string, start: number, end: number, maxDepth: number): number {
  const indents: number[] = [];
  let flowDepth = 0;
  let lineStart = start;
  while (lineStart < end) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1 || lineEnd > end) lineEnd = end;
    let i = lineStart;
    while (i < lineEnd && text.charCodeAt(i) === 32) i++;
    const content = i < lineEnd && text[i] !== '#' && text[i] !== '\r';
    if (content && flowDepth === 0) {
      const indent = i - lineStart;
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      // Compact sequences (`- - - x`) open one level per dash.
      while (text[i] === '-' && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
        indents.push(++i - lineStart);
        while (text[i] === ' ' || text[i] === '\t') i++;
        if (indents.length > maxDepth) return i;
      }
      if (indents.length > maxDepth) return i;
    }
    i = scanFlow(text, i, lineEnd, (offset, depth) => {
      flowDepth = depth;
      return indents.length + depth > maxDepth ? offset : -1;
    }, flowDepth);
    if (i < 0) return -i - 1;
    lineStart = lineEnd + 1;
  }
  return -1;
}

/**
 * Scans one line for flow brackets from `depth`, calling `onDepth` after each
 * change. Returns the line end, or `-(offset + 1)` when `onDepth` returned an
 * offset to stop at.
 */
function scanFlow(text: string, from: number, lineEnd: number, onDepth: (offset: number, depth: number) => number, depth: number): number {
  let quote = '';
  for (let i = from; i < lineEnd; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    const previous = i > from ? text[i - 1]! : ' ';
    const atScalarStart = previous === ' ' || previous === '\t' || previous === '[' || previous === '{' || previous === ',' || previous === ':';
    if ((c === '"' || c === "'") && atScalarStart) quote = c;
    else if (c === '#' && (previous === ' ' || previous === '\t' || i === from)) return lineEnd;
    else if (c === '[' || c === '{' || ((c === ']' || c === '}') && depth > 0)) {
      depth += c === '[' || c === '{' ? 1 : -1;
      const stop = onDepth(i, depth);
      if (stop !== -1) return -(stop + 1);
    }
  }
  return lineEnd;
}

/** Returns the diagnostic for nesting deeper than `maxNestingDepth`, at the offset where it goes too deep. */
export function nestingDiagnostic(text: string, offset: number, limits: Limits): Diagnostic {
  const lineEnd = text.indexOf('\n', offset);
  const end = Math.min(lineEnd === -1 ? text.length : lineEnd, offset + 1);
  return {
    span: { start: offset, end: Math.max(end, offset) },
    severity: 'warning',
    code: LIMIT_EXCEEDED_CODE,
    message: `This item nests YAML collections more than ${limits.maxNestingDepth} levels deep, so it was not read. Rules need only a few levels: check for unclosed '[' or '{', or raise the setting ${LIMIT_SETTINGS.maxNestingDepth} (the CLI option --max-nesting-depth).`,
  };
}
