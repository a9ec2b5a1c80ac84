/**
 * A light reading of rules files that are indexed rather than open.
 *
 * Workspace files that the editor has not opened only lend their macros,
 * lists and rules to the open ones, so parsing each of them into YAML nodes
 * costs time and memory for nothing. This reader finds each item's kind,
 * name and ranges, whether it changes an earlier definition, and the words
 * its condition uses, with a line scan. The YAML nodes of an item are parsed
 * on first use, and only a bounded number are kept.
 * An item the scan cannot read with certainty is parsed at once.
 */
import type { Node as YamlNode, Scalar, YAMLMap } from 'yaml';
import type { Span } from '../types';
import type { Chunk } from './chunks';
import { splitIntoChunks } from './chunks';
import { chunkReader, ITEM_KINDS } from './model';
import type { ItemEntry, ItemKind, ItemSummary, RulesDocument, RulesItem } from './model';
import type { ScalarMap } from '../yaml/scalar-map';
import { fileSizeDiagnostic, resolveLimits } from '../limits';
import { parseYamlCppBool } from '../checks/structure';
import type { Limits } from '../limits';

/** How many parsed items of indexed files stay in memory. */
const PARSED_ITEMS_KEPT = 2000;

/** Reads a rules file for the index. Never throws. A file over the size limit lends nothing. */
export function indexRulesDocument(uri: string, text: string, limits?: Partial<Limits>): RulesDocument {
  const document: RulesDocument = { uri, text, items: [], problems: [], chunks: [], indexed: true };
  const resolved = resolveLimits(limits);
  const tooLarge = fileSizeDiagnostic(text, resolved);
  if (tooLarge) {
    document.problems.push(tooLarge);
    document.tooLarge = true;
    return document;
  }
  const readFully = chunkReader(document, undefined, resolved);
  for (const chunk of splitIntoChunks(text)) {
    if (chunk.kind === 'trivia') continue;
    const facts = chunk.kind === 'item' ? scanItem(text, chunk) : undefined;
    if (facts) document.items.push(new LazyItem(document, chunk, facts, document.items.length));
    else readFully(chunk);
  }
  return document;
}

interface ScannedItem {
  kind: ItemKind;
  name?: string;
  nameSpan?: Span;
  span: Span;
  elementStart: number;
  summary: ItemSummary;
}

interface KeyBlock {
  key: string;
  /** The text after the colon on the key's line. */
  inline: string;
  /** Offset of `inline` in the file. */
  inlineStart: number;
  /** The key's line and the lines under it, as written. */
  text: string;
}

const FIRST_LINE = /^-([ ]+)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(?=[ \t]|$)/;
const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(?=[ \t]|$)/;
const WORD = /[A-Za-z_][A-Za-z0-9_.:\-/*]*/g;

/**
 * Reads an item chunk's keys from its lines. Returns undefined for anything
 * but a plain block map whose kind key has a one-line name, so that the
 * caller parses those items instead.
 */
function scanItem(text: string, chunk: Chunk): ScannedItem | undefined {
  const blocks: KeyBlock[] = [];
  let lineStart = chunk.start;
  let contentEnd = chunk.start;
  let keyColumn = -1;
  while (lineStart < chunk.end) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1 || lineEnd > chunk.end) lineEnd = chunk.end;
    const next = lineEnd + 1;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    if (keyColumn === -1) {
      const first = FIRST_LINE.exec(line);
      if (!first) return undefined;
      keyColumn = 1 + first[1]!.length;
      const afterColon = line.indexOf(':', keyColumn) + 1;
      blocks.push({ key: first[2]!, inline: line.slice(afterColon), inlineStart: lineStart + afterColon, text: line });
      contentEnd = lineStart + line.trimEnd().length;
    } else {
      const trimmed = line.trimStart();
      const indent = line.length - trimmed.length;
      if (trimmed === '' || trimmed.startsWith('#')) {
        // A blank or comment line: part of whatever block it sits in.
        blocks[blocks.length - 1]!.text += `\n${line}`;
      } else {
        if (line.slice(0, indent).includes('\t') || indent < keyColumn) return undefined;
        const key = indent === keyColumn ? KEY_LINE.exec(trimmed) : null;
        if (key) {
          const afterColon = lineStart + indent + trimmed.indexOf(':') + 1;
          blocks.push({ key: key[1]!, inline: text.slice(afterColon, lineStart + line.length), inlineStart: afterColon, text: line });
        } else if (indent > keyColumn || trimmed.startsWith('- ') || trimmed === '-' || trimmed.startsWith(']') || trimmed.startsWith('}')) {
          blocks[blocks.length - 1]!.text += `\n${line}`;
        } else {
          return undefined;
        }
        contentEnd = lineStart + line.trimEnd().length;
      }
    }
    lineStart = next;
  }

  const keys = new Map<string, KeyBlock>();
  for (const block of blocks) {
    // A repeated key: leave the choice of entry to the parser.
    if (keys.has(block.key)) return undefined;
    keys.set(block.key, block);
  }
  const kind = ITEM_KINDS.find((k) => keys.has(k));
  if (!kind) return undefined;

  const item: ScannedItem = {
    kind,
    span: { start: chunk.start + keyColumn, end: contentEnd },
    elementStart: chunk.start,
    summary: { isUpdate: false, words: [] },
  };
  if (kind === 'rule' || kind === 'macro' || kind === 'list') {
    const nameBlock = keys.get(kind)!;
    // A name continued on the next lines, or a block scalar, needs the parser.
    if (nameBlock.text.includes('\n') && nameBlock.text.split('\n').slice(1).some((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))) return undefined;
    const name = readOneLineScalar(nameBlock.inline);
    if (name === undefined) return undefined;
    if (name.value !== '') {
      item.name = name.value;
      item.nameSpan = { start: nameBlock.inlineStart + name.start, end: nameBlock.inlineStart + name.end };
    }
  }

  const append = keys.get('append');
  let appends = false;
  if (append) {
    const value = readOneLineScalar(append.inline);
    if (value === undefined) return undefined;
    appends = parseYamlCppBool(value.value) === true;
  }
  item.summary.isUpdate = kind === 'rule' ? keys.has('override') || appends || !keys.has('condition') : keys.has('override') || appends;

  const wordKeys = kind === 'list' ? ['items'] : ['condition', 'exceptions'];
  const words = new Set<string>();
  for (const key of wordKeys) {
    const block = keys.get(key);
    if (!block) continue;
    for (const match of block.text.slice(block.text.indexOf(':') + 1).matchAll(WORD)) words.add(match[0]);
  }
  item.summary.words = [...words];
  return item;
}

/**
 * Reads the value after a key's colon when it is a plain or quoted scalar
 * on the same line; undefined for anything else. Offsets are within `inline`.
 */
function readOneLineScalar(inline: string): { value: string; start: number; end: number } | undefined {
  const start = inline.length - inline.trimStart().length;
  const rest = inline.slice(start);
  if (rest === '' || rest.startsWith('#')) return { value: '', start, end: start };
  const quote = rest[0];
  if (quote === '"' || quote === "'") {
    const close = rest.indexOf(quote, 1);
    if (close === -1) return undefined;
    const inner = rest.slice(1, close);
    // Escapes and doubled quotes need the parser's decoding.
    if (inner.includes('\\') || rest[close + 1] === quote) return undefined;
    const after = rest.slice(close + 1).trim();
    if (after !== '' && !after.startsWith('#')) return undefined;
    return { value: inner, start, end: start + close + 1 };
  }
  if (/^[&*!|>%@`{[\]},?:-]/.test(rest) && !/^-[^\s]/.test(rest) && !/^[?:][^\s]/.test(rest)) return undefined;
  const comment = rest.search(/[ \t]#/);
  const value = (comment === -1 ? rest : rest.slice(0, comment)).trimEnd();
  if (/:[ \t]|:$/.test(value)) return undefined;
  return { value, start, end: start + value.length };
}

/** Parsed items of indexed files, least recently used first. */
const parsedItems = new Map<LazyItem, RulesItem>();

/** An item of an indexed file whose YAML nodes are parsed on demand. */
class LazyItem implements RulesItem {
  readonly kind: ItemKind;
  readonly span: Span;
  readonly elementSpan: Span;
  readonly name?: string;
  readonly nameSpan?: Span;
  readonly documentIndex: number;
  readonly summary: ItemSummary;

  constructor(
    private readonly document: RulesDocument,
    private readonly chunk: Chunk,
    scanned: ScannedItem,
    readonly index: number,
  ) {
    this.kind = scanned.kind;
    this.span = scanned.span;
    this.elementSpan = { start: scanned.elementStart, end: scanned.span.end };
    if (scanned.name !== undefined) {
      this.name = scanned.name;
      this.nameSpan = scanned.nameSpan!;
    }
    this.documentIndex = chunk.documentIndex;
    this.summary = scanned.summary;
  }

  get key(): object {
    return this;
  }

  get node(): YAMLMap {
    return this.parsed().node;
  }

  get entries(): ItemEntry[] {
    return this.parsed().entries;
  }

  get hasSyntaxErrors(): boolean {
    return this.parsed().hasSyntaxErrors;
  }

  get(key: string): ItemEntry | undefined {
    return this.parsed().get(key);
  }

  scalar(node: Scalar): ScalarMap {
    return this.parsed().scalar(node);
  }

  scalarValue(node: Scalar): string {
    return this.parsed().scalarValue(node);
  }

  spanOf(node: YamlNode): Span {
    return this.parsed().spanOf(node);
  }

  private parsed(): RulesItem {
    let item = parsedItems.get(this);
    if (item) {
      parsedItems.delete(this);
    } else {
      const scratch: RulesDocument = { uri: this.document.uri, text: this.document.text, items: [], problems: [], chunks: [] };
      chunkReader(scratch)(this.chunk);
      item = scratch.items[0] ?? emptyItem(this);
      if (parsedItems.size >= PARSED_ITEMS_KEPT) parsedItems.delete(parsedItems.keys().next().value!);
    }
    parsedItems.set(this, item);
    return item;
  }
}

/** Stands in for an item the scan read but the parser did not (which the scan's rules should rule out). */
function emptyItem(lazy: LazyItem): RulesItem {
  const node = { items: [] } as unknown as YAMLMap;
  return {
    kind: lazy.kind,
    node,
    key: lazy,
    span: lazy.span,
    elementSpan: lazy.elementSpan,
    entries: [],
    hasSyntaxErrors: true,
    documentIndex: lazy.documentIndex,
    index: lazy.index,
    get: () => undefined,
    scalar: (scalarNode) => ({ value: String(scalarNode.value), offsets: [], exact: false }),
    scalarValue: (scalarNode) => String(scalarNode.value),
    spanOf: () => lazy.span,
  };
}
