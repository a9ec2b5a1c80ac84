/**
 * Structure of rules files: the outline of one document, the named items of
 * the whole program for a workspace-wide search, and folding ranges.
 */
import { isMap, isScalar, isSeq, Scalar } from 'yaml';
import type { Node as YamlNode, YAMLMap } from 'yaml';
import type { Span } from '../types';
import type { ItemEntry, RulesDocument, RulesItem } from '../document/model';
import type { RulesWorkspace } from '../workspace';
import { DEFAULT_RULES_URI } from '../workspace';
import { toDocumentSpan } from '../yaml/scalar-map';
import { parseYamlCppBool, scalarText } from '../checks/structure';

export type RulesSymbolKind = 'rule' | 'macro' | 'list' | 'required_engine_version' | 'required_plugin_versions' | 'exception' | 'plugin';

export interface RulesSymbol {
  name: string;
  kind: RulesSymbolKind;
  /** A short summary: a rule's priority, a macro's condition, a list's length, a requirement's version. */
  detail?: string;
  /** The whole item from its `- `, without trailing blanks. */
  span: Span;
  /** The name text; the key for items without a name. */
  selectionSpan: Span;
  children: RulesSymbol[];
}

export interface WorkspaceSymbol {
  name: string;
  kind: 'rule' | 'macro' | 'list';
  uri: string;
  /** The name text. */
  span: Span;
  /** The file name, to tell items of the same name apart. */
  containerName: string;
}

export interface FoldingRange {
  /** From the first character of the first line to fold to the last character of the last. */
  span: Span;
}

const DETAIL_MAX = 60;

/** Returns the items of a document in file order, with exceptions under their rule and plugins under `required_plugin_versions`. */
export function documentSymbols(document: RulesDocument): RulesSymbol[] {
  const symbols: RulesSymbol[] = [];
  for (const item of document.items) {
    if (item.kind === undefined) continue;
    const span = trimEnd(document.text, item.elementSpan);
    const keySpan = item.get(item.kind)!.keySpan;
    if (item.kind === 'required_engine_version' || item.kind === 'required_plugin_versions') {
      const entry = item.get(item.kind)!;
      const version = scalarText(item, entry.value);
      symbols.push({
        name: item.kind,
        kind: item.kind,
        ...(version !== undefined ? { detail: version } : {}),
        span,
        selectionSpan: keySpan,
        children: item.kind === 'required_plugin_versions' ? pluginSymbols(document, item, entry) : [],
      });
      continue;
    }
    const detail = itemDetail(item);
    symbols.push({
      name: item.name ?? `(unnamed ${item.kind})`,
      kind: item.kind,
      ...(detail ? { detail } : {}),
      span,
      selectionSpan: item.name !== undefined ? nameTextSpan(item) : keySpan,
      children: item.kind === 'rule' ? exceptionSymbols(document, item) : [],
    });
  }
  return symbols;
}

function itemDetail(item: RulesItem): string | undefined {
  const parts: string[] = [];
  const update = updateWord(item);
  if (update) parts.push(update);
  if (item.kind === 'rule') {
    const priority = scalarText(item, item.get('priority')?.value);
    const source = scalarText(item, item.get('source')?.value);
    const enabledText = scalarText(item, item.get('enabled')?.value);
    const enabled = enabledText === undefined ? undefined : parseYamlCppBool(enabledText);
    if (priority) parts.push(priority);
    if (source && source !== 'syscall') parts.push(`source: ${source}`);
    // An item with only `enabled` turns an earlier rule on; elsewhere `enabled: true` is the default.
    if (enabled === false) parts.push('disabled');
    else if (enabled === true && !item.get('condition')) parts.push('enabled');
  } else if (item.kind === 'macro') {
    const condition = scalarText(item, item.get('condition')?.value);
    if (condition) parts.push(shorten(condition));
  } else if (item.kind === 'list') {
    const items = item.get('items')?.value;
    if (items && isSeq(items)) parts.push(items.items.length === 1 ? '1 item' : `${items.items.length} items`);
  }
  return parts.length ? parts.join(', ') : undefined;
}

/** `override` or `append` for items that change an earlier one. */
function updateWord(item: RulesItem): string | undefined {
  if (item.get('override')) return 'override';
  const append = scalarText(item, item.get('append')?.value);
  return append !== undefined && parseYamlCppBool(append) === true ? 'append' : undefined;
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > DETAIL_MAX ? `${oneLine.slice(0, DETAIL_MAX - 1)}…` : oneLine;
}

function exceptionSymbols(document: RulesDocument, item: RulesItem): RulesSymbol[] {
  const exceptions = item.get('exceptions')?.value;
  if (!exceptions || !isSeq(exceptions)) return [];
  const symbols: RulesSymbol[] = [];
  for (const node of exceptions.items) {
    if (!isMap(node)) continue;
    const span = trimEnd(document.text, item.spanOf(node as YamlNode));
    const nameNode = valueOf(node, 'name');
    const name = nameNode && isScalar(nameNode) ? item.scalarValue(nameNode) : '';
    const fields = valueOf(node, 'fields');
    let fieldsText = '';
    if (fields && isScalar(fields)) fieldsText = item.scalarValue(fields);
    else if (fields && isSeq(fields)) fieldsText = fields.items.map((f) => (isScalar(f) ? item.scalarValue(f) : '')).join(', ');
    symbols.push({
      name: name || '(unnamed exception)',
      kind: 'exception',
      ...(fieldsText ? { detail: fieldsText } : {}),
      span,
      selectionSpan: name && nameNode && isScalar(nameNode) ? textSpanOf(item, nameNode) : { start: span.start, end: span.start },
      children: [],
    });
  }
  return symbols;
}

function pluginSymbols(document: RulesDocument, item: RulesItem, entry: ItemEntry): RulesSymbol[] {
  if (!entry.value || !isSeq(entry.value)) return [];
  const symbols: RulesSymbol[] = [];
  for (const node of entry.value.items) {
    if (!isMap(node)) continue;
    const nameNode = valueOf(node, 'name');
    if (!nameNode || !isScalar(nameNode) || item.scalarValue(nameNode) === '') continue;
    const version = valueOf(node, 'version');
    symbols.push({
      name: item.scalarValue(nameNode),
      kind: 'plugin',
      ...(version && isScalar(version) ? { detail: item.scalarValue(version) } : {}),
      span: trimEnd(document.text, item.spanOf(node as YamlNode)),
      selectionSpan: textSpanOf(item, nameNode),
      children: [],
    });
  }
  return symbols;
}

/**
 * Returns the named rules, macros and lists of every file the program loads
 * (the user's files and the bundled default ruleset) whose name matches
 * `query`. A name matches when it contains the query's characters in order,
 * ignoring case. Exact and prefix matches come first, then matches at a word
 * start, then other substrings, then scattered characters. An empty query
 * matches every name.
 */
export function workspaceSymbols(workspace: RulesWorkspace, query: string): WorkspaceSymbol[] {
  const needle = query.trim().toLowerCase();
  const scored: Array<{ symbol: WorkspaceSymbol; score: number; fileIndex: number }> = [];
  workspace.getProgram().files.forEach((file, fileIndex) => {
    const uri = file.document.uri;
    for (const item of file.document.items) {
      if (item.name === undefined || (item.kind !== 'rule' && item.kind !== 'macro' && item.kind !== 'list')) continue;
      const score = matchScore(item.name.toLowerCase(), needle);
      if (score === undefined) continue;
      scored.push({ symbol: { name: item.name, kind: item.kind, uri, span: nameTextSpan(item), containerName: fileName(uri) }, score, fileIndex });
    }
  });
  // The user's files load after the bundled ruleset, and come first among equal matches.
  scored.sort((a, b) => a.score - b.score || b.fileIndex - a.fileIndex || compareText(a.symbol.name, b.symbol.name));
  return scored.map((s) => s.symbol);
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Scores a match, lower for better ones; undefined when `name` does not match. */
function matchScore(name: string, needle: string): number | undefined {
  if (needle === '' || name === needle) return 0;
  if (name.startsWith(needle)) return 1;
  if (name.includes(needle)) return matchesAtWordStart(name, needle) ? 2 : 3;
  let position = 0;
  for (const ch of needle) {
    position = name.indexOf(ch, position);
    if (position === -1) return undefined;
    position++;
  }
  return 4;
}

function matchesAtWordStart(name: string, needle: string): boolean {
  for (let at = name.indexOf(needle); at !== -1; at = name.indexOf(needle, at + 1)) {
    if (at === 0 || /[\s_\-.:/]/.test(name.charAt(at - 1))) return true;
  }
  return false;
}

/** Returns one range per multi-line item, per multi-line entry (condition, output, exceptions, ...) and per multi-line exception. */
export function foldingRanges(document: RulesDocument): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  const add = (span: Span) => {
    const trimmed = trimEnd(document.text, span);
    if (document.text.slice(trimmed.start, trimmed.end).includes('\n')) ranges.push({ span: trimmed });
  };
  for (const item of document.items) {
    add(item.elementSpan);
    for (const entry of item.entries) {
      add({ start: entry.keySpan.start, end: entry.valueSpan.end });
      if (entry.key === 'exceptions' && entry.value && isSeq(entry.value)) {
        for (const exception of entry.value.items) if (isMap(exception)) add(item.spanOf(exception as YamlNode));
      }
    }
  }
  return ranges;
}

/** Returns the name text of a named item, YAML quotes excluded. */
function nameTextSpan(item: RulesItem): Span {
  const node = item.kind ? item.get(item.kind)?.value : undefined;
  return node && isScalar(node) ? textSpanOf(item, node as Scalar) : item.nameSpan ?? item.span;
}

/** Returns the text of a scalar without its YAML quotes, or the whole node when its offsets are inexact. */
function textSpanOf(item: RulesItem, node: Scalar): Span {
  const map = item.scalar(node);
  return map.exact ? toDocumentSpan(map, { start: 0, end: map.value.length }) : item.spanOf(node);
}

function valueOf(map: YAMLMap, key: string): YamlNode | undefined {
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  return (pair?.value as YamlNode | null | undefined) ?? undefined;
}

function trimEnd(text: string, span: Span): Span {
  let end = span.end;
  while (end > span.start && /\s/.test(text.charAt(end - 1))) end--;
  return { start: span.start, end };
}

function fileName(uri: string): string {
  if (uri === DEFAULT_RULES_URI) return 'falco_rules.yaml (bundled)';
  const name = uri.slice(uri.lastIndexOf('/') + 1) || uri;
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
