/**
 * Finds what a document offset points at: the item, the key, and for
 * condition and output scalars the offset inside the decoded value.
 */
import { isScalar, Scalar } from 'yaml';
import type { ItemEntry, RulesDocument, RulesItem } from '../document/model';
import type { ScalarMap } from '../yaml/scalar-map';
import { valueOffsetAt } from '../yaml/scalar-map';

export interface ScalarLocation {
  item: RulesItem;
  entry: ItemEntry;
  map: ScalarMap;
  /** Offset inside `map.value`. */
  valueOffset: number;
}

export function findItemAt(document: RulesDocument, offset: number): RulesItem | undefined {
  return document.items.find((item) => item.elementSpan.start <= offset && offset <= item.elementSpan.end);
}

/** Returns the last item that starts before `offset`: the item a new key typed at `offset` belongs to. */
export function findItemBefore(document: RulesDocument, offset: number): RulesItem | undefined {
  let found: RulesItem | undefined;
  for (const item of document.items) {
    if (item.elementSpan.start > offset) break;
    found = item;
  }
  return found;
}

/** Returns the scalar value of `item` that contains `offset`, with the offset inside the decoded value. */
export function findScalarAt(item: RulesItem, offset: number): ScalarLocation | undefined {
  for (const entry of item.entries) {
    if (!entry.value || !isScalar(entry.value)) continue;
    if (offset < entry.valueSpan.start || offset > entry.valueSpan.end) continue;
    const map = item.scalar(entry.value as Scalar);
    const valueOffset = valueOffsetAt(map, offset);
    if (valueOffset === undefined) continue;
    return { item, entry, map, valueOffset };
  }
  return undefined;
}

/** Returns the text of the line containing `offset`, up to `offset`. */
export function linePrefix(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return text.slice(lineStart, offset);
}
