/**
 * Builds a rule's condition as Falco compiles it, from the program's files
 * in load order (falco userspace/engine/rule_loader_collector.cpp and
 * rule_loader_compiler.cpp):
 *
 * - the last full definition of the rule, then each later `append: true` or
 *   `override: {condition: append}` adds ` <text>` to the condition text, and
 *   `override: {condition: replace}` replaces it;
 * - exceptions are collected the same way (appends add exceptions or values,
 *   `exceptions: replace` replaces them) and pasted into the text as
 *   `(<condition>) and not <exception> ...`;
 * - macros resolve to their last full definition plus its appends, a macro
 *   seeing only macros defined before it, as the compiler does after every
 *   file has loaded.
 *
 * Every character of the built text keeps the file and offset it came from,
 * so the evaluator can point at the rule file.
 */
import { isMap, isScalar, isSeq, Scalar } from 'yaml';
import type { Node as YamlNode, YAMLMap } from 'yaml';
import type { Span } from '../types';
import type { Program } from '../analysis/program';
import type { RulesItem } from '../document/model';
import type { Expr } from '../condition/ast';
import { parseCondition } from '../condition/parser';
import { isRuleUpdate, parseYamlCppBool, scalarText } from '../checks/structure';
import { STRING_OPERATOR_MODIFIERS } from '../condition/lexer';

export interface SourceLocation {
  uri: string;
  span: Span;
}

/** Text assembled from pieces of rules files, with the file and offsets of every character. */
export class LocatedText {
  text = '';
  private readonly uris: string[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  /** True for characters that no file holds, whose span is their anchor's. */
  private readonly generated: boolean[] = [];

  /** Appends a scalar's decoded value, each character mapped to its document offsets. */
  appendScalar(uri: string, item: RulesItem, node: Scalar): void {
    const map = item.scalar(node);
    for (let i = 0; i < map.value.length; i++) {
      this.uris.push(uri);
      this.starts.push(map.offsets[i]!);
      this.ends.push(map.ends?.[i] ?? map.offsets[i + 1]!);
      this.generated.push(false);
    }
    this.text += map.value;
  }

  /** Appends text that is in no file (parentheses, `and not`), mapped to `anchor`. */
  appendGenerated(text: string, anchor: SourceLocation): void {
    for (let i = 0; i < text.length; i++) {
      this.uris.push(anchor.uri);
      this.starts.push(anchor.span.start);
      this.ends.push(anchor.span.end);
      this.generated.push(true);
    }
    this.text += text;
  }

  /** Returns the file and document span of characters `[start, end)`, within the file of the first one. */
  locate(span: Span): SourceLocation | undefined {
    const start = Math.min(span.start, this.uris.length - 1);
    if (start < 0) return undefined;
    const uri = this.uris[start]!;
    const anchored = this.enclosingAnchor(start, Math.min(span.end, this.uris.length) - 1);
    if (anchored) return anchored;
    let documentStart = Infinity;
    let documentEnd = -Infinity;
    for (let i = start; i < Math.max(span.end, start + 1) && i < this.uris.length; i++) {
      if (this.uris[i] !== uri) continue;
      documentStart = Math.min(documentStart, this.starts[i]!);
      documentEnd = Math.max(documentEnd, this.ends[i]!);
    }
    return { uri, span: { start: documentStart, end: Math.max(documentStart, documentEnd) } };
  }

  /**
   * Returns the anchor of the last generated character before `last` when it
   * encloses the source of character `last`. A comparison pasted from an
   * exception (`proc.pname = sshd`) then points at its row of values rather
   * than at everything from the `fields` entry to the value.
   */
  private enclosingAnchor(first: number, last: number): SourceLocation | undefined {
    if (last < first || this.generated[last]) return undefined;
    for (let i = last - 1; i >= first; i--) {
      if (!this.generated[i]) continue;
      const encloses = this.uris[i] === this.uris[last] && this.starts[i]! <= this.starts[last]! && this.ends[last]! <= this.ends[i]!;
      return encloses ? { uri: this.uris[i]!, span: { start: this.starts[i]!, end: this.ends[i]! } } : undefined;
    }
    return undefined;
  }
}

/** A parsed condition and the text it was parsed from. */
export interface CompiledCondition {
  expr: Expr;
  located: LocatedText;
}

export interface CompiledRule {
  name: string;
  source: string;
  /** False when the rule's last `enabled` is false, so Falco never runs it. */
  enabled: boolean;
  condition: CompiledCondition;
  /** Location of the rule's last full definition. */
  definition: SourceLocation;
}

export type CompileResult = { ok: true; rule: CompiledRule } | { ok: false; message: string };

interface ExceptionSpec {
  name: string;
  fields: ExceptionEntry;
  comps: ExceptionEntry | undefined;
  rows: ExceptionEntry[];
  anchor: SourceLocation;
}

/** A scalar or a sequence of entries of an exception, with the item it was read from. */
interface ExceptionEntry {
  uri: string;
  item: RulesItem;
  node: YamlNode;
  isList: boolean;
  text: string;
  items: ExceptionEntry[];
}

type UpdateMode = 'append' | 'replace' | undefined;

/** Compiles rule `name` of `program`. When Falco would not run it, the message gives the reason. */
export function compileRule(program: Program, name: string): CompileResult {
  const definitions = program.definitionsOf('rule', name);
  if (definitions.length === 0) return { ok: false, message: `No rule named '${name}' is loaded.` };

  let located: LocatedText | undefined;
  let definition: SourceLocation | undefined;
  let source = 'syscall';
  let enabled = true;
  let exceptions: ExceptionSpec[] = [];
  for (const def of definitions) {
    const item = def.item;
    const uri = program.files[def.fileIndex]!.document.uri;
    const conditionNode = item.get('condition')?.value;
    const update = isRuleUpdate(item);
    if (!update && conditionNode && isScalar(conditionNode)) {
      located = new LocatedText();
      located.appendScalar(uri, item, conditionNode as Scalar);
      definition = { uri, span: item.nameSpan ?? item.span };
      source = scalarText(item, item.get('source')?.value) || 'syscall';
      exceptions = readExceptions(uri, item);
      enabled = readEnabled(item) ?? true;
      continue;
    }
    if (!located) continue;
    const conditionMode = updateMode(item, 'condition');
    if (conditionMode && conditionNode && isScalar(conditionNode)) {
      if (conditionMode === 'replace') located = new LocatedText();
      else located.appendGenerated(' ', { uri, span: atStart(item.get('condition')!.valueSpan) });
      located.appendScalar(uri, item, conditionNode as Scalar);
    }
    const exceptionsMode = updateMode(item, 'exceptions');
    if (exceptionsMode === 'replace') exceptions = readExceptions(uri, item);
    else if (exceptionsMode === 'append') exceptions = mergeExceptions(exceptions, readExceptions(uri, item));
    const itemEnabled = readEnabled(item);
    if (itemEnabled !== undefined && (!update || updateMode(item, 'enabled') !== undefined)) enabled = itemEnabled;
  }
  if (!located || !definition) return { ok: false, message: `Rule '${name}' is only appended to or overridden, never defined with a condition.` };

  const full = withExceptions(located, exceptions, definition);
  const parsed = parseCondition(full.text);
  if (!parsed.expr || parsed.errors.length) {
    const first = parsed.errors[0];
    return { ok: false, message: `The condition of rule '${name}' does not compile${first ? `: ${first.message}` : ''}. Fix the errors the rules file reports first.` };
  }
  return { ok: true, rule: { name, source, enabled, condition: { expr: parsed.expr, located: full }, definition } };
}

/** Returns how an update item changes `key`. `append: true` appends every key it has, and `override` names a mode per key. */
function updateMode(item: RulesItem, key: string): UpdateMode {
  if (!item.get(key)) return undefined;
  const append = scalarText(item, item.get('append')?.value);
  if (append !== undefined && parseYamlCppBool(append) === true) return 'append';
  const override = item.get('override')?.value;
  if (!override || !isMap(override)) return undefined;
  for (const pair of (override as YAMLMap).items) {
    if (isScalar(pair.key) && (pair.key as Scalar).value === key && isScalar(pair.value)) {
      const mode = String((pair.value as Scalar).value);
      if (mode === 'append' || mode === 'replace') return mode;
    }
  }
  return undefined;
}

function readEnabled(item: RulesItem): boolean | undefined {
  const text = scalarText(item, item.get('enabled')?.value);
  return text === undefined ? undefined : parseYamlCppBool(text);
}

function readEntry(uri: string, item: RulesItem, node: YamlNode): ExceptionEntry {
  if (isSeq(node)) {
    const items = node.items.filter((child): child is YamlNode => !!child && typeof child === 'object').map((child) => readEntry(uri, item, child));
    return { uri, item, node, isList: true, text: '', items };
  }
  return { uri, item, node, isList: false, text: isScalar(node) ? item.scalarValue(node as Scalar) : '', items: [] };
}

function readExceptions(uri: string, item: RulesItem): ExceptionSpec[] {
  const node = item.get('exceptions')?.value;
  if (!node || !isSeq(node)) return [];
  const result: ExceptionSpec[] = [];
  for (const element of node.items) {
    if (!isMap(element)) continue;
    const value = (key: string) => (element as YAMLMap).items.find((pair) => isScalar(pair.key) && (pair.key as Scalar).value === key)?.value as YamlNode | null | undefined;
    const nameNode = value('name');
    const name = nameNode && isScalar(nameNode) ? item.scalarValue(nameNode as Scalar) : '';
    const fields = value('fields');
    const comps = value('comps');
    const rows = value('values');
    result.push({
      name,
      fields: fields ? readEntry(uri, item, fields) : { uri, item, node: element as YAMLMap, isList: false, text: '', items: [] },
      comps: comps ? readEntry(uri, item, comps) : undefined,
      rows: rows && isSeq(rows) ? rows.items.filter((row): row is YamlNode => !!row && typeof row === 'object').map((row) => readEntry(uri, item, row)) : [],
      anchor: { uri, span: item.spanOf(element as YAMLMap) },
    });
  }
  return result;
}

/** Appends exceptions as Falco's collector does: new names are added, known names get the new values. */
function mergeExceptions(existing: ExceptionSpec[], appended: ExceptionSpec[]): ExceptionSpec[] {
  const result = existing.map((spec) => ({ ...spec, rows: [...spec.rows] }));
  for (const spec of appended) {
    const known = result.find((candidate) => candidate.name === spec.name);
    if (known) known.rows.push(...spec.rows);
    else result.push(spec);
  }
  return result;
}

/** Falco's `quote_item`: a value with a space gets double quotes, unless it starts with a quote. */
function needsQuotes(text: string): boolean {
  return text.includes(' ') && text[0] !== '"' && text[0] !== "'";
}

function appendQuoted(target: LocatedText, entry: ExceptionEntry): void {
  const anchor = { uri: entry.uri, span: entry.item.spanOf(entry.node) };
  const quote = needsQuotes(entry.text);
  if (quote) target.appendGenerated('"', anchor);
  appendValue(target, entry);
  if (quote) target.appendGenerated('"', anchor);
}

function appendValue(target: LocatedText, entry: ExceptionEntry): void {
  if (isScalar(entry.node)) target.appendScalar(entry.uri, entry.item, entry.node as Scalar);
  else target.appendGenerated(entry.text, { uri: entry.uri, span: entry.item.spanOf(entry.node) });
}

function isListComp(comp: string): boolean {
  const words = comp.trim().split(/\s+/);
  return ['in', 'pmatch', 'intersects'].includes(comp.trim()) || (words.length === 2 && STRING_OPERATOR_MODIFIERS.includes(words[1]!));
}

/** Pastes the exceptions into the condition text as rule_loader_compiler.cpp `build_rule_exception_infos` does. */
function withExceptions(condition: LocatedText, exceptions: ExceptionSpec[], definition: SourceLocation): LocatedText {
  const active = exceptions.filter((spec) => spec.rows.length > 0 && (spec.fields.isList ? spec.fields.items.length > 0 : spec.fields.text !== ''));
  if (active.length === 0) return condition;
  const result = new LocatedText();
  result.appendGenerated('(', definition);
  copyInto(result, condition);
  result.appendGenerated(')', definition);
  for (const spec of active) {
    result.appendGenerated(' and not ', spec.anchor);
    if (!spec.fields.isList) {
      const comp = spec.comps && !spec.comps.isList && spec.comps.text.trim() !== '' ? spec.comps.text.trim() : 'in';
      result.appendGenerated('(', spec.anchor);
      appendValue(result, spec.fields);
      result.appendGenerated(` ${comp} (`, spec.anchor);
      spec.rows.forEach((row, index) => {
        if (index > 0) result.appendGenerated(', ', spec.anchor);
        appendQuoted(result, row);
      });
      result.appendGenerated('))', spec.anchor);
      continue;
    }
    const comps = spec.fields.items.map((_, index) => spec.comps?.items[index]?.text.trim() || '=');
    result.appendGenerated('(', spec.anchor);
    spec.rows.forEach((row, rowIndex) => {
      const rowAnchor = { uri: row.uri, span: row.item.spanOf(row.node) };
      if (rowIndex > 0) result.appendGenerated(' or ', rowAnchor);
      result.appendGenerated('(', rowAnchor);
      spec.fields.items.forEach((field, k) => {
        result.appendGenerated(k === 0 ? ' ' : ' and ', rowAnchor);
        appendValue(result, field);
        result.appendGenerated(` ${comps[k]} `, rowAnchor);
        const value = row.items[k];
        if (!value) return;
        if (value.isList) {
          result.appendGenerated('(', rowAnchor);
          value.items.forEach((element, index) => {
            if (index > 0) result.appendGenerated(', ', rowAnchor);
            appendQuoted(result, element);
          });
          result.appendGenerated(')', rowAnchor);
        } else if (isListComp(comps[k]!)) {
          const wrap = value.text[0] !== '(';
          if (wrap) result.appendGenerated('(', rowAnchor);
          appendValue(result, value);
          if (wrap) result.appendGenerated(')', rowAnchor);
        } else {
          appendQuoted(result, value);
        }
      });
      result.appendGenerated(')', rowAnchor);
    });
    result.appendGenerated(')', spec.anchor);
  }
  return result;
}

/** A zero-width span at the start of `span`, for a separator that should enclose no text. */
function atStart(span: Span): Span {
  return { start: span.start, end: span.start };
}

function copyInto(target: LocatedText, source: LocatedText): void {
  for (let i = 0; i < source.text.length; i++) {
    const location = source.locate({ start: i, end: i + 1 })!;
    target.appendGenerated(source.text[i]!, location);
  }
}

/**
 * Resolves macro names for one compiled rule: each macro's text is its last
 * full definition plus later appends, parsed once.
 */
export class MacroResolver {
  private readonly cache = new Map<string, CompiledCondition | null>();

  constructor(private readonly program: Program) {}

  /** Returns the macro as visible to a rule (every loaded definition), or to a macro at load position `before`. */
  resolve(name: string, before = Number.MAX_SAFE_INTEGER): CompiledCondition | undefined {
    const key = `${name}@${before}`;
    if (!this.cache.has(key)) this.cache.set(key, this.build(name, before) ?? null);
    return this.cache.get(key) ?? undefined;
  }

  /** Returns the load position of the full definition `resolve` used, so nested macros resolve as in Falco. */
  orderOf(name: string, before = Number.MAX_SAFE_INTEGER): number {
    const defs = this.program.definitionsOf('macro', name).filter((d) => d.order < before && !d.isUpdate);
    return defs[defs.length - 1]?.order ?? before;
  }

  private build(name: string, before: number): CompiledCondition | undefined {
    const defs = this.program.definitionsOf('macro', name).filter((d) => d.order < before);
    let located: LocatedText | undefined;
    for (const def of defs) {
      const uri = this.program.files[def.fileIndex]!.document.uri;
      const node = def.item.get('condition')?.value;
      if (!node || !isScalar(node)) continue;
      const mode = def.isUpdate ? updateMode(def.item, 'condition') ?? 'append' : 'replace';
      if (mode === 'replace') located = new LocatedText();
      else if (!located) continue;
      else located.appendGenerated(' ', { uri, span: atStart(def.item.get('condition')!.valueSpan) });
      located.appendScalar(uri, def.item, node as Scalar);
    }
    if (!located) return undefined;
    const parsed = parseCondition(located.text);
    return parsed.expr && parsed.errors.length === 0 ? { expr: parsed.expr, located } : undefined;
  }
}
