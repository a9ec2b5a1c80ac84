/**
 * Finds where an offset falls inside one item's YAML: under which keys and
 * sequence elements, and whether it is on a key, on a scalar, or at an empty
 * place where a key or a value would go.
 *
 * Nodes the YAML parser produced are located by their spans. Blank lines
 * have no node, so they are placed by indentation as YAML places them. A line
 * indented deeper than a key continues that key's value. A line level with
 * the keys of a map starts a new key of that map.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node as YamlNode, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Span } from '../types';
import type { RulesItem } from '../document/model';

export type PathStep =
  /** Into the value of `key` of a map (the item itself for the first step). */
  | { kind: 'value'; key: string; node: YamlNode | null }
  /** Into element `index` of a sequence; `node` is null for a new element. */
  | { kind: 'element'; index: number; node: YamlNode | null };

export type PathEnd =
  /**
   * On a key of the map the steps lead to: the key under the cursor
   * (`key` and `span` set) or the place of a new key. `present` lists the
   * map's other keys.
   */
  | { kind: 'key'; key?: string; span?: Span; hasColon: boolean; present: string[] }
  /**
   * At a value: on `scalar` when `inside` is true, after it on its lines
   * when false, or at an empty value when `scalar` is absent.
   */
  | { kind: 'value'; scalar?: Scalar; span?: Span; inside: boolean }
  /** A place where YAML allows neither, such as a blank line level with a sequence's dashes. */
  | { kind: 'none' };

export interface ItemPath {
  steps: PathStep[];
  end: PathEnd;
}

interface MapEntry {
  key: string;
  keySpan: Span;
  value: YamlNode | null;
}

/** Locates `offset` inside `item`, whose element must contain the offset or precede it. */
export function locateInItem(text: string, item: RulesItem, offset: number): ItemPath {
  const locator = new Locator(text, item, offset);
  const steps: PathStep[] = [];
  const entries = item.entries.map((entry) => ({ key: entry.key, keySpan: entry.keySpan, value: entry.value }));
  const end = locator.inMap(entries, false, steps);
  return { steps, end };
}

/** Offset of the start of the line that contains `offset`. */
export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Number of blanks that start the line of `offset`, counting only those before `offset`. */
export function indentBefore(text: string, offset: number): number {
  const start = lineStartOf(text, offset);
  let i = start;
  while (i < offset && (text[i] === ' ' || text[i] === '\t')) i++;
  return i - start;
}

class Locator {
  private readonly indent: number;

  constructor(
    private readonly text: string,
    private readonly item: RulesItem,
    private readonly offset: number,
  ) {
    this.indent = indentBefore(text, offset);
  }

  inMap(entries: MapEntry[], flow: boolean, steps: PathStep[]): PathEnd {
    const keys = entries.map((entry) => entry.key);
    const onKey = entries.findIndex((entry) => entry.keySpan.start <= this.offset && this.offset <= entry.keySpan.end);
    if (onKey !== -1) {
      const entry = entries[onKey]!;
      return { kind: 'key', key: entry.key, span: entry.keySpan, hasColon: this.colonFollows(entry.keySpan.end), present: keys.filter((_, i) => i !== onKey) };
    }

    let last: MapEntry | undefined;
    for (const entry of entries) {
      if (entry.keySpan.end < this.offset) last = entry;
    }
    if (last && this.continuesValueOf(last, flow)) {
      steps.push({ kind: 'value', key: last.key, node: last.value });
      return this.inNode(last.value, steps);
    }
    return { kind: 'key', hasColon: false, present: keys };
  }

  private inSeq(seq: YAMLSeq, steps: PathStep[]): PathEnd {
    const items = seq.items as Array<YamlNode | null>;
    const spans = items.map((node) => (node ? this.item.spanOf(node) : undefined));
    const containing = spans.findIndex((span) => span !== undefined && span.start <= this.offset && this.offset <= span.end);
    if (containing !== -1) {
      steps.push({ kind: 'element', index: containing, node: items[containing]! });
      return this.inNode(items[containing]!, steps);
    }
    const before = spans.filter((span) => span !== undefined && span.start < this.offset).length;
    if (seq.flow) {
      steps.push({ kind: 'element', index: before, node: null });
      return { kind: 'value', inside: false };
    }
    // A blank line under a block element whose map it continues.
    const previous = before > 0 ? items[before - 1] : undefined;
    if (previous && isMap(previous) && this.indent >= this.columnOf(this.item.spanOf(previous).start)) {
      steps.push({ kind: 'element', index: before - 1, node: previous });
      return this.inNode(previous, steps);
    }
    return { kind: 'none' };
  }

  private inNode(node: YamlNode | null, steps: PathStep[]): PathEnd {
    if (node && isMap(node)) return this.inMap(this.mapEntries(node), !!node.flow, steps);
    if (node && isSeq(node)) return this.inSeq(node, steps);
    if (node && isScalar(node) && node.value !== null) {
      const span = this.item.spanOf(node);
      const inside = span.start <= this.offset && this.offset <= span.end;
      return { kind: 'value', scalar: node as Scalar, span, inside };
    }
    return { kind: 'value', inside: false };
  }

  private mapEntries(map: YAMLMap): MapEntry[] {
    const entries: MapEntry[] = [];
    for (const pair of map.items as Array<Pair<unknown, unknown>>) {
      const key = pair.key as YamlNode | null;
      if (!key || !isScalar(key)) continue;
      entries.push({ key: String(key.value), keySpan: this.item.spanOf(key), value: (pair.value as YamlNode | null) ?? null });
    }
    return entries;
  }

  /**
   * Tells whether the offset lies in the value of `entry`, the last key
   * before it: on the key's line, or on a later line indented deeper than the
   * key. In a flow map, only before the comma that ends the pair.
   */
  private continuesValueOf(entry: MapEntry, flow: boolean): boolean {
    if (flow) {
      const valueEnd = entry.value ? this.item.spanOf(entry.value).end : entry.keySpan.end;
      return !this.text.slice(Math.max(valueEnd, entry.keySpan.end), this.offset).includes(',');
    }
    if (!this.text.slice(entry.keySpan.end, this.offset).includes('\n')) return true;
    // A blank line inside a block scalar belongs to it whatever its indentation.
    if (entry.value && isScalar(entry.value)) {
      const span = this.item.spanOf(entry.value);
      if (span.start < this.offset && this.offset < span.end) return true;
    }
    return this.indent > this.columnOf(entry.keySpan.start);
  }

  private colonFollows(offset: number): boolean {
    let i = offset;
    while (i < this.text.length && (this.text[i] === ' ' || this.text[i] === '\t')) i++;
    return this.text[i] === ':';
  }

  private columnOf(offset: number): number {
    return offset - lineStartOf(this.text, offset);
  }
}
