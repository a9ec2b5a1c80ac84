/**
 * `lint --format falco-json`: the document that `falco -V FILE... -o json_output=true`
 * prints, built from the diagnostics of the language core.
 *
 * Falco records at most one error per file. Its reader stops at a file's first
 * error, and its compiler stops at the first error of the whole collection
 * (falco userspace/engine/rule_loader_reader.cpp and rule_loader_compiler.cpp,
 * Falco 0.44). This module replays that order over our diagnostics: it keeps
 * only LOAD_* codes, picks the error Falco reaches first and keeps the warnings
 * Falco emits before it stops. Messages are ours; codes, item types, positions
 * and snippets follow Falco (rule_loader.cpp `context` and `result::as_json`).
 *
 * Files load into one collection, as Falco's -V loads them: compiling a file
 * recompiles everything loaded so far, so a compile error or warning of an
 * earlier file appears again in the results of later files. Items of the
 * bundled default ruleset take part in that collection, but warnings about
 * them are left out, because the user did not name that file.
 */
import { describeReadError, readRulesFile } from './files';
import { resolve } from 'node:path';
import { isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Node as YamlNode, Scalar } from 'yaml';
import { RulesWorkspace } from '../core/workspace';
import { DIAGNOSTIC_CODES } from '../core/codes';
import type { WorkspaceOptions } from '../core/workspace';
import { validateSchema } from '../core/checks/schema';
import type { Diagnostic } from '../core/types';
import type { ItemEntry, ItemKind, RulesDocument, RulesItem, ScalarMap } from '../core/document/model';
import type { ConditionParseResult, Expr } from '../core/condition/ast';
import { parseCondition } from '../core/condition/parser';
import { toDocumentSpan, valueOffsetAt } from '../core/yaml/scalar-map';
import { isRuleUpdate, parseYamlCppBool, scalarText } from '../core/checks/structure';

// ---------------------------------------------------------------------------
// Falco's tables (falco userspace/engine/falco_load_result.cpp)

const FALCO_CODES = Object.entries(DIAGNOSTIC_CODES).flatMap(([code, info]) => (info.falco ? [{ code, ...info.falco }] : []));

/**
 * Short texts of the error codes. Falco writes these into `codedesc` of errors
 * although the field is meant for the long description: its `error_desc`
 * returns the short table.
 */
const ERROR_TEXTS: Record<string, string> = Object.fromEntries(FALCO_CODES.filter((c) => c.code.startsWith('LOAD_ERR_')).map((c) => [c.code, c.text]));

/** Long descriptions of the warning codes, which warnings carry in `codedesc`. */
const WARNING_DESCRIPTIONS: Record<string, string> = Object.fromEntries(FALCO_CODES.filter((c) => !c.code.startsWith('LOAD_ERR_')).map((c) => [c.code, c.description]));

/** Fields Falco reports as deprecated, in the order of its enum (which orders its warnings). */
const DEPRECATED_FIELDS = ['evt.dir', 'evt.latency', 'evt.latency.s', 'evt.latency.ns', 'evt.latency.human', 'evt.wait_latency'];

/** Warnings the reader emits; the other warning codes come from the compiler. */
const READ_WARNINGS = new Set(['LOAD_UNKNOWN_KEY', 'LOAD_UNKNOWN_ITEM', 'LOAD_INVALID_MACRO_NAME', 'LOAD_INVALID_LIST_NAME', 'LOAD_EXCEPTION_NAME_NOT_UNIQUE', 'LOAD_APPEND_NO_VALUES', 'LOAD_UNKNOWN_SOURCE']);

/** Order in which the reader decodes each kind's keys; its first failure is the one reported. */
const READ_ORDER: Record<ItemKind, string[]> = {
  rule: ['rule', 'append', 'override', 'condition', 'output', 'desc', 'priority', 'source', 'enabled', 'capture', 'capture_duration', 'warn_evttypes', 'skip-if-unknown-filter', 'tags', 'exceptions'],
  macro: ['macro', 'condition', 'append', 'override'],
  list: ['list', 'items', 'append', 'override'],
  required_engine_version: ['required_engine_version'],
  required_plugin_versions: ['required_plugin_versions'],
};
/** Read rank of the collector step that follows the keys (append targets, sources). */
const RANK_DEFINE = 900;
/** Read rank of the unknown-key warnings, which the reader emits after the item is collected. */
const RANK_UNKNOWN_KEYS = 1000;

const ITEM_TYPES: Record<ItemKind, string> = {
  rule: 'rule',
  macro: 'macro',
  list: 'list',
  required_engine_version: 'required_engine_version',
  required_plugin_versions: 'required plugin versions',
};

/** Maximum length of a snippet line, in bytes (rule_loader.h `default_snippet_width`). */
const SNIPPET_WIDTH = 160;

// ---------------------------------------------------------------------------
// The JSON document

export interface FalcoPosition {
  /** The file name, or for a condition expression the condition's first 20 bytes in quotes. */
  name: string;
  /** 0-based line of a YAML mark (plus a 1-based parser line inside conditions). */
  line: number;
  /** 0-based column in bytes of a YAML mark (plus a 1-based parser column inside conditions). */
  column: number;
  /** 0-based byte offset. */
  offset: number;
}

export interface FalcoLocation {
  item_type: string;
  item_name: string;
  position: FalcoPosition;
}

export interface FalcoLoadEntry {
  code: string;
  /** Short text for errors, long description for warnings (as Falco writes them). */
  codedesc: string;
  message: string;
  context: { locations: FalcoLocation[]; snippet: string };
  /** Only on warnings about a deprecated field. */
  deprecated_field?: string;
}

export interface FalcoLoadResult {
  name: string;
  successful: boolean;
  /** Absent when the file could not be parsed as YAML, as in Falco. */
  schema_valid?: boolean;
  schema_warnings?: string[];
  errors: FalcoLoadEntry[];
  warnings: FalcoLoadEntry[];
}

export interface FalcoLoadResults {
  falco_load_results: FalcoLoadResult[];
}

// ---------------------------------------------------------------------------
// Public entry points

/**
 * Builds Falco's load results for `paths`, in order. Each path's document is
 * the workspace file whose URI is the resolved path. A path in `readErrors`,
 * or one missing from the workspace, gets a LOAD_ERR_FILE_READ result.
 */
export function buildFalcoLoadResults(workspace: RulesWorkspace, paths: readonly string[], readErrors: ReadonlyMap<string, string> = new Map()): FalcoLoadResults {
  parseCache.clear();
  const collection: Loaded[] = [];
  for (const file of workspace.getProgram().files) {
    if (file.reportDiagnostics) continue;
    const source = new SourceFile(file.document.uri, file.document, [], false);
    for (const item of file.document.items) collection.push({ file: source, item });
  }

  const results: FalcoLoadResult[] = [];
  for (const path of paths) {
    const document = readErrors.has(path) ? undefined : workspace.getDocument(resolve(path));
    if (!document) {
      results.push(readErrorResult(path, readErrors.get(path) ?? `Cannot read '${path}'. Check that it is a readable file.`));
      continue;
    }
    try {
      results.push(loadFile(new SourceFile(path, document, workspace.diagnostics(document.uri), true), collection));
    } catch (error) {
      results.push(internalErrorResult(path, error));
    }
  }
  return { falco_load_results: results };
}

/** Serializes like Falco's nlohmann::json `dump()`: one line, object keys sorted. */
export function formatFalcoJson(results: FalcoLoadResults): string {
  return JSON.stringify(sortKeys(results));
}

/** The CLI options that `lint --format falco-json` uses. */
export interface FalcoJsonOptions extends Pick<WorkspaceOptions, 'useDefaultRules' | 'engineVersion' | 'plugins' | 'limits'> {
  paths: readonly string[];
}

/**
 * Runs `lint --format falco-json`: reads the files, prints the document and
 * returns the exit status (1 when a file has an error). `expandPaths` is the
 * CLI's folder expansion.
 */
export function runFalcoJsonLint(options: FalcoJsonOptions, expandPaths: (paths: string[], unreadable: Array<{ file: string; message: string }>) => string[]): number {
  const { paths, useDefaultRules, engineVersion, plugins, limits } = options;
  const workspace = new RulesWorkspace({
    ...(limits !== undefined ? { limits } : {}),
    ...(useDefaultRules !== undefined ? { useDefaultRules } : {}),
    ...(engineVersion !== undefined ? { engineVersion } : {}),
    ...(plugins !== undefined ? { plugins } : {}),
  });
  const files: string[] = [];
  const readErrors = new Map<string, string>();
  const seen = new Set<string>();
  for (const path of paths) {
    // One path at a time, so that unreadable paths keep their place in the results.
    const unreadable: Array<{ file: string; message: string }> = [];
    const expanded = expandPaths([path], unreadable);
    for (const { file, message } of unreadable) {
      files.push(file);
      readErrors.set(file, message);
    }
    for (const file of expanded) {
      const uri = resolve(file);
      if (seen.has(uri)) continue;
      seen.add(uri);
      files.push(file);
      try {
        const document = workspace.setFile(uri, readRulesFile(file));
        // Falco would read the file, but it was not checked, so it cannot count as loaded.
        if (document.tooLarge) readErrors.set(file, document.problems[0]!.message);
      } catch (error) {
        readErrors.set(file, describeReadError(file, error));
      }
    }
  }

  const results = buildFalcoLoadResults(workspace, files, readErrors);
  process.stdout.write(`${formatFalcoJson(results)}\n`);
  return results.falco_load_results.some((r) => !r.successful) ? 1 : 0;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const child = (value as Record<string, unknown>)[key];
    if (child !== undefined) sorted[key] = sortKeys(child);
  }
  return sorted;
}

// ---------------------------------------------------------------------------
// Files, marks and snippets

/** A YAML mark as yaml-cpp counts it: 0-based line, column in bytes, byte offset. */
interface Mark {
  line: number;
  column: number;
  offset: number;
}

/** One loaded file with its diagnostics, grouped by the item they belong to. */
class SourceFile {
  readonly itemDiagnostics = new Map<RulesItem, Diagnostic[]>();
  /** Diagnostics outside every item: YAML errors and the file's shape. */
  readonly documentDiagnostics: Diagnostic[] = [];
  private lineStarts: number[] | undefined;
  private lineByteStarts: number[] | undefined;
  private buffer: Buffer | undefined;

  constructor(
    /** The name Falco prints: the path as given. */
    readonly name: string,
    readonly document: RulesDocument,
    diagnostics: readonly Diagnostic[],
    /** False for the bundled default ruleset, whose warnings are not printed. */
    readonly reported: boolean,
  ) {
    const items = document.items;
    for (const diagnostic of diagnostics) {
      const owner = items.find((item) => item.elementSpan.start <= diagnostic.span.start && diagnostic.span.start <= item.elementSpan.end);
      if (!owner) {
        this.documentDiagnostics.push(diagnostic);
        continue;
      }
      const list = this.itemDiagnostics.get(owner) ?? [];
      list.push(diagnostic);
      this.itemDiagnostics.set(owner, list);
    }
  }

  get bytes(): Buffer {
    this.buffer ??= Buffer.from(this.document.text, 'utf8');
    return this.buffer;
  }

  diagnosticsOf(item: RulesItem): readonly Diagnostic[] {
    return this.itemDiagnostics.get(item) ?? [];
  }

  /** Returns the yaml-cpp mark of the character at UTF-16 `offset`. yaml-cpp counts only `\n` as a line break. */
  mark(offset: number): Mark {
    const text = this.document.text;
    if (!this.lineStarts || !this.lineByteStarts) {
      this.lineStarts = [0];
      this.lineByteStarts = [0];
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
        const previous = this.lineStarts[this.lineStarts.length - 1]!;
        this.lineByteStarts.push(this.lineByteStarts[this.lineByteStarts.length - 1]! + Buffer.byteLength(text.slice(previous, i + 1), 'utf8'));
        this.lineStarts.push(i + 1);
      }
    }
    const clamped = Math.max(0, Math.min(offset, text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle]! <= clamped) low = middle;
      else high = middle - 1;
    }
    const column = Buffer.byteLength(text.slice(this.lineStarts[low]!, clamped), 'utf8');
    return { line: low, column, offset: this.lineByteStarts[low]! + column };
  }
}

function location(itemType: string, itemName: string, name: string, mark: Mark): FalcoLocation {
  return { item_type: itemType, item_name: itemName, position: { name, line: mark.line, column: mark.column, offset: mark.offset } };
}

function rulesContent(file: SourceFile): FalcoLocation {
  return location('rules content', '', file.name, { line: 0, column: 0, offset: 0 });
}

/**
 * Cuts the line of `content` around byte `position` and puts a caret under
 * it, as Falco's `context::snippet` does: at most half the width on each side,
 * `...` where the line was cut. A position past the end moves back to the
 * last character.
 */
function snippet(content: Buffer, position: number): string {
  if (content.length === 0) return '<No context available>\n';
  const half = SNIPPET_WIDTH / 2;
  let pos = Math.max(0, position);
  while (pos > 0 && (pos >= content.length || content[pos] === 0x0a)) pos--;
  let from = pos;
  while (from > 0 && content[from] !== 0x0a && pos - from < half) from--;
  let to = pos;
  while (to < content.length - 1 && content[to] !== 0x0a && to - pos < half) to++;
  if (content[from] === 0x0a) from++;
  if (content[to] === 0x0a) to--;
  if (to < from) return '<No context available>\n';

  const line = Buffer.from(content.subarray(from, to + 1));
  if (pos - from >= half) line.write('...', 0, 'latin1');
  if (to - pos >= half) line.write('...', line.length - 3, 'latin1');
  let result = `${line.toString('utf8')}\n`;
  if (pos - from <= to - from + 1) result += `${' '.repeat(pos - from)}^\n`;
  return result;
}

// ---------------------------------------------------------------------------
// Reports: one error or warning with its Falco context

interface Report {
  code: string;
  message: string;
  locations: FalcoLocation[];
  snippet: string;
  deprecatedField?: string;
}

function toEntry(report: Report, isError: boolean): FalcoLoadEntry {
  return {
    code: report.code,
    codedesc: (isError ? ERROR_TEXTS[report.code] : WARNING_DESCRIPTIONS[report.code]) ?? '',
    message: report.message,
    context: { locations: report.locations, snippet: report.snippet },
    ...(report.deprecatedField !== undefined ? { deprecated_field: report.deprecatedField } : {}),
  };
}

/** Builds a report whose context ends at a node of the file, so its snippet is the file's line there. */
function fileReport(file: SourceFile, code: string, message: string, locations: FalcoLocation[], deprecatedField?: string): Report {
  const last = locations[locations.length - 1]!;
  return { code, message, locations, snippet: snippet(file.bytes, last.position.offset), ...(deprecatedField !== undefined ? { deprecatedField } : {}) };
}

function readErrorResult(name: string, message: string): FalcoLoadResult {
  // Falco stops without printing JSON when a file cannot be read; we report it as that file's error.
  const report: Report = { code: 'LOAD_ERR_FILE_READ', message, locations: [location('rules content', '', name, { line: 0, column: 0, offset: 0 })], snippet: `<No context for file + ${name}>\n` };
  return { name, successful: false, errors: [toEntry(report, true)], warnings: [] };
}

function internalErrorResult(name: string, error: unknown): FalcoLoadResult {
  const report: Report = {
    code: 'LOAD_ERR_VALIDATE',
    message: `The checker failed on this file: ${String(error)}. Please report this with the file.`,
    locations: [location('rules content', '', name, { line: 0, column: 0, offset: 0 })],
    snippet: `<No context for file + ${name}>\n`,
  };
  return { name, successful: false, errors: [toEntry(report, true)], warnings: [] };
}

// ---------------------------------------------------------------------------
// Classifying diagnostics

function isFalcoError(d: Diagnostic): boolean {
  return d.severity === 'error' && d.code.startsWith('LOAD_ERR_');
}

function isFalcoWarning(d: Diagnostic): boolean {
  return d.severity === 'warning' && Object.hasOwn(WARNING_DESCRIPTIONS, d.code);
}

/** True when `d` starts inside the value of `entry`. */
function isInValue(d: Diagnostic, entry: ItemEntry | undefined): boolean {
  return !!entry && entry.value !== null && entry.valueSpan.start <= d.span.start && d.span.start <= entry.valueSpan.end;
}

function conditionEntry(item: RulesItem): ItemEntry | undefined {
  return item.kind === 'rule' || item.kind === 'macro' ? item.get('condition') : undefined;
}

function outputEntry(item: RulesItem): ItemEntry | undefined {
  return item.kind === 'rule' ? item.get('output') : undefined;
}

function exceptionsEntry(item: RulesItem): ItemEntry | undefined {
  return item.kind === 'rule' ? item.get('exceptions') : undefined;
}

/** Returns true for the exception errors that the compiler raises while it pastes exceptions into the condition (`build_rule_exception_infos`). */
function isExceptionBuildError(d: Diagnostic): boolean {
  // NOTE: distinguished from the collector's LOAD_ERR_VALIDATE checks by the message, which starts with Falco's own text.
  return d.code === 'LOAD_ERR_VALIDATE' && /^(?:Expected values array|Fields and values lists must have equal length)/.test(d.message);
}

/** Returns true when Falco's reader, rather than its compiler, reports `d`. */
function isReadPhase(d: Diagnostic, item: RulesItem): boolean {
  if (isUnmetPluginRequirement(d, item)) return false;
  const inCondition = isInValue(d, conditionEntry(item));
  const inExceptions = isInValue(d, exceptionsEntry(item));
  if (isFalcoError(d)) {
    if (d.code === 'LOAD_ERR_YAML_VALIDATE' || d.code === 'LOAD_ERR_YAML_PARSE') return true;
    if (d.code === 'LOAD_ERR_VALIDATE') return !inCondition && !(inExceptions && isExceptionBuildError(d));
    return d.code !== 'LOAD_ERR_COMPILE_CONDITION' && d.code !== 'LOAD_ERR_COMPILE_OUTPUT';
  }
  if (!isFalcoWarning(d)) return false;
  // Deprecated fields in conditions, outputs and exceptions are found by the compiler.
  if (d.code === 'LOAD_DEPRECATED_ITEM') return !inCondition && !inExceptions && !isInValue(d, outputEntry(item));
  return READ_WARNINGS.has(d.code);
}

function entryAt(item: RulesItem, offset: number): ItemEntry | undefined {
  return item.entries.find((e) => (e.keySpan.start <= offset && offset <= e.keySpan.end) || (e.value !== null && e.valueSpan.start <= offset && offset <= e.valueSpan.end));
}

/** Position of `d` in the reader's order inside its item; errors come before warnings of the same key. */
function readRank(d: Diagnostic, item: RulesItem): number {
  if (d.code === 'LOAD_UNKNOWN_KEY') return RANK_UNKNOWN_KEYS;
  if (d.code === 'LOAD_UNKNOWN_SOURCE' || d.code === 'LOAD_ERR_VALIDATE') return RANK_DEFINE;
  if (item.kind === undefined) return 0;
  // The reader checks the name's pattern right after decoding the name, the first key.
  if (d.code === 'LOAD_INVALID_MACRO_NAME' || d.code === 'LOAD_INVALID_LIST_NAME') return 0.5;
  const order = READ_ORDER[item.kind];
  const missing = /no mapping for key '([^']+)'/.exec(d.message)?.[1];
  const key = missing ?? entryAt(item, d.span.start)?.key ?? item.kind;
  const index = order.indexOf(key);
  const rank = index === -1 ? RANK_DEFINE - 1 : index;
  return isFalcoError(d) ? rank : rank + 0.5;
}

// ---------------------------------------------------------------------------
// Reading a file

/** An item that Falco's reader collected, with the file it came from. */
interface Loaded {
  file: SourceFile;
  item: RulesItem;
}

/** Loads one file into the collection and returns its result. */
function loadFile(file: SourceFile, collection: Loaded[]): FalcoLoadResult {
  // yaml-cpp parses the whole file before any item is read: a syntax error anywhere reads nothing.
  const parseErrors = [...file.documentDiagnostics, ...[...file.itemDiagnostics.values()].flat()].filter((d) => isFalcoError(d) && d.code === 'LOAD_ERR_YAML_PARSE');
  if (parseErrors.length) {
    const first = parseErrors.reduce((a, b) => (b.span.start < a.span.start ? b : a));
    const report = fileReport(file, first.code, first.message, [rulesContent(file), location('value for', '', file.name, file.mark(first.span.start))]);
    return { name: file.name, successful: false, errors: [toEntry(report, true)], warnings: [] };
  }

  const result: FalcoLoadResult = { name: file.name, successful: true, errors: [], warnings: [] };
  // Falco records one schema outcome per YAML document, and prints none for a file without documents.
  if (parseAllDocuments(file.document.text).length > 0) {
    const schema = validateSchema(file.document);
    result.schema_valid = schema.valid;
    result.schema_warnings = schema.warnings.map((w) => w.message);
  }
  const read = readItems(file);
  collection.push(...read.items.map((item) => ({ file, item })));
  result.warnings.push(...read.warnings.map((w) => toEntry(w, false)));
  if (read.error) {
    result.successful = false;
    result.errors.push(toEntry(read.error, true));
    return result;
  }

  const compiled = compileCollection(collection);
  result.warnings.push(...compiled.warnings.map((w) => toEntry(w, false)));
  if (compiled.error) {
    result.successful = false;
    result.errors.push(toEntry(compiled.error, true));
    return result;
  }

  // Falco checks plugin requirements after the load and then stops without printing JSON; we report the first unmet one.
  for (const item of file.document.items) {
    const unmet = file.diagnosticsOf(item).find((d) => isUnmetPluginRequirement(d, item));
    if (!unmet) continue;
    result.successful = false;
    result.errors.push(toEntry(pluginRequirementReport(file, item, unmet), true));
    break;
  }
  return result;
}

/** Returns true for an unmet `required_plugin_versions` entry, which Falco checks after loading the file, not while reading it. */
function isUnmetPluginRequirement(d: Diagnostic, item: RulesItem): boolean {
  // NOTE: distinguished from the reader's version-syntax errors by the message, which is Falco's own text.
  return item.kind === 'required_plugin_versions' && d.code === 'LOAD_ERR_VALIDATE' && d.message.startsWith('Plugin requirement not satisfied');
}

function pluginRequirementReport(file: SourceFile, item: RulesItem, d: Diagnostic): Report {
  const entry = item.get('required_plugin_versions');
  const element = entry?.value && isSeq(entry.value) ? entry.value.items.find((node) => node && spanContains(item.spanOf(node as YamlNode), d.span.start)) : undefined;
  const name = element && isMap(element) ? scalarText(item, element.items.find((p) => isScalar(p.key) && (p.key as Scalar).value === 'name')?.value as YamlNode | undefined) : undefined;
  const locations = [rulesContent(file), itemLocation(file, item), location('required plugin versions entry', name ?? '', file.name, file.mark(d.span.start))];
  return fileReport(file, d.code, d.message, locations);
}

/** Reads the items of a file in order, up to the first reading error. */
function readItems(file: SourceFile): { items: RulesItem[]; warnings: Report[]; error?: Report } {
  type Step = { offset: number; item?: RulesItem; diagnostic?: Diagnostic };
  const steps: Step[] = [
    ...file.documentDiagnostics.filter(isFalcoError).map((diagnostic) => ({ offset: diagnostic.span.start, diagnostic })),
    ...file.document.items.map((item) => ({ offset: item.elementSpan.start, item })),
  ];
  steps.sort((a, b) => a.offset - b.offset);

  const items: RulesItem[] = [];
  const warnings: Report[] = [];
  for (const step of steps) {
    if (step.diagnostic) return { items, warnings, error: documentErrorReport(file, step.diagnostic) };
    const item = step.item!;
    const events = file
      .diagnosticsOf(item)
      .filter((d) => isReadPhase(d, item))
      .map((d) => ({ d, rank: readRank(d, item) }))
      .sort((a, b) => a.rank - b.rank || a.d.span.start - b.d.span.start);
    for (const { d } of events) {
      if (isFalcoError(d)) return { items, warnings, error: readErrorReport(file, item, d) };
      warnings.push(readWarningReport(file, item, d));
    }
    items.push(item);
  }
  return { items, warnings };
}

function itemLocation(file: SourceFile, item: RulesItem): FalcoLocation {
  if (item.kind === undefined) return location('rules content item', '', file.name, file.mark(item.span.start));
  // The reader's context for required_plugin_versions sits on the key's value, not on the item.
  const entry = item.kind === 'required_plugin_versions' ? item.get(item.kind) : undefined;
  const offset = entry && entry.value !== null ? entry.valueSpan.start : item.span.start;
  return location(ITEM_TYPES[item.kind], item.name ?? '', file.name, file.mark(offset));
}

function documentErrorReport(file: SourceFile, d: Diagnostic): Report {
  // NOTE: the element error is distinguished from the whole-document shape errors by our own message text.
  const locations = d.message.startsWith('Unexpected element type')
    ? [rulesContent(file), location('rules content item', '', file.name, file.mark(d.span.start))]
    : [rulesContent(file)];
  return fileReport(file, d.code, d.message, locations);
}

/** Builds the reader's context for an error: the item, then the value or key it failed on. */
function readErrorReport(file: SourceFile, item: RulesItem, d: Diagnostic): Report {
  const locations = [rulesContent(file), itemLocation(file, item)];
  const at = (itemType: string, itemName: string, offset: number) => location(itemType, itemName, file.name, file.mark(offset));
  const entry = entryAt(item, d.span.start);
  const onValue = entry && entry.value !== null && entry.valueSpan.start <= d.span.start && d.span.start <= entry.valueSpan.end;

  if (isInValue(d, exceptionsEntry(item))) {
    locations.push(...exceptionLocations(file, item, d.span.start));
  } else if (d.code === 'LOAD_ERR_YAML_VALIDATE' && entry && /^Unexpected key/.test(d.message) && entry.value !== null) {
    // A key that the item's `override` does not name: Falco points at its value.
    locations.push(at('overrides', entry.key, entry.valueSpan.start));
  } else if (d.code === 'LOAD_ERR_YAML_VALIDATE' && entry && onValue && !/no mapping for key|was specified but/.test(d.message)) {
    const value = entry.value!;
    if (entry.key === 'override' && isMap(value)) {
      locations.push(at('overrides', '', item.span.start));
      const pair = value.items.find((p) => [p.key, p.value].some((node) => node && spanContains(item.spanOf(node as YamlNode), d.span.start)));
      if (pair && isScalar(pair.key)) {
        const key = String((pair.key as Scalar).value);
        // An unknown operation is reported on the operation; an operation the key does not allow, on the key.
        const onOperation = /^Invalid override operation/.test(d.message) && pair.value;
        locations.push(onOperation ? at('value for', key, item.spanOf(pair.value as YamlNode).start) : at('overrides', key, item.spanOf(pair.key as Scalar).start));
      }
    } else if (entry.key === 'priority' && isScalar(value)) {
      locations.push(at('rule priority', '', entry.valueSpan.start));
    } else if (item.kind === 'required_engine_version' && isScalar(value)) {
      // A version string that is not semver is reported on the item itself.
    } else if (item.kind !== 'required_plugin_versions') {
      locations.push(at('value for', entry.key, entry.valueSpan.start));
      if (isSeq(value) && d.span.start > entry.valueSpan.start) locations.push(at('list item', '', d.span.start));
    }
  }
  return fileReport(file, d.code, d.message, locations);
}

function spanContains(span: { start: number; end: number }, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}

function readWarningReport(file: SourceFile, item: RulesItem, d: Diagnostic): Report {
  const itemLoc = d.code === 'LOAD_UNKNOWN_KEY' && item.kind !== undefined ? location(ITEM_TYPES[item.kind], item.name ?? '', file.name, file.mark(item.span.start)) : itemLocation(file, item);
  const inner = isInValue(d, exceptionsEntry(item)) ? exceptionLocations(file, item, d.span.start) : [];
  return fileReport(file, d.code, d.message, [rulesContent(file), itemLoc, ...inner]);
}

/**
 * Returns the locations below the rule for a problem inside its exceptions:
 * the exception by name once the reader has decoded it, else the exceptions
 * list and the unnamed exception.
 */
function exceptionLocations(file: SourceFile, item: RulesItem, offset: number): FalcoLocation[] {
  const entry = item.get('exceptions');
  if (!entry || entry.value === null) return [];
  const list = location('exceptions', '', file.name, file.mark(entry.valueSpan.start));
  if (!isSeq(entry.value)) return [list];
  const element = entry.value.items.find((node) => node && spanContains(item.spanOf(node as YamlNode), offset));
  if (!element) return [list];
  const start = item.spanOf(element as YamlNode).start;
  const nameNode = isMap(element) ? element.items.find((p) => isScalar(p.key) && (p.key as Scalar).value === 'name')?.value : undefined;
  const name = scalarText(item, nameNode as YamlNode | undefined);
  if (name) return [location('exception', name, file.name, file.mark(start))];
  return [list, location('exception', '', file.name, file.mark(start))];
}

// ---------------------------------------------------------------------------
// The collection in Falco's collector

/** One slot of the collector: the last full definition and the updates made to it since. */
interface Slot {
  name: string;
  base: Loaded;
  updates: Loaded[];
  /** Load position of the first definition; a redefinition keeps the slot. */
  index: number;
  /** Load position of the latest definition or update (what the collector calls visibility). */
  visibility: number;
}

interface CollectionModel {
  lists: Map<string, Slot>;
  macros: Map<string, Slot>;
  rules: Map<string, Slot>;
}

function appendFlag(item: RulesItem): boolean {
  const text = scalarText(item, item.get('append')?.value);
  return text !== undefined && parseYamlCppBool(text) === true;
}

function overrideOperation(item: RulesItem, key: string): string | undefined {
  const override = item.get('override')?.value;
  if (!override || !isMap(override)) return undefined;
  const pair = override.items.find((p) => isScalar(p.key) && String((p.key as Scalar).value) === key);
  return pair && isScalar(pair.value) ? scalarText(item, pair.value as YamlNode) : undefined;
}

/** Returns how an update changes `key`: `append`, `replace`, or undefined when it leaves the key alone. */
function updateOperation(item: RulesItem, key: string): string | undefined {
  if (!item.get(key)) return undefined;
  return appendFlag(item) ? 'append' : overrideOperation(item, key);
}

function buildModel(collection: readonly Loaded[]): CollectionModel {
  const model: CollectionModel = { lists: new Map(), macros: new Map(), rules: new Map() };
  collection.forEach((loaded, position) => {
    const { item } = loaded;
    if (item.name === undefined || (item.kind !== 'list' && item.kind !== 'macro' && item.kind !== 'rule')) return;
    const slots = { list: model.lists, macro: model.macros, rule: model.rules }[item.kind];
    const existing = slots.get(item.name);
    let isUpdate: boolean;
    if (item.kind === 'rule') {
      isUpdate = isRuleUpdate(item);
      const enableOnly = !isUpdate && !item.get('condition') && !item.get('output') && !item.get('desc') && !item.get('priority');
      if (enableOnly) return;
    } else {
      isUpdate = appendFlag(item) || overrideOperation(item, item.kind === 'list' ? 'items' : 'condition') === 'append';
    }
    if (isUpdate) {
      if (existing) {
        existing.updates.push(loaded);
        existing.visibility = position;
      }
    } else if (existing) {
      existing.base = loaded;
      existing.updates = [];
      existing.visibility = position;
    } else {
      slots.set(item.name, { name: item.name, base: loaded, updates: [], index: position, visibility: position });
    }
  });
  return model;
}

/** A condition or output text as the collector merges it, with the scalars it came from. */
interface MergedText {
  text: string;
  pieces: TextPiece[];
  /** The node Falco's context points at: the base definition's value. */
  owner: Loaded;
  entry: ItemEntry | undefined;
}

interface TextPiece {
  loaded: Loaded;
  entry: ItemEntry;
  map: ScalarMap;
  /** Index of the piece's first character in the merged text. */
  start: number;
}

function mergeText(slot: Slot, key: 'condition' | 'output'): MergedText {
  const merged: MergedText = { text: '', pieces: [], owner: slot.base, entry: slot.base.item.get(key) };
  const add = (loaded: Loaded, append: boolean) => {
    const entry = loaded.item.get(key);
    if (!entry || !entry.value || !isScalar(entry.value)) return;
    const map = loaded.item.scalar(entry.value as Scalar);
    if (append) {
      if (map.value === '') return;
      merged.text += ' ';
    } else {
      merged.text = '';
      merged.pieces = [];
    }
    merged.pieces.push({ loaded, entry, map, start: merged.text.length });
    merged.text += map.value;
  };
  add(slot.base, false);
  for (const update of slot.updates) {
    const operation = updateOperation(update.item, key);
    if (operation === 'append' || operation === 'replace') add(update, operation === 'append');
  }
  return merged;
}

// ---------------------------------------------------------------------------
// Conditions as Falco compiles them: exceptions appended, lists substituted

interface ExceptionEntry {
  isList: boolean;
  item: string;
  items: ExceptionEntry[];
}

interface ExceptionInfo {
  name: string;
  fields?: ExceptionEntry;
  comps?: ExceptionEntry;
  values: ExceptionEntry[];
}

function decodeExceptionEntry(item: RulesItem, node: unknown): ExceptionEntry {
  if (isSeq(node)) return { isList: true, item: '', items: node.items.map((child) => decodeExceptionEntry(item, child)) };
  if (isScalar(node)) return { isList: false, item: scalarText(item, node as YamlNode) ?? '', items: [] };
  return { isList: false, item: '', items: [] };
}

function decodeExceptions(item: RulesItem): ExceptionInfo[] {
  const node = item.get('exceptions')?.value;
  if (!node || !isSeq(node)) return [];
  const exceptions: ExceptionInfo[] = [];
  for (const element of node.items) {
    if (!isMap(element)) continue;
    const get = (key: string) => element.items.find((p) => isScalar(p.key) && String((p.key as Scalar).value) === key)?.value;
    const values = get('values');
    exceptions.push({
      name: scalarText(item, get('name') as YamlNode | undefined) ?? '',
      ...(get('fields') !== undefined ? { fields: decodeExceptionEntry(item, get('fields')) } : {}),
      ...(get('comps') !== undefined ? { comps: decodeExceptionEntry(item, get('comps')) } : {}),
      values: isSeq(values) ? values.items.map((v) => decodeExceptionEntry(item, v)) : [],
    });
  }
  return exceptions;
}

/** Fills the comparison operators the collector defaults: `=` per field of a list, `in` for one field. */
function withDefaultComps(exception: ExceptionInfo): ExceptionInfo {
  if (exception.comps || !exception.fields) return exception;
  const comps: ExceptionEntry = exception.fields.isList
    ? { isList: true, item: '', items: exception.fields.items.map(() => ({ isList: false, item: '=', items: [] })) }
    : { isList: false, item: 'in', items: [] };
  return { ...exception, comps };
}

/** Merges the rule's exceptions with those of its appends and replacements, as the collector does. */
function mergeExceptions(slot: Slot): ExceptionInfo[] {
  let exceptions = decodeExceptions(slot.base.item).map(withDefaultComps);
  for (const update of slot.updates) {
    const operation = updateOperation(update.item, 'exceptions');
    if (operation === 'replace') {
      exceptions = decodeExceptions(update.item);
    } else if (operation === 'append') {
      for (const exception of decodeExceptions(update.item)) {
        const previous = exceptions.find((e) => e.name === exception.name);
        if (previous) previous.values.push(...exception.values);
        else exceptions.push(withDefaultComps(exception));
      }
    }
  }
  return exceptions;
}

function quoteItem(value: string): string {
  return value.includes(' ') && value[0] !== '"' && value[0] !== "'" ? `"${value}"` : value;
}

const LIST_OPERATORS = new Set(['in', 'intersects', 'pmatch']);
const MODIFIER_OPERATOR = /^(?:=|==|!=|contains|icontains|bcontains|startswith|bstartswith|endswith|glob|iglob|regex)\s+(?:oneof|anyof|allof)$/;

function trimComparison(text: string): string {
  return text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

/** Builds the text Falco appends to a rule condition for its exceptions (rule_loader_compiler.cpp `build_rule_exception_infos`). */
function exceptionsSuffix(exceptions: readonly ExceptionInfo[]): string {
  let suffix = '';
  for (const exception of exceptions) {
    if (!exception.fields) continue;
    let clause = '';
    if (!exception.fields.isList) {
      const comp = trimComparison(exception.comps?.item ?? '');
      for (const value of exception.values) {
        clause += clause === '' ? `(${exception.fields.item} ${comp} (` : ', ';
        clause += quoteItem(value.item);
      }
      if (clause !== '') clause += '))';
    } else {
      clause = '(';
      for (const values of exception.values) {
        clause += clause === '(' ? '' : ' or ';
        clause += '(';
        exception.fields.items.forEach((field, k) => {
          const comp = trimComparison(exception.comps?.items[k]?.item ?? '');
          const value = values.items[k];
          let text: string;
          if (value?.isList) {
            text = `(${value.items.map((v) => quoteItem(v.item)).join(', ')})`;
          } else if (LIST_OPERATORS.has(comp) || MODIFIER_OPERATOR.test(comp)) {
            const item = value?.item ?? '';
            text = item[0] === '(' ? item : `(${item})`;
          } else {
            text = quoteItem(value?.item ?? '');
          }
          clause += `${k === 0 ? '' : ' and '} ${field.item} ${comp} ${text}`;
        });
        clause += ')';
      }
      clause += ')';
      if (clause === '()') clause = '';
    }
    if (clause !== '') suffix += ` and not ${clause}`;
  }
  return suffix;
}

/** Expands the items of the collection's lists as the compiler does, in slot order. */
function expandLists(model: CollectionModel): Array<{ name: string; items: string[] }> {
  const raw = new Map<string, string[]>();
  for (const slot of model.lists.values()) {
    const items: string[] = [];
    for (const loaded of [slot.base, ...slot.updates]) {
      const node = loaded.item.get('items')?.value;
      if (!node || !isSeq(node)) continue;
      for (const element of node.items) if (isScalar(element)) items.push(scalarText(loaded.item, element as YamlNode) ?? '');
    }
    raw.set(slot.name, items);
  }
  const lists: Array<{ name: string; items: string[] }> = [];
  for (const slot of model.lists.values()) {
    const items: string[] = [];
    for (const value of raw.get(slot.name)!) {
      const reference = model.lists.get(value);
      if (reference && reference.index < slot.visibility) items.push(...raw.get(value)!);
      else items.push(value);
    }
    lists.push({ name: slot.name, items });
  }
  return lists;
}

/** Falco's condition text after list substitution, with the source index of each character. */
interface Substituted {
  text: string;
  /** For each index of the original text (and its end), the index in `text`. */
  fromOriginal: number[];
  usedLists: Set<string>;
}

const BLANKS = ' \t\n\r';
const DELIMITERS = `${BLANKS}(),=`;

/**
 * Replaces every list name bounded by delimiters with the list's items, as
 * Falco does on the raw condition text before parsing (rule_loader_compiler.cpp
 * `resolve_list`), and keeps track of where each original character went.
 */
function substituteLists(condition: string, lists: ReadonlyArray<{ name: string; items: string[] }>): Substituted {
  let text = condition;
  let origin = Array.from({ length: condition.length }, (_, i) => i);
  const usedLists = new Set<string>();
  for (const list of lists) {
    if (list.name === '') continue;
    let start = text.indexOf(list.name);
    while (start !== -1) {
      let end = start + list.name.length;
      if ((start === 0 || DELIMITERS.includes(text[start - 1]!)) && (end >= text.length || DELIMITERS.includes(text[end]!))) {
        while (start > 0 && BLANKS.includes(text[start - 1]!)) start--;
        while (end < text.length && BLANKS.includes(text[end]!)) end++;
        const replacement = list.items.map(quoteItem).join(', ');
        if (replacement === '') {
          if (start > 0 && text[start - 1] === ',') start--;
          else if (end < text.length && text[end] === ',') end++;
        }
        const inserted = `${start > 0 ? ' ' : ''}${replacement} `;
        text = text.slice(0, start) + inserted + text.slice(end);
        origin = [...origin.slice(0, start), ...new Array<number>(inserted.length).fill(-1), ...origin.slice(end)];
        start += replacement.length + 1;
        usedLists.add(list.name);
      }
      start = text.indexOf(list.name, start + 1);
    }
  }

  const fromOriginal = new Array<number>(condition.length + 1).fill(-1);
  origin.forEach((source, index) => {
    if (source >= 0) fromOriginal[source] = index;
  });
  fromOriginal[condition.length] = text.length;
  // A character that was replaced maps to the next character that survived.
  for (let i = condition.length - 1; i >= 0; i--) if (fromOriginal[i] === -1) fromOriginal[i] = fromOriginal[i + 1]!;
  return { text, fromOriginal, usedLists };
}

/** Returns the libs parser's position after `index` characters of `text`: byte index, 1-based line and column. */
function parserPosition(text: string, index: number): { idx: number; line: number; col: number } {
  const before = text.slice(0, index);
  const lineBreaks = before.match(/[\r\n]/g)?.length ?? 0;
  const lastBreak = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'));
  return { idx: Buffer.byteLength(before, 'utf8'), line: 1 + lineBreaks, col: 1 + Buffer.byteLength(before.slice(lastBreak + 1), 'utf8') };
}

/** Returns the `name` of a condition expression location: the condition's first 20 bytes in quotes. */
function conditionName(condition: string): string {
  const bytes = Buffer.from(condition, 'utf8');
  const quoted = bytes.length > 20 ? `"${bytes.subarray(0, 17).toString('utf8')}..."` : `"${condition}"`;
  return quoted.replace(/[\r\n]/g, ' ');
}

/**
 * Builds a report ending at a `condition expression` location: a parser
 * position added to the mark of the parent node, with the condition text as the snippet's content. The
 * snippet looks up the absolute offset inside the condition text, so for most
 * conditions it shows the condition's last line.
 */
function expressionReport(code: string, message: string, parents: FalcoLocation[], text: string, position: { idx: number; line: number; col: number }, deprecatedField?: string): Report {
  const base = parents[parents.length - 1]!.position;
  const offset = base.offset + position.idx;
  const expression = location('condition expression', '', conditionName(text), { line: base.line + position.line, column: base.column + position.col, offset });
  return { code, message, locations: [...parents, expression], snippet: snippet(Buffer.from(text, 'utf8'), offset), ...(deprecatedField !== undefined ? { deprecatedField } : {}) };
}

// ---------------------------------------------------------------------------
// Conditions as the parser and our diagnostics see them

/** Parsed conditions by text, shared by every compile of one `buildFalcoLoadResults` call. */
const parseCache = new Map<string, ConditionParseResult>();

function parsed(text: string): ConditionParseResult {
  let result = parseCache.get(text);
  if (!result) {
    result = parseCondition(text);
    parseCache.set(text, result);
  }
  return result;
}

function parseExpr(text: string): Expr | undefined {
  return parsed(text).expr;
}

function walkExpr(expr: Expr | undefined, visit: (node: Expr) => void): void {
  if (!expr) return;
  visit(expr);
  switch (expr.kind) {
    case 'and':
    case 'or':
      expr.operands.forEach((operand) => walkExpr(operand, visit));
      return;
    case 'not':
      walkExpr(expr.operand, visit);
      return;
    case 'paren':
      walkExpr(expr.expr, visit);
      return;
    default:
      return;
  }
}

function identifiersOf(text: string): Array<{ name: string; start: number; end: number }> {
  const identifiers: Array<{ name: string; start: number; end: number }> = [];
  walkExpr(parseExpr(text), (node) => {
    if (node.kind === 'identifier') identifiers.push({ name: node.name, start: node.span.start, end: node.span.end });
  });
  return identifiers.sort((a, b) => a.start - b.start);
}

/** Returns the start of the innermost field check around `index`, where libs' compiler reports a failing check. */
function checkStart(text: string, index: number): number | undefined {
  let start: number | undefined;
  walkExpr(parseExpr(text), (node) => {
    if (node.kind === 'check' && node.span.start <= index && index < Math.max(node.span.end, node.span.start + 1)) start = node.span.start;
  });
  return start;
}

/**
 * Returns true for a condition error that the libs parser raises, before macros are
 * resolved: a syntax error, or a list name standing alone, whose substituted
 * items do not parse.
 */
function isParseError(d: Diagnostic, piece: TextPiece): boolean {
  if (d.code !== 'LOAD_ERR_COMPILE_CONDITION') return false;
  if (parsed(piece.map.value).errors.some((e) => toDocumentSpan(piece.map, e.span).start === d.span.start)) return true;
  const local = valueOffsetAt(piece.map, d.span.start);
  return identifiersOf(piece.map.value).some((identifier) => identifier.start === local);
}

// ---------------------------------------------------------------------------
// Compiling the collection

/** A diagnostic of a condition, placed where Falco's expanded condition has it. */
interface ConditionEvent {
  d: Diagnostic;
  /** The file of the diagnostic. */
  file: SourceFile;
  /** The merged condition the diagnostic's text belongs to: the rule's own, or a macro's. */
  merged: MergedText;
  /** Index in `merged.text` of the character the diagnostic starts at. */
  index: number;
  fromMacro: boolean;
  /** Whether the diagnostic is a parse error of its own condition. */
  parse: boolean;
}

interface CompileResult {
  error?: Report;
  warnings: Report[];
}

/** Compiles the whole collection as Falco does after each file: lists, macros, then rules in order. */
function compileCollection(collection: readonly Loaded[]): CompileResult {
  return new CollectionCompiler(buildModel(collection)).run();
}

/** Returns the diagnostic's message, naming the macro it comes from when Falco reports it at a rule that uses the macro. */
function messageOf(event: ConditionEvent): string {
  return event.fromMacro ? `In macro '${event.merged.owner.item.name ?? ''}': ${event.d.message}` : event.d.message;
}

/** Returns true for a problem that makes Falco drop a `skip-if-unknown-filter` rule with LOAD_UNKNOWN_FILTER. */
function isUnknownFilter(d: Diagnostic, skipUnknown: boolean): boolean {
  return d.code === 'LOAD_UNKNOWN_FILTER' || (skipUnknown && !!d.data?.unknownFilter);
}

class CollectionCompiler {
  private readonly warnings: Report[] = [];
  private readonly lists: Array<{ name: string; items: string[] }>;
  private readonly listNames: Set<string>;
  private readonly macroConditions = new Map<string, MergedText>();
  private readonly skippedRules = new Set<string>();
  private readonly substitutions = new Map<string, Substituted>();

  constructor(private readonly model: CollectionModel) {
    this.lists = expandLists(model);
    this.listNames = new Set(this.lists.map((l) => l.name));
    for (const slot of model.macros.values()) this.macroConditions.set(slot.name, mergeText(slot, 'condition'));
  }

  run(): CompileResult {
    const error = this.compileMacros() ?? this.compileRules();
    if (error) return { error, warnings: this.warnings };
    this.reportUnused();
    return { warnings: this.warnings };
  }

  private warn(owner: Loaded, report: Report): void {
    if (owner.file.reported) this.warnings.push(report);
  }

  private substitute(text: string): Substituted {
    let result = this.substitutions.get(text);
    if (!result) {
      result = substituteLists(text, this.lists);
      this.substitutions.set(text, result);
    }
    return result;
  }

  /** Collects the Falco diagnostics inside a merged condition, each with its index in the merged text. */
  private conditionEvents(merged: MergedText, fromMacro: boolean): ConditionEvent[] {
    const events: ConditionEvent[] = [];
    for (const piece of merged.pieces) {
      const { file, item } = piece.loaded;
      for (const d of file.diagnosticsOf(item)) {
        if ((!isFalcoError(d) && !isFalcoWarning(d)) || !isInValue(d, piece.entry)) continue;
        const index = piece.start + (valueOffsetAt(piece.map, d.span.start) ?? 0);
        events.push({ d, file, merged, index, fromMacro, parse: isParseError(d, piece) });
      }
    }
    return events.sort((a, b) => a.index - b.index);
  }

  /** Parses every macro, then resolves the macros each one uses, as `compile_macros_infos` does in two passes. */
  private compileMacros(): Report | undefined {
    const slots = [...this.model.macros.values()];
    for (const slot of slots) {
      const merged = this.macroConditions.get(slot.name)!;
      const event = this.conditionEvents(merged, false).find((e) => e.parse && isFalcoError(e.d));
      if (event) {
        const substituted = this.substitute(merged.text);
        const parents = [rulesContent(slot.base.file), this.itemLoc(slot.base), this.valueLoc(slot.base, merged.entry, 'macro condition')];
        return expressionReport(event.d.code, event.d.message, parents, substituted.text, parserPosition(substituted.text, substituted.fromOriginal[event.index]!));
      }
    }
    for (const slot of slots) {
      const merged = this.macroConditions.get(slot.name)!;
      const event = this.conditionEvents(merged, false).find((e) => e.d.code === 'LOAD_ERR_VALIDATE' && isFalcoError(e.d));
      if (event) {
        // The macro resolver reports on the macro item, with the condition text before list substitution.
        const substituted = this.substitute(merged.text);
        const parents = [rulesContent(slot.base.file), this.itemLoc(slot.base)];
        return expressionReport(event.d.code, event.d.message, parents, merged.text, parserPosition(substituted.text, substituted.fromOriginal[event.index]!));
      }
    }
    return undefined;
  }

  private compileRules(): Report | undefined {
    for (const slot of this.model.rules.values()) {
      const error = this.compileRule(slot);
      if (error) return error;
    }
    return undefined;
  }

  /** Compiles one rule: its output first, then its condition (`compile_rule_infos`). */
  private compileRule(slot: Slot): Report | undefined {
    const base = slot.base;
    if (base.file.diagnosticsOf(base.item).some((d) => d.code === 'LOAD_UNKNOWN_SOURCE')) {
      // Falco skips rules of unknown sources without compiling them.
      this.skippedRules.add(slot.name);
      return undefined;
    }
    const skipUnknown = this.skipIfUnknownFilter(slot);
    const rulePath = [rulesContent(base.file), this.itemLoc(base)];

    // Exceptions are pasted into the condition before anything else is compiled.
    const exceptionDiagnostics = [base, ...slot.updates].flatMap((loaded) =>
      loaded.file
        .diagnosticsOf(loaded.item)
        .filter((d) => isInValue(d, exceptionsEntry(loaded.item)))
        .map((d) => ({ d, loaded })),
    );
    const buildError = exceptionDiagnostics.find(({ d }) => isFalcoError(d) && isExceptionBuildError(d));
    if (buildError) {
      const { d, loaded } = buildError;
      return fileReport(loaded.file, d.code, d.message, [rulesContent(loaded.file), this.itemLoc(loaded), ...exceptionLocations(loaded.file, loaded.item, d.span.start)]);
    }

    const output = mergeText(slot, 'output');
    const outputPath = [...rulePath, this.valueLoc(base, output.entry, 'rule output')];
    const outputDiagnostics = output.pieces.flatMap((piece) => piece.loaded.file.diagnosticsOf(piece.loaded.item).filter((d) => isInValue(d, piece.entry)).map((d) => ({ d, file: piece.loaded.file })));
    const outputError = outputDiagnostics.find(({ d }) => (isFalcoError(d) && d.code === 'LOAD_ERR_COMPILE_OUTPUT') || d.code === 'LOAD_UNKNOWN_FILTER');
    if (outputError) {
      const { d } = outputError;
      if (!isUnknownFilter(d, skipUnknown)) return fileReport(base.file, d.code, d.message, outputPath);
      this.warn(base, fileReport(base.file, 'LOAD_UNKNOWN_FILTER', d.message, outputPath));
      this.skippedRules.add(slot.name);
      return undefined;
    }
    // Falco looks for each deprecated name anywhere in the output text, once per name.
    for (const field of DEPRECATED_FIELDS) {
      if (!output.text.includes(field)) continue;
      const ours = outputDiagnostics.find(({ d, file }) => d.code === 'LOAD_DEPRECATED_ITEM' && file.document.text.slice(d.span.start, d.span.end) === field);
      const message = ours?.d.message ?? `usage of deprecated field '${field}' has been detected in the rule output`;
      this.warn(base, fileReport(base.file, 'LOAD_DEPRECATED_ITEM', message, outputPath, field));
    }

    // The condition, with the exceptions appended and the lists substituted.
    const condition = mergeText(slot, 'condition');
    const exceptions = mergeExceptions(slot);
    const prefix = exceptions.length ? 1 : 0;
    const finalText = exceptions.length ? `(${condition.text})${exceptionsSuffix(exceptions)}` : condition.text;
    const substituted = this.substitute(finalText);
    const conditionPath = [...rulePath, this.valueLoc(base, condition.entry, 'rule condition')];
    // Positions of macro nodes stay relative to the macro's own text, which Falco adds to the rule's mark.
    const positionOf = (event: ConditionEvent, index: number) => {
      if (!event.fromMacro) return parserPosition(substituted.text, substituted.fromOriginal[prefix + index]!);
      const macroText = this.substitute(event.merged.text);
      return parserPosition(macroText.text, macroText.fromOriginal[index]!);
    };

    // Problems of exception values sit in the text appended after the condition.
    const exceptionEvents: ConditionEvent[] = exceptionDiagnostics
      .filter(({ d }) => (isFalcoError(d) && d.code === 'LOAD_ERR_COMPILE_CONDITION') || d.code === 'LOAD_DEPRECATED_ITEM')
      // NOTE: the core's message for an operator the field type rejects starts with "Operator '", and its other exception errors are parse errors.
      .map(({ d, loaded }) => ({ d, file: loaded.file, merged: condition, index: condition.text.length + 1, fromMacro: false, parse: isFalcoError(d) && !/^Operator '/.test(d.message) }));
    const own = [...this.conditionEvents(condition, false), ...exceptionEvents];
    const parseError = own.find((e) => e.parse && isFalcoError(e.d));
    if (parseError) return expressionReport(parseError.d.code, parseError.d.message, conditionPath, substituted.text, positionOf(parseError, parseError.index));
    const undefinedMacro = own.find((e) => e.d.code === 'LOAD_ERR_VALIDATE' && isFalcoError(e.d));
    if (undefinedMacro) return expressionReport(undefinedMacro.d.code, undefinedMacro.d.message, rulePath, finalText, positionOf(undefinedMacro, undefinedMacro.index));

    const events = this.expandMacros(condition, own, new Set());
    // The warnings pass runs on the whole expanded condition, reports at its start, and orders by code.
    const start = { idx: 0, line: 0, col: 0 };
    const unsafe = events.find((e) => e.d.code === 'LOAD_UNSAFE_NA_CHECK');
    if (unsafe) this.warn(base, expressionReport(unsafe.d.code, unsafe.d.message, conditionPath, finalText, start));
    for (const field of DEPRECATED_FIELDS) {
      const deprecated = events.find((e) => e.d.code === 'LOAD_DEPRECATED_ITEM' && e.file.document.text.slice(e.d.span.start, e.d.span.end) === field);
      if (deprecated) this.warn(base, expressionReport(deprecated.d.code, deprecated.d.message, conditionPath, finalText, start, field));
    }

    const compileError = events.find((e) => (isFalcoError(e.d) && !e.parse) || e.d.code === 'LOAD_UNKNOWN_FILTER');
    if (compileError) {
      const { d } = compileError;
      const position = positionOf(compileError, this.checkIndex(compileError));
      const message = messageOf(compileError);
      if (!isUnknownFilter(d, skipUnknown)) return expressionReport(d.code, message, conditionPath, finalText, position);
      this.warn(base, expressionReport('LOAD_UNKNOWN_FILTER', message, conditionPath, finalText, position));
      return undefined;
    }
    for (const event of events.filter((e) => e.d.code === 'LOAD_COMPILE_CONDITION')) {
      this.warn(base, expressionReport(event.d.code, messageOf(event), conditionPath, finalText, positionOf(event, event.index)));
    }
    const noEvttype = this.ruleWarning(slot, 'LOAD_NO_EVTTYPE');
    if (noEvttype) this.warn(base, fileReport(base.file, noEvttype.code, noEvttype.message, rulePath));
    return undefined;
  }

  /** Finds a warning of the rule's items, such as LOAD_NO_EVTTYPE, which the core places on the `condition` key. */
  private ruleWarning(slot: Slot, code: string): Diagnostic | undefined {
    for (const loaded of [slot.base, ...slot.updates]) {
      const found = loaded.file.diagnosticsOf(loaded.item).find((d) => d.code === code && isFalcoWarning(d));
      if (found) return found;
    }
    return undefined;
  }

  /** Returns the index where libs reports a failing check: the check's start, in the merged text of its condition. */
  private checkIndex(event: ConditionEvent): number {
    for (const piece of event.merged.pieces) {
      const local = event.index - piece.start;
      if (local < 0 || local > piece.map.value.length) continue;
      const start = checkStart(piece.map.value, local);
      return start === undefined ? event.index : piece.start + start;
    }
    return event.index;
  }

  /**
   * Splices the events of the macros a condition uses into its events, at each
   * reference, as the macro resolver expands them. Only a macro's field
   * problems and warnings travel: its syntax errors and undefined macros were
   * reported when the macros were compiled.
   */
  private expandMacros(merged: MergedText, events: ConditionEvent[], path: Set<string>): ConditionEvent[] {
    // A name that is also a list is substituted before parsing, so it never reaches the resolver.
    const references = identifiersOf(merged.text).filter((r) => this.model.macros.has(r.name) && !this.listNames.has(r.name) && !path.has(r.name));
    const result: ConditionEvent[] = [];
    let next = 0;
    for (const reference of references) {
      while (next < events.length && events[next]!.index < reference.start) result.push(events[next++]!);
      const macro = this.macroConditions.get(reference.name)!;
      const macroEvents = this.conditionEvents(macro, true).filter((e) => !e.parse && e.d.code !== 'LOAD_ERR_VALIDATE');
      result.push(...this.expandMacros(macro, macroEvents, new Set(path).add(reference.name)));
    }
    result.push(...events.slice(next));
    return result;
  }

  private skipIfUnknownFilter(slot: Slot): boolean {
    let value = false;
    for (const loaded of [slot.base, ...slot.updates]) {
      if (loaded !== slot.base && updateOperation(loaded.item, 'skip-if-unknown-filter') !== 'replace') continue;
      const text = scalarText(loaded.item, loaded.item.get('skip-if-unknown-filter')?.value);
      if (text !== undefined) value = parseYamlCppBool(text) ?? false;
    }
    return value;
  }

  /** Reports LOAD_UNUSED_MACRO and LOAD_UNUSED_LIST, which Falco emits only when everything compiled. */
  private reportUnused(): void {
    const usedLists = new Set<string>();
    const usedMacros = new Set<string>();
    for (const slot of this.model.lists.values()) {
      for (const loaded of [slot.base, ...slot.updates]) {
        const node = loaded.item.get('items')?.value;
        if (!node || !isSeq(node)) continue;
        for (const element of node.items) {
          const value = isScalar(element) ? scalarText(loaded.item, element as YamlNode) : undefined;
          const reference = value !== undefined ? this.model.lists.get(value) : undefined;
          if (reference && reference.index < slot.visibility) usedLists.add(reference.name);
        }
      }
    }
    const markUses = (text: string) => {
      const substituted = this.substitute(text);
      substituted.usedLists.forEach((name) => usedLists.add(name));
      for (const identifier of identifiersOf(substituted.text)) {
        if (this.model.macros.has(identifier.name)) usedMacros.add(identifier.name);
      }
    };
    for (const merged of this.macroConditions.values()) markUses(merged.text);
    for (const slot of this.model.rules.values()) {
      if (this.skippedRules.has(slot.name)) continue;
      const exceptions = mergeExceptions(slot);
      const text = mergeText(slot, 'condition').text;
      markUses(exceptions.length ? `(${text})${exceptionsSuffix(exceptions)}` : text);
    }

    for (const slot of this.model.macros.values()) {
      if (!usedMacros.has(slot.name)) this.warn(slot.base, this.unusedReport(slot, 'LOAD_UNUSED_MACRO', 'Macro not referred to by any other rule/macro'));
    }
    for (const slot of this.model.lists.values()) {
      if (!usedLists.has(slot.name)) this.warn(slot.base, this.unusedReport(slot, 'LOAD_UNUSED_LIST', 'List not referred to by any other rule/macro'));
    }
  }

  /** Builds an unused-item warning, with our message when the core reported the item too, else with Falco's. */
  private unusedReport(slot: Slot, code: string, falcoMessage: string): Report {
    const { file, item } = slot.base;
    const ours = file.diagnosticsOf(item).find((d) => d.code === code);
    return fileReport(file, code, ours?.message ?? falcoMessage, [rulesContent(file), this.itemLoc(slot.base)]);
  }

  private itemLoc(loaded: Loaded): FalcoLocation {
    return itemLocation(loaded.file, loaded.item);
  }

  /** Returns the location of a key's value node, such as `rule condition`, or of the item when the value is missing. */
  private valueLoc(loaded: Loaded, entry: ItemEntry | undefined, itemType: string): FalcoLocation {
    const offset = entry && entry.value !== null ? entry.valueSpan.start : loaded.item.span.start;
    return location(itemType, '', loaded.file.name, loaded.file.mark(offset));
  }
}
