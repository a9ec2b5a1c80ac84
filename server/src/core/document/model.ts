/**
 * The document model: a rules file read into top-level items whose keys and
 * values keep exact document offsets.
 *
 * Reading never throws. YAML syntax errors become diagnostics, and each
 * top-level item is parsed on its own (see chunks.ts), so an error in one
 * item leaves the others readable. This module decides only the shape of
 * the file; what the items mean is for the checks.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, Scalar } from 'yaml';
import type { Document } from 'yaml';
import type { Node as YamlNode, YAMLMap } from 'yaml';
import type { Diagnostic, Span } from '../types';
import { Chunk, splitIntoChunks } from './chunks';
import { mapScalar, ScalarMap } from '../yaml/scalar-map';
import { conditionLengthDiagnostic, fileSizeDiagnostic, findExcessiveNesting, nestingDiagnostic, resolveLimits } from '../limits';
import type { Limits } from '../limits';

/** The facts the program needs of an item of an indexed file: whether it changes an earlier definition, and the words that may name macros and lists. */
export interface ItemSummary {
  isUpdate: boolean;
  words: readonly string[];
}

/** Item kinds, in the order Falco tests for their key. */
export const ITEM_KINDS = ['required_engine_version', 'required_plugin_versions', 'list', 'macro', 'rule'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export interface ItemEntry {
  key: string;
  keySpan: Span;
  /** The value node; null for `key:` with nothing after it. */
  value: YamlNode | null;
  /** The value's span, or a zero-length span after the colon when there is none. */
  valueSpan: Span;
}

export interface RulesItem {
  /** The kind key Falco would pick; undefined when the map has none (an unknown item). */
  kind: ItemKind | undefined;
  /** Span of the item's map, from its first key to its last value. */
  span: Span;
  /** Span of the `- ` element start through the map, for item-level diagnostics. */
  elementSpan: Span;
  entries: ItemEntry[];
  /** The item's name (value of its kind key) when it is a non-empty scalar. */
  name?: string;
  nameSpan?: Span;
  /** True when YAML errors inside the item make its values unreliable. */
  hasSyntaxErrors: boolean;
  /** Index of the YAML document the item belongs to. */
  documentIndex: number;
  /** Position of the item in the file, counting every top-level element. */
  index: number;
  /** The item's YAML map, shared by later versions of the file while the item's text is unchanged. */
  readonly node: YAMLMap;
  /** An identity for caches of facts about the item: later versions of the file keep it while the item's text is unchanged. */
  readonly key: object;
  /** Facts read without parsing, for items of files that are indexed rather than open (see lazy.ts). */
  readonly summary?: ItemSummary;
  /** Returns the entry of `key`, the first one when the key is repeated. */
  get(key: string): ItemEntry | undefined;
  /** Maps a scalar of this item to its decoded value with document offsets (computed once per node). */
  scalar(node: Scalar): ScalarMap;
  /** The decoded value of a scalar, as `scalar(node).value` but without building the offset table. */
  scalarValue(node: Scalar): string;
  /** Document span of any node inside this item. */
  spanOf(node: YamlNode): Span;
}

export interface RulesDocument {
  uri: string;
  text: string;
  items: RulesItem[];
  /** YAML syntax errors and file-shape errors (not a sequence, non-map elements). */
  problems: Diagnostic[];
  /** The parsed chunks of the file, in order (trivia chunks left out). */
  chunks: ReadChunk[];
  /** True for a file read for the index only (see lazy.ts): its items parse on demand and its problems are not read. */
  indexed?: boolean;
  /** True when the file is over the size limit: it was not read, so it has no items and one problem. */
  tooLarge?: boolean;
}

/** A chunk of a file with the parse of its text. */
export interface ReadChunk extends Chunk {
  segment: Segment;
}

/**
 * The parse of one chunk's text, independent of where the chunk sits in its
 * file, so that an edit elsewhere in the file can reuse it.
 */
export interface Segment {
  /** The chunk's text as written. */
  readonly text: string;
  readonly kind: Chunk['kind'];
  /** The text that was parsed: the chunk's text, or a re-indented copy (see `repairIndentation`). */
  readonly source: string;
  /** Maps an offset in `source` to an offset in `text`. */
  readonly toText: OffsetMapper;
  readonly yaml: Document;
  /** The first key that fell to column 0 under the item's kind key, when the text was re-indented. */
  readonly outdented?: { key: string; offset: number; kind: string; keyColumn: number };
}

/** Converts an offset in the text that was parsed to an offset in the file. */
type OffsetMapper = (offset: number) => number;

interface ParsedChunk {
  source: string;
  toDocument: OffsetMapper;
}

const KEY_AT_COLUMN0 = /^([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:/;

/**
 * Reads a rules file. Never throws. Chunks whose text is unchanged since
 * `previous` (an earlier version of the same file) reuse its parse. Input
 * over `limits` (see limits.ts) gets one diagnostic: a file over the size
 * limit and an item nested too deeply are not read, and an item whose
 * condition is too long is marked as having syntax errors, so that the
 * checks skip it.
 */
export function parseRulesDocument(uri: string, text: string, previous?: RulesDocument, limits?: Partial<Limits>): RulesDocument {
  const document: RulesDocument = { uri, text, items: [], problems: [], chunks: [] };
  const resolved = resolveLimits(limits);
  const tooLarge = fileSizeDiagnostic(text, resolved);
  if (tooLarge) {
    document.problems.push(tooLarge);
    document.tooLarge = true;
    return document;
  }
  const reusable = new Map<string, Segment>();
  for (const chunk of previous?.chunks ?? []) reusable.set(`${chunk.kind}:${chunk.segment.text}`, chunk.segment);
  const reader = chunkReader(document, reusable, resolved);
  for (const chunk of splitIntoChunks(text)) reader(chunk);
  return document;
}

/**
 * Returns a function that parses a chunk of `document.text` and adds its items
 * and problems to `document`, reusing a parse from `reusable` when the chunk's
 * text has one. Never throws.
 */
export function chunkReader(document: RulesDocument, reusable?: ReadonlyMap<string, Segment>, limits: Limits = resolveLimits(undefined)): (chunk: Chunk) => void {
  const reportedShape = new Set<number>();
  const { text } = document;
  return (chunk) => {
    if (chunk.kind === 'trivia') return;
    try {
      const chunkText = text.slice(chunk.start, chunk.end);
      // A reused parse passed the nesting check when it was made.
      let segment = reusable?.get(`${chunk.kind}:${chunkText}`);
      if (!segment) {
        const tooDeep = findExcessiveNesting(text, chunk.start, chunk.end, limits.maxNestingDepth);
        if (tooDeep !== -1) {
          document.problems.push(nestingDiagnostic(text, tooDeep, limits));
          return;
        }
        segment = parseSegment(chunkText, chunk.kind);
      }
      document.chunks.push({ ...chunk, segment });
      readChunk(document, chunk, segment, reportedShape, limits);
    } catch (error) {
      // A YAML input that the parser or our reader did not foresee: keep the other items.
      document.problems.push({
        span: { start: chunk.start, end: Math.min(chunk.end, chunk.start + lineLength(text, chunk.start)) },
        severity: 'error',
        code: 'LOAD_ERR_YAML_PARSE',
        message: `This item could not be read (${String(error)}). Check its YAML syntax.`,
      });
    }
  };
}

function lineLength(text: string, start: number): number {
  const end = text.indexOf('\n', start);
  return (end === -1 ? text.length : end) - start;
}

/** Parses one chunk's text. */
export function parseSegment(text: string, kind: Chunk['kind']): Segment {
  const repaired = kind === 'item' ? repairIndentation(text) : undefined;
  const source = repaired?.source ?? text;
  const yaml = parseDocument(source, { keepSourceTokens: false, uniqueKeys: false, prettyErrors: false });
  return { text, kind, source, toText: repaired?.toText ?? ((o) => o), yaml, ...(repaired ? { outdented: repaired.outdented } : {}) };
}

function readChunk(document: RulesDocument, chunk: Chunk, segment: Segment, reportedShape: Set<number>, limits: Limits): void {
  const parsed: ParsedChunk = { source: segment.source, toDocument: (o) => chunk.start + segment.toText(o) };
  if (segment.outdented) {
    const { key, offset, kind, keyColumn } = segment.outdented;
    const keyStart = chunk.start + offset;
    document.problems.push({
      span: { start: keyStart, end: keyStart + key.length },
      severity: 'error',
      code: 'LOAD_ERR_YAML_PARSE',
      message: `Key '${key}' is not indented under '- ${kind}:'. The ${kind}'s properties must be indented under '- ${kind}:' (by ${keyColumn} spaces, level with '${kind}:'), or YAML reads them as a new, broken element.`,
      data: { outdentedKey: true },
    });
  }

  const yamlDocument = segment.yaml;
  const errorSpans: Span[] = [];
  yamlDocument.errors.forEach((error, index) => {
    const span = { start: parsed.toDocument(error.pos[0]), end: parsed.toDocument(Math.max(error.pos[1], error.pos[0] + 1)) };
    errorSpans.push(span);
    // Later errors of the same item mostly follow from the first; Falco too reports only one.
    if (index > 0) return;
    let reported = span;
    if (error.code === 'MISSING_CHAR') reported = unclosedQuoteSpan(document.text, span) ?? span;
    else if (error.code === 'BLOCK_AS_IMPLICIT_KEY' || error.code === 'MULTILINE_IMPLICIT_KEY') reported = overIndentedKeySpan(document.text, span) ?? span;
    document.problems.push({ span: clampSpan(reported, document.text), severity: 'error', code: 'LOAD_ERR_YAML_PARSE', message: describeYamlError(error.code, error.message) });
  });

  const root = yamlDocument.contents;
  if (root === null || root === undefined) return;
  const rootSpan = trimSpan(document.text, nodeSpan(root, parsed.toDocument));
  if (isScalar(root)) {
    if (root.value === null) return;
    reportShape(document, reportedShape, chunk.documentIndex, rootSpan, 'Rules content is not yaml: a rules file must be a YAML list of rule, macro and list items.');
    return;
  }
  if (isMap(root)) {
    reportShape(document, reportedShape, chunk.documentIndex, rootSpan, 'Rules content is not yaml array of objects: write each item as a list element starting with "- ".');
    return;
  }
  if (!isSeq(root)) return;

  for (const element of root.items) {
    const node = element as YamlNode | null;
    if (node === null || (isScalar(node) && node.value === null)) continue;
    const rawSpan = nodeSpan(node, parsed.toDocument);
    const span = trimSpan(document.text, rawSpan);
    if (!isMap(node)) {
      document.problems.push({
        span,
        severity: 'error',
        code: 'LOAD_ERR_YAML_VALIDATE',
        message: 'Unexpected element type. Each element should be a yaml associative array: start the item with "rule:", "macro:" or "list:".',
      });
      continue;
    }
    const hasSyntaxErrors = errorSpans.some((error) => error.start <= rawSpan.end && error.end >= rawSpan.start);
    const item = buildItem(document, node, parsed, chunk, hasSyntaxErrors, yamlDocument);
    const condition = item.get('condition');
    const tooLong = condition && conditionLengthDiagnostic(condition.keySpan, condition.valueSpan.end - condition.valueSpan.start, limits);
    if (tooLong) {
      // Checks skip items marked as unreadable, so the condition is never parsed by them.
      document.problems.push(tooLong);
      item.hasSyntaxErrors = true;
    }
    document.items.push(item);
  }
}

function reportShape(document: RulesDocument, reported: Set<number>, documentIndex: number, span: Span, message: string): void {
  if (reported.has(documentIndex)) return;
  reported.add(documentIndex);
  document.problems.push({ span, severity: 'error', code: 'LOAD_ERR_YAML_VALIDATE', message });
}

function buildItem(document: RulesDocument, node: YAMLMap, parsed: ParsedChunk, chunk: Chunk, hasSyntaxErrors: boolean, yamlDocument: Document): RulesItem {
  const entries: ItemEntry[] = [];
  for (const pair of node.items) {
    const keyNode = pair.key as YamlNode | null;
    if (!keyNode || !isScalar(keyNode)) continue;
    const keySpan = nodeSpan(keyNode, parsed.toDocument);
    let value = (pair.value as YamlNode | null) ?? null;
    // An alias stands for its anchored node; the value span stays on the alias itself.
    const aliasSpan = value && isAlias(value) ? nodeSpan(value, parsed.toDocument) : undefined;
    if (value && isAlias(value)) value = (value.resolve(yamlDocument) as YamlNode | undefined) ?? null;
    let valueSpan: Span;
    if (aliasSpan) {
      valueSpan = aliasSpan;
    } else if (value && !(isScalar(value) && value.value === null && value.range?.[0] === value.range?.[1])) {
      valueSpan = nodeSpan(value, parsed.toDocument);
    } else {
      valueSpan = { start: keySpan.end + 1, end: keySpan.end + 1 };
    }
    entries.push({ key: String(keyNode.value), keySpan, value: value && isScalar(value) && value.value === null ? null : value, valueSpan });
  }

  const kind = ITEM_KINDS.find((k) => entries.some((e) => e.key === k));
  const span = nodeSpan(node, parsed.toDocument);
  const scalarMaps = new Map<Scalar, ScalarMap>();
  const elementStart = findElementDash(document.text, span.start);
  const item: RulesItem = {
    kind,
    node,
    key: node,
    span,
    elementSpan: { start: elementStart, end: span.end },
    entries,
    hasSyntaxErrors,
    documentIndex: chunk.documentIndex,
    index: document.items.length,
    get: (key) => entries.find((e) => e.key === key),
    scalar: (scalarNode) => {
      let map = scalarMaps.get(scalarNode);
      if (!map) {
        map = lazyScalarMap(typeof scalarNode.source === 'string' ? scalarNode.source : String(scalarNode.value), () => toDocumentMap(mapScalar(scalarNode, parsed.source), parsed.toDocument));
        scalarMaps.set(scalarNode, map);
      }
      return map;
    },
    scalarValue: (scalarNode) => (typeof scalarNode.source === 'string' ? scalarNode.source : String(scalarNode.value)),
    spanOf: (inner) => nodeSpan(inner, parsed.toDocument),
  };
  if (kind) {
    const nameEntry = item.get(kind);
    if (nameEntry?.value && isScalar(nameEntry.value) && (kind === 'rule' || kind === 'macro' || kind === 'list')) {
      const name = item.scalarValue(nameEntry.value);
      if (name !== '') {
        item.name = name;
        item.nameSpan = nameEntry.valueSpan;
      }
    }
  }
  return item;
}

/** Finds the `-` that starts the sequence element whose map begins at `mapStart`. */
function findElementDash(text: string, mapStart: number): number {
  let i = mapStart - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  return i >= 0 && text[i] === '-' ? i : mapStart;
}

/**
 * Returns a scalar map whose offsets are computed on first use: most checks
 * read only the value, and offsets matter only where a diagnostic points.
 * The value is the one `mapScalar` returns, which always equals the node's source.
 */
function lazyScalarMap(value: string, build: () => ScalarMap): ScalarMap {
  let built: ScalarMap | undefined;
  const full = () => (built ??= build());
  return {
    value,
    get offsets() {
      return full().offsets;
    },
    get ends() {
      return full().ends;
    },
    get exact() {
      return full().exact;
    },
  };
}

function toDocumentMap(map: ScalarMap, toDocument: OffsetMapper): ScalarMap {
  for (const offsets of [map.offsets, map.ends]) {
    if (!offsets) continue;
    for (let i = 0; i < offsets.length; i++) offsets[i] = toDocument(offsets[i]!);
  }
  return map;
}

function nodeSpan(node: YamlNode, toDocument: OffsetMapper): Span {
  const range = node.range ?? [0, 0, 0];
  return { start: toDocument(range[0]), end: toDocument(range[1]) };
}

/** Drops the trailing blanks, line breaks and comments that block nodes' ranges include. */
function trimSpan(text: string, span: Span): Span {
  let end = span.end;
  for (;;) {
    while (end > span.start && /\s/.test(text.charAt(end - 1))) end--;
    // A trailing comment line: the node's range may run past it.
    const lineStart = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(Math.max(lineStart, span.start), end);
    if (lineStart > span.start && /^\s*#/.test(line)) {
      end = lineStart;
      continue;
    }
    return { start: span.start, end };
  }
}

function clampSpan(span: Span, text: string): Span {
  const start = Math.min(span.start, text.length);
  return { start, end: Math.max(start, Math.min(span.end, text.length)) };
}

/**
 * Detects item keys that fell out of their item, written at column 0 under a
 * `- rule:` line as rules pasted from articles often are. Returns the chunk
 * re-indented, so the rest of the item can still be checked, with offsets
 * mapped back to the original text, and the first such key for the report.
 */
function repairIndentation(original: string): { source: string; toText: OffsetMapper; outdented: NonNullable<Segment['outdented']> } | undefined {
  const lines = original.split('\n');
  const firstLine = lines[0] ?? '';
  const keyColumn = firstLine.search(/[^-\s]/);
  const kindMatch = /^-\s+([A-Za-z_][A-Za-z0-9_-]*)\s*:/.exec(firstLine);
  if (keyColumn <= 0 || !kindMatch) return undefined;

  let firstMisplaced: { key: string; offset: number } | undefined;
  let offset = firstLine.length + 1;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const match = KEY_AT_COLUMN0.exec(line);
    if (match && !firstMisplaced) firstMisplaced = { key: match[1]!, offset };
    offset += line.length + 1;
  }
  if (!firstMisplaced) return undefined;

  // Indent every line after the first by keyColumn spaces; remember where text was inserted.
  const padding = ' '.repeat(keyColumn);
  const insertedAt: number[] = [];
  let source = firstLine;
  for (let i = 1; i < lines.length; i++) {
    source += '\n';
    const line = lines[i]!;
    // Only lines that fell to column 0 move; lines already indented keep their place.
    if (line.trim() !== '' && !/^\s/.test(line)) {
      insertedAt.push(source.length);
      source += padding;
    }
    source += line;
  }
  const toText: OffsetMapper = (repaired) => {
    let shift = 0;
    for (const position of insertedAt) {
      if (position + keyColumn <= repaired) shift += keyColumn;
      else if (position <= repaired) return position - shift;
      else break;
    }
    return repaired - shift;
  };
  return { source, toText, outdented: { ...firstMisplaced, kind: kindMatch[1]!, keyColumn } };
}

/** Plain explanations of the YAML errors rules authors meet most, by the `yaml` package's error code. */
const YAML_ERROR_HINTS: Record<string, string> = {
  BAD_INDENT: 'the indentation is inconsistent. Indent every key of an item by the same number of spaces, level with the first key after "- "',
  BLOCK_AS_IMPLICIT_KEY: 'a key is indented deeper than the keys before it, so YAML reads it as part of the previous value. Align it with the other keys of the item, or quote the previous value if it contains ": "',
  MULTILINE_IMPLICIT_KEY: 'a key is indented deeper than the keys before it, or a value contains ": " and needs quotes. Align the key with the other keys of the item',
  MISSING_CHAR: 'a quoted string or a bracket is not closed. Add the closing quote or bracket',
  UNEXPECTED_TOKEN: 'this text does not fit the structure around it, often because of its indentation. Check that it lines up with the keys of its item',
  DUPLICATE_KEY: 'a key appears twice in the same map. Remove one of them',
  TAB_AS_INDENT: 'tabs cannot indent YAML. Use spaces',
  BAD_SCALAR_START: 'a plain value cannot start with this character. Put the value in quotes',
  BAD_DQ_ESCAPE: 'this escape is not valid inside double quotes. Write a backslash as \\\\, or use single quotes',
};

function describeYamlError(code: string, message: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  const withoutPosition = firstLine.replace(/ at line \d+, column \d+:?$/, '');
  const hint = YAML_ERROR_HINTS[code];
  return hint ? `Invalid YAML: ${hint} (${withoutPosition}).` : `Invalid YAML: ${withoutPosition}.`;
}

/** Finds the key on the line after `noticed` when it is indented deeper than that line: the key that is out of place. */
function overIndentedKeySpan(text: string, noticed: Span): Span | undefined {
  const lineStart = text.lastIndexOf('\n', noticed.start - 1) + 1;
  const lineEnd = text.indexOf('\n', noticed.start);
  if (lineEnd === -1) return undefined;
  const indent = /^\s*/.exec(text.slice(lineStart))![0].length;
  const next = /^( *)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:/.exec(text.slice(lineEnd + 1));
  if (!next || next[1]!.length <= indent) return undefined;
  const start = lineEnd + 1 + next[1]!.length;
  return { start, end: start + next[2]!.length };
}

/** Finds the span from an unclosed quote to the end of its line, searching back from where the parser noticed it. */
function unclosedQuoteSpan(text: string, noticed: Span): Span | undefined {
  for (let start = noticed.start - 1; start >= 0; start--) {
    const char = text[start];
    if (char !== '"' && char !== "'") continue;
    // A quote opens a scalar only after a key's colon, a dash, a flow indicator or at the start of a line.
    const before = text.slice(text.lastIndexOf('\n', start - 1) + 1, start).trimEnd();
    if (before !== '' && !/[:\-,[{]$/.test(before)) continue;
    if (text.slice(start + 1, noticed.start).includes(char)) continue;
    const lineEnd = text.indexOf('\n', start);
    return { start, end: lineEnd === -1 ? text.length : lineEnd };
  }
  return undefined;
}

export type { ScalarMap };
