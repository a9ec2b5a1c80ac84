/**
 * A set of rules files in Falco's load order, analysed together.
 *
 * Falco loads files one after another into one collection: a rule can use every
 * macro loaded so far, a macro only macros defined before it, and conditions
 * every list loaded so far, and a later file may append to or replace an
 * earlier item (falco userspace/engine/rule_loader_compiler.cpp). The program
 * computes each file's diagnostics as of the moment Falco loads that file.
 */
import type { Diagnostic, Span } from '../types';
import type { ScalarMap } from '../yaml/scalar-map';
import { toDocumentSpan } from '../yaml/scalar-map';
import type { RulesDocument, RulesItem } from '../document/model';
import type { Expr } from '../condition/ast';
import { isScalar, isSeq, Scalar } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { checkItemStructure, isRuleUpdate, parseYamlCppBool, scalarText } from '../checks/structure';
import { checkCondition, ConditionFacts, ConditionScope, eventSetCount } from '../checks/condition';
import { checkOutput } from '../checks/output';
import { checkRuleExceptions } from '../checks/exceptions';
import { checkTags } from '../checks/tags';
import { schemaDiagnostics } from '../checks/schema';
import { parseCondition } from '../condition/parser';
import { isCompatible, LoadEnvironment, EnvironmentOptions } from './environment';
import { didYouMean, suggest } from '../util/suggest';

export interface ProgramFile {
  document: RulesDocument;
  /** False for files loaded only for their definitions (the bundled default ruleset). */
  reportDiagnostics: boolean;
}

export interface Definition {
  kind: 'macro' | 'list' | 'rule';
  name: string;
  item: RulesItem;
  fileIndex: number;
  /** Position in the whole load order. */
  order: number;
  /** True for `override`/`append` items that change an earlier definition. */
  isUpdate: boolean;
}

const NO_EVTTYPE_THRESHOLD = 100;

/** A cross-item fact that an item's check depends on. */
type Query = ['macroState' | 'macroText' | 'listItems' | 'macroNames' | 'usedByRule' | 'source' | 'definitions', string];

interface CachedItemDiagnostics {
  environmentKey: string;
  queries: Array<[Query, string]>;
  /** Spans relative to the item's element start. */
  diagnostics: Diagnostic[];
}

/** Item diagnostics by the item's YAML node, which an unchanged chunk keeps from one version of its file to the next. */
const itemDiagnosticsCache = new WeakMap<object, CachedItemDiagnostics>();

function answerList(items: readonly string[] | undefined): string {
  return items === undefined ? '\0' : items.join('\n');
}

export class Program {
  readonly files: ProgramFile[];
  private readonly definitions = new Map<string, Definition[]>();
  private readonly fileIndexByDocument = new Map<RulesDocument, number>();
  /** Position in the whole load order of each file's first item. */
  private readonly fileBase: number[] = [];
  private readonly macroExprCache = new Map<RulesItem, Expr | undefined>();
  private readonly listItemCache = new Map<string, readonly string[] | undefined>();
  private listsWarmed = false;
  private readonly namesCache = new Map<string, readonly string[]>();
  /** Nested-list items that expansion may still copy, over all lists; see MAX_EXPANDED_LIST_ITEMS. */
  private listExpansionBudget = 10 * MAX_EXPANDED_LIST_ITEMS;
  private readonly diagnosticsCache = new Map<string, Diagnostic[]>();
  private readonly usedByRule = new Map<string, boolean>();

  readonly environment: LoadEnvironment;
  /** Identifies the environment, so that cached item diagnostics of another one are not reused. */
  private readonly environmentKey: string;
  /** The cross-item facts read by the item check in progress, each with its value then. */
  private recording: Array<[Query, string]> | undefined;

  /** False when no later program will look for this one's item diagnostics (a one-shot check such as the CLI's). */
  private readonly reuseItems: boolean;

  constructor(files: ProgramFile[], options: EnvironmentOptions & { reuseItems?: boolean } = {}) {
    this.reuseItems = options.reuseItems ?? true;
    this.files = files;
    this.environment = new LoadEnvironment(options, files.map((f) => f.document));
    this.environmentKey = JSON.stringify([this.environment.engineVersion, this.environment.explicitPlugins, [...this.environment.plugins]]);
    let base = 0;
    files.forEach((file, fileIndex) => {
      this.fileIndexByDocument.set(file.document, fileIndex);
      this.fileBase.push(base);
      for (const entry of definitionEntriesOf(file.document)) {
        const list = this.definitions.get(entry.key);
        const definition: Definition = { kind: entry.kind, name: entry.name, item: entry.item, fileIndex, order: base + entry.item.index, isUpdate: entry.isUpdate };
        if (list) list.push(definition);
        else this.definitions.set(entry.key, [definition]);
      }
      base += file.document.items.length;
    });
  }

  /** Returns the file index and load-order position of `item`, or undefined for an item of no file of the program. */
  private positionOf(item: RulesItem): { fileIndex: number; order: number } | undefined {
    const document = itemDocuments.get(item);
    const fileIndex = document ? this.fileIndexByDocument.get(document) : undefined;
    if (fileIndex === undefined || this.files[fileIndex]!.document.items[item.index] !== item) return undefined;
    return { fileIndex, order: this.fileBase[fileIndex]! + item.index };
  }

  /** Returns every definition of `name` of `kind`, in load order. */
  definitionsOf(kind: Definition['kind'], name: string): readonly Definition[] {
    return this.definitions.get(`${kind}:${name}`) ?? [];
  }

  /**
   * Names of all macros or lists loaded up to and including file `fileIndex`,
   * computed once per program. The array is frozen, so that `suggest` can
   * reuse its results for it.
   */
  namesOf(kind: Definition['kind'], fileIndex = this.files.length - 1): readonly string[] {
    const cacheKey = `${kind}:${fileIndex}`;
    const cached = this.namesCache.get(cacheKey);
    if (cached) return cached;
    const names: string[] = [];
    for (const [key, defs] of this.definitions) {
      if (key.startsWith(`${kind}:`) && defs.some((d) => d.fileIndex <= fileIndex)) names.push(defs[0]!.name);
    }
    this.namesCache.set(cacheKey, Object.freeze(names));
    return names;
  }

  fileIndexOf(uri: string): number {
    return this.files.findIndex((f) => f.document.uri === uri);
  }

  /** Returns the diagnostics of one file, computed once per program. */
  diagnostics(uri: string): Diagnostic[] {
    const cached = this.diagnosticsCache.get(uri);
    if (cached) return cached;
    const fileIndex = this.fileIndexOf(uri);
    if (fileIndex === -1) return [];

    const document = this.files[fileIndex]!.document;
    const problems: Diagnostic[] = [...document.problems];
    for (const item of document.items) {
      // The YAML error already covers an item that could not be read whole.
      if (item.hasSyntaxErrors) continue;
      this.checkItemCached(item, fileIndex, problems);
    }

    // Schema findings are notes, and a loader diagnostic on the same text already explains more.
    const loaderSpans = problems.map((p) => p.span);
    const overlaps = (a: { start: number; end: number }) => loaderSpans.some((b) => a.start < b.end && b.start < a.end);
    problems.push(...schemaDiagnostics(document).filter((note) => !overlaps(note.span)));
    this.checkUnused(document, fileIndex, problems);

    problems.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
    this.diagnosticsCache.set(uri, problems);
    return problems;
  }

  /**
   * Checks one item, or reuses the diagnostics of an earlier check of the same
   * parsed item (an unchanged chunk keeps its YAML nodes across edits) when
   * every cross-item fact that check read still has the same value.
   */
  private checkItemCached(item: RulesItem, fileIndex: number, problems: Diagnostic[]): void {
    if (!this.reuseItems) {
      this.checkItem(item, fileIndex, problems);
      return;
    }
    const base = item.elementSpan.start;
    const cached = itemDiagnosticsCache.get(item.key);
    if (cached && cached.environmentKey === this.environmentKey && this.stillHolds(cached.queries, item, fileIndex)) {
      for (const diagnostic of cached.diagnostics) problems.push({ ...diagnostic, span: { start: diagnostic.span.start + base, end: diagnostic.span.end + base } });
      return;
    }
    const before = problems.length;
    this.recording = [];
    try {
      this.checkItem(item, fileIndex, problems);
    } finally {
      const queries = this.recording;
      this.recording = undefined;
      const diagnostics = problems.slice(before).map((d) => ({ ...d, span: { start: d.span.start - base, end: d.span.end - base } }));
      itemDiagnosticsCache.set(item.key, { environmentKey: this.environmentKey, queries, diagnostics });
    }
  }

  private record(query: Query, answer: string): void {
    this.recording?.push([query, answer]);
  }

  private stillHolds(queries: ReadonlyArray<[Query, string]>, item: RulesItem, fileIndex: number): boolean {
    if (queries.length === 0) return true;
    const scope = this.scopeFor(item, fileIndex);
    return queries.every(([query, answer]) => this.answer(query, item, fileIndex, scope) === answer);
  }

  /** Returns the value of a recorded query for `item` in this program, as the text it was recorded with. */
  private answer([kind, name]: Query, item: RulesItem, fileIndex: number, scope: ConditionScope): string {
    switch (kind) {
      case 'macroState':
        return JSON.stringify(scope.macroState(name) ?? null);
      case 'macroText':
        return this.macroText(name, fileIndex) ?? '\0';
      case 'listItems':
        return answerList(scope.listItems(name));
      case 'macroNames':
        return scope.macroNames().join('\n');
      case 'usedByRule':
        return String(scope.usedByRule);
      case 'source':
        return String(scope.source);
      case 'definitions':
        return this.definitionsAnswer(item);
    }
  }

  /** Returns every definition that shares the item's kind and name: where it loads relative to the item, and its text. */
  private definitionsAnswer(item: RulesItem): string {
    if (item.kind !== 'rule' && item.kind !== 'macro' && item.kind !== 'list') return '';
    if (item.name === undefined) return '';
    const position = this.positionOf(item)?.order ?? Number.MAX_SAFE_INTEGER;
    return this.definitionsOf(item.kind, item.name)
      .map((d) => `${Math.sign(d.order - position)}:${this.files[d.fileIndex]!.document.text.slice(d.item.elementSpan.start, d.item.elementSpan.end)}`)
      .join('\0');
  }

  /**
   * Returns the diagnostics that start inside one item, as `diagnostics` reports
   * them for its file, but checks only that item when the file's diagnostics are
   * not computed yet. Empty for an item of no file of the program.
   */
  itemDiagnostics(item: RulesItem): Diagnostic[] {
    const position = this.positionOf(item);
    if (!position) return [];
    const document = this.files[position.fileIndex]!.document;
    const inside = (diagnostic: Diagnostic) => diagnostic.span.start >= item.elementSpan.start && diagnostic.span.start <= item.elementSpan.end;
    const cached = this.diagnosticsCache.get(document.uri);
    if (cached) return cached.filter(inside);
    const problems = document.problems.filter(inside);
    if (!item.hasSyntaxErrors) this.checkItemCached(item, position.fileIndex, problems);
    return problems;
  }

  /** Checks one item; an unforeseen failure becomes a warning on the item instead of losing the file's other diagnostics. */
  private checkItem(item: RulesItem, fileIndex: number, problems: Diagnostic[]): void {
    const before = problems.length;
    try {
      problems.push(...checkItemStructure(item));
      this.checkItemSemantics(item, fileIndex, problems);
    } catch (error) {
      // For example nesting deep enough to exhaust the stack.
      problems.length = before;
      problems.push({
        span: item.nameSpan ?? item.span,
        severity: 'warning',
        code: 'internal-error',
        message: `This ${item.kind ?? 'item'} could not be checked (${error instanceof RangeError ? 'it is nested too deeply' : String(error)}). Falco may still accept it; please report the file.`,
      });
    }
  }

  /** Returns the scope visible to a condition of `item`, as Falco's load order decides it. */
  scopeFor(item: RulesItem, fileIndex: number): ConditionScope {
    const scope = this.plainScopeFor(item, fileIndex);
    if (!this.recording) return scope;
    // Record each fact the check reads, so that a later program can tell whether a value changed.
    this.record(['source', ''], String(scope.source));
    this.record(['usedByRule', ''], String(scope.usedByRule));
    return {
      ...scope,
      macroState: (name) => {
        const state = scope.macroState(name);
        this.record(['macroState', name], JSON.stringify(state ?? null));
        return state;
      },
      macroExpr: (name) => {
        this.record(['macroText', name], this.macroText(name, fileIndex) ?? '\0');
        return scope.macroExpr(name);
      },
      listItems: (name) => {
        const items = scope.listItems(name);
        this.record(['listItems', name], answerList(items));
        return items;
      },
      macroNames: () => {
        const names = scope.macroNames();
        this.record(['macroNames', ''], names.join('\n'));
        return names;
      },
    };
  }

  private plainScopeFor(item: RulesItem, fileIndex: number): ConditionScope {
    const position = this.positionOf(item) ?? { fileIndex, order: Number.MAX_SAFE_INTEGER };
    const isMacro = item.kind === 'macro';
    const source = item.kind === 'rule' ? this.ruleSource(item) : undefined;
    return {
      source,
      usedByRule: isMacro && item.name !== undefined ? this.macroUsedByRule(item.name) : false,
      macroState: (name) => {
        const defs = this.definitionsOf('macro', name).filter((d) => d.fileIndex <= position.fileIndex);
        const first = defs[0];
        if (!first) {
          const later = this.definitionsOf('macro', name)[0];
          return later ? { state: 'later', where: `in ${displayName(this.files[later.fileIndex]!.document.uri)}, which loads after this file` } : undefined;
        }
        if (isMacro && first.order >= position.order) {
          return first.item === item ? { state: 'self' } : { state: 'later', where: 'further down' };
        }
        return { state: 'visible' };
      },
      macroExpr: (name) => this.macroExpr(name, position.fileIndex),
      listItems: (name) => this.listItems(name, position.fileIndex),
      macroNames: () => this.namesOf('macro', position.fileIndex),
      pluginLoaded: (plugin) => this.environment.pluginLoaded(plugin),
    };
  }

  private ruleSource(item: RulesItem): string | undefined {
    const text = scalarText(item, item.get('source')?.value);
    if (text !== undefined && text !== '') return text;
    if (isRuleUpdate(item) && item.name !== undefined) {
      const target = this.definitionsOf('rule', item.name).find((d) => !d.isUpdate);
      const targetSource = target ? scalarText(target.item, target.item.get('source')?.value) : undefined;
      if (targetSource) return targetSource;
    }
    return 'syscall';
  }

  /** Returns the condition text of the macro `name` as visible from file `fileIndex` (its last full definition). */
  private macroText(name: string, fileIndex: number): string | undefined {
    const defs = this.definitionsOf('macro', name).filter((d) => d.fileIndex <= fileIndex && !d.isUpdate);
    const last = defs[defs.length - 1];
    return last ? scalarText(last.item, last.item.get('condition')?.value) : undefined;
  }

  /** Returns the parsed condition of the macro `name` as visible from file `fileIndex` (its last full definition). */
  private macroExpr(name: string, fileIndex: number): Expr | undefined {
    const defs = this.definitionsOf('macro', name).filter((d) => d.fileIndex <= fileIndex && !d.isUpdate);
    const last = defs[defs.length - 1];
    if (!last) return undefined;
    if (!this.macroExprCache.has(last.item)) {
      const text = scalarText(last.item, last.item.get('condition')?.value);
      this.macroExprCache.set(last.item, text === undefined ? undefined : parseCondition(text).expr);
    }
    return this.macroExprCache.get(last.item);
  }

  /** Returns the items of list `name` as visible from file `fileIndex`, nested lists expanded, or undefined when it is not a list. */
  listItems(name: string, fileIndex: number): readonly string[] | undefined {
    const key = `${fileIndex}:${name}`;
    if (this.listItemCache.has(key)) return this.listItemCache.get(key);
    if (!this.listsWarmed) {
      // Expanding every list in load order first keeps the recursion shallow for long chains of lists.
      this.listsWarmed = true;
      for (const [definitionKey, defs] of this.definitions) {
        // Lists of indexed files are expanded on request, which keeps their items unparsed.
        if (definitionKey.startsWith('list:') && !defs[0]!.item.summary) this.listItems(defs[0]!.name, defs[0]!.fileIndex);
      }
      if (this.listItemCache.has(key)) return this.listItemCache.get(key);
    }
    const defs = this.definitionsOf('list', name).filter((d) => d.fileIndex <= fileIndex);
    if (defs.length === 0) {
      this.listItemCache.set(key, undefined);
      return undefined;
    }
    this.listItemCache.set(key, []); // guards against self-reference while expanding
    let items: string[] = [];
    for (const def of defs) {
      const values = this.rawListItems(def.item);
      const expanded: string[] = [];
      for (const value of values) {
        const nested = value !== name ? this.definitionsOf('list', value).filter((d) => d.order < def.order) : [];
        if (nested.length && this.listExpansionBudget > 0) {
          const before = expanded.length;
          appendUpTo(expanded, this.listItems(value, nested[nested.length - 1]!.fileIndex) ?? [], MAX_EXPANDED_LIST_ITEMS);
          this.listExpansionBudget -= expanded.length - before;
        }
        else if (expanded.length < MAX_EXPANDED_LIST_ITEMS) expanded.push(unquoteListItem(value));
      }
      items = def.isUpdate && isAppendOrOverrideAppend(def.item, 'items') ? appendUpTo([...items], expanded, MAX_EXPANDED_LIST_ITEMS) : expanded;
    }
    this.listItemCache.set(key, items);
    return items;
  }

  private rawListItems(item: RulesItem): readonly string[] {
    return listValues(item);
  }

  private checkItemSemantics(item: RulesItem, fileIndex: number, problems: Diagnostic[]): void {
    // Updates, redefinitions and exceptions read the other definitions of the same name.
    if (this.recording && item.name !== undefined) this.record(['definitions', ''], this.definitionsAnswer(item));
    if (item.kind === 'rule') this.checkRule(item, fileIndex, problems);
    else if (item.kind === 'macro') this.checkMacro(item, fileIndex, problems);
    else if (item.kind === 'list') this.checkListUpdate(item, fileIndex, problems);
    else if (item.kind === 'required_engine_version') problems.push(...this.environment.checkEngineRequirement(item));
    else if (item.kind === 'required_plugin_versions') problems.push(...this.environment.checkPluginRequirements(item));
  }

  private checkRule(item: RulesItem, fileIndex: number, problems: Diagnostic[]): void {
    const scope = this.scopeFor(item, fileIndex);
    const source = scope.source ?? 'syscall';
    const sourceEntry = item.get('source');
    const sourceKnown = this.environment.sourceLoaded(source);
    if (!sourceKnown && sourceEntry) {
      problems.push({
        span: sourceEntry.valueSpan,
        severity: 'warning',
        code: 'LOAD_UNKNOWN_SOURCE',
        message: `Unknown source ${source}, skipping: Falco skips this rule unless a plugin provides the '${source}' source.${didYouMean(suggest(source, this.environment.loadedSources(), 1))}`,
      });
    }
    this.checkUpdateTarget(item, fileIndex, problems);

    const conditionEntry = item.get('condition');
    const problemsBefore = problems.length;
    let facts: ConditionFacts | undefined;
    if (conditionEntry?.value && isScalar(conditionEntry.value)) {
      const map = item.scalar(conditionEntry.value as Scalar);
      if (map.value.trim() !== '') {
        const appended = isRuleUpdate(item) && isAppendOrOverrideAppend(item, 'condition');
        if (appended) {
          if (checkAppendedStart(map, conditionEntry.valueSpan, problems) && sourceKnown) {
            checkCondition(appendedPart(map), scope, problems, conditionEntry.keySpan, false);
          }
        } else {
          facts = sourceKnown
            ? checkCondition(map, scope, problems, conditionEntry.keySpan, true)
            : { macros: new Set(), lists: new Set(), ...reportSyntaxOnly(map, problems) };
        }
      }
    }

    // Falco stops at a file's first error, so a rule whose condition fails gets no event-type warning.
    const conditionFailed = problems.slice(problemsBefore).some((p) => p.severity === 'error');

    const outputEntry = item.get('output');
    if (sourceKnown && outputEntry?.value && isScalar(outputEntry.value) && !(isRuleUpdate(item) && isAppendOrOverrideAppend(item, 'output'))) {
      checkOutput(item.scalar(outputEntry.value as Scalar), source, problems, (plugin) => this.environment.pluginLoaded(plugin));
    }

    const warnEvttypes = scalarText(item, item.get('warn_evttypes')?.value);
    if (facts?.eventSet && !conditionFailed && source === 'syscall' && conditionEntry && (warnEvttypes === undefined || parseYamlCppBool(warnEvttypes) !== false)) {
      const count = eventSetCount(facts.eventSet);
      // Falco 0.44 (engine 0.62) also warns on an empty set; later engines do not (libs filter/ppm_codes.cpp).
      const warnsOnEmpty = !isCompatible(this.environment.engineVersion, [0, 63, 0]);
      if (count > NO_EVTTYPE_THRESHOLD || (count === 0 && warnsOnEmpty)) {
        problems.push({
          span: conditionEntry.keySpan,
          severity: 'warning',
          code: 'LOAD_NO_EVTTYPE',
          message: count === 0
            ? 'Rule matches no evt.type values: its event-type restrictions contradict each other, so it can never fire.'
            : `Rule matches too many evt.type values (${count} event codes). This has a significant performance penalty: restrict the condition with evt.type, for example 'evt.type in (execve, execveat)' or a macro such as spawned_process. Set 'warn_evttypes: false' if this is intended.`,
        });
      }
    }

    const order = this.positionOf(item)?.order ?? Number.MAX_SAFE_INTEGER;
    checkRuleExceptions(item, { condition: scope, sourceLoaded: sourceKnown, earlier: this.definitionsOf('rule', item.name ?? '').filter((d) => d.order < order).map((d) => d.item) }, problems);

    const skip = scalarText(item, item.get('skip-if-unknown-filter')?.value);
    if (skip !== undefined && parseYamlCppBool(skip) === true) downgradeUnknownFilters(problems, problemsBefore);
    this.checkRedefinedSource(item, source, problems);
    checkTags(item, problems);
  }

  /** A later full definition of a rule must keep the source of the earlier one. */
  private checkRedefinedSource(item: RulesItem, source: string, problems: Diagnostic[]): void {
    if (item.name === undefined || isRuleUpdate(item) || !item.get('condition')) return;
    const position = this.positionOf(item)!;
    const earlier = this.definitionsOf('rule', item.name).find((d) => d.order < position.order && !d.isUpdate && d.item.get('condition'));
    if (!earlier) return;
    const earlierSource = scalarText(earlier.item, earlier.item.get('source')?.value) || 'syscall';
    if (earlierSource === source) return;
    problems.push({
      span: item.get('source')?.valueSpan ?? item.nameSpan!,
      severity: 'error',
      code: 'LOAD_ERR_VALIDATE',
      message: `Rule has been re-defined with a different source: '${item.name}' was defined for the '${earlierSource}' source, and this definition is for '${source}'${item.get('source') ? '' : ' (the default)'}. Keep 'source: ${earlierSource}', or give this rule another name.`,
    });
  }

  private checkMacro(item: RulesItem, fileIndex: number, problems: Diagnostic[]): void {
    this.checkUpdateTarget(item, fileIndex, problems);
    const conditionEntry = item.get('condition');
    if (!conditionEntry?.value || !isScalar(conditionEntry.value)) return;
    const map = item.scalar(conditionEntry.value as Scalar);
    if (map.value.trim() === '') return;
    const appended = (!!item.get('override') && isAppendOrOverrideAppend(item, 'condition')) || isAppendItem(item);
    if (appended && !checkAppendedStart(map, conditionEntry.valueSpan, problems)) return;
    checkCondition(appended ? appendedPart(map) : map, this.scopeFor(item, fileIndex), problems, conditionEntry.keySpan, false);
  }

  private checkListUpdate(item: RulesItem, fileIndex: number, problems: Diagnostic[]): void {
    this.checkUpdateTarget(item, fileIndex, problems);
  }

  /** Appends and overrides need an earlier item of the same name. */
  private checkUpdateTarget(item: RulesItem, fileIndex: number, problems: Diagnostic[]): void {
    const kind = item.kind as 'rule' | 'macro' | 'list';
    if (item.name === undefined) return;
    const isUpdate = kind === 'rule' ? isRuleUpdate(item) : !!item.get('override') || isAppendItem(item);
    const isEnableOnly = kind === 'rule' && !isUpdate && !item.get('condition') && !item.get('output') && !item.get('desc') && !item.get('priority') && !!item.get('enabled');
    if (!isUpdate && !isEnableOnly) return;
    const position = this.positionOf(item)!;
    const earlier = this.definitionsOf(kind, item.name).some((d) => d.order < position.order && !d.isUpdate);
    if (earlier) return;
    void fileIndex;
    const messages: Record<typeof kind, string> = {
      rule: isEnableOnly ? "Rule has 'enabled' key but no rule by that name already exists." : "Rule uses 'append' or 'override' but no rule by that name already exists.",
      macro: "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists.",
      list: "List uses 'append' or 'override.items: append' but no list by that name already exists.",
    };
    const candidates = suggest(item.name, this.namesOf(kind, position.fileIndex), 1);
    problems.push({
      span: item.nameSpan!,
      severity: 'error',
      code: 'LOAD_ERR_VALIDATE',
      message: `${messages[kind]} Define '${item.name}' first, or load the file that defines it earlier.${didYouMean(candidates)}`,
    });
  }

  /** LOAD_UNUSED_MACRO and LOAD_UNUSED_LIST for the items of one file. */
  private checkUnused(document: RulesDocument, fileIndex: number, problems: Diagnostic[]): void {
    for (const item of document.items) {
      if (item.name === undefined || item.hasSyntaxErrors) continue;
      if (item.kind === 'macro' && !this.macroReferenced(item.name) && !item.get('override') && !isAppendItem(item)) {
        problems.push({ span: item.nameSpan!, severity: 'warning', code: 'LOAD_UNUSED_MACRO', message: `Macro '${item.name}' is not referred to by any rule or macro.` });
      } else if (item.kind === 'list' && !this.listReferenced(item.name) && !item.get('override') && !isAppendItem(item)) {
        problems.push({ span: item.nameSpan!, severity: 'warning', code: 'LOAD_UNUSED_LIST', message: `List '${item.name}' is not referred to by any rule, macro or list.` });
      }
    }
    void fileIndex;
  }

  /** True when some loaded rule or macro refers to the macro `name`. */
  private macroReferenced(name: string): boolean {
    return this.files.some((file) => usageOf(file.document).conditionWords.has(name));
  }

  /** True when some loaded rule, macro or other list refers to the list `name`. */
  private listReferenced(name: string): boolean {
    return this.files.some((file) => {
      const usage = usageOf(file.document);
      return usage.conditionWords.has(name) || usage.listWords.has(name);
    });
  }

  /**
   * Returns true when a rule uses the macro `name`, directly or through other
   * macros. The search goes back through the macros that refer to it. When it
   * finds no rule, no macro on the way has one either, so all are recorded.
   */
  private macroUsedByRule(name: string): boolean {
    const known = this.usedByRule.get(name);
    if (known !== undefined) return known;
    const usages = this.files.map((file) => usageOf(file.document));
    const visited = new Set([name]);
    const pending = [name];
    while (pending.length) {
      const current = pending.pop()!;
      if (usages.some((usage) => usage.ruleWords.has(current))) {
        this.usedByRule.set(name, true);
        return true;
      }
      for (const usage of usages) {
        for (const referrer of usage.macroReferrers.get(current) ?? []) {
          if (!visited.has(referrer)) {
            visited.add(referrer);
            pending.push(referrer);
          }
        }
      }
    }
    for (const macro of visited) this.usedByRule.set(macro, false);
    return false;
  }
}

interface DefinitionEntry {
  key: string;
  kind: Definition['kind'];
  name: string;
  item: RulesItem;
  isUpdate: boolean;
}

/** The file each item belongs to, recorded when its file's definitions are first read. */
const itemDocuments = new WeakMap<RulesItem, RulesDocument>();
const definitionEntries = new WeakMap<RulesDocument, DefinitionEntry[]>();

/** The named macros, lists and rules of a file, read once per version of the file. */
function definitionEntriesOf(document: RulesDocument): DefinitionEntry[] {
  let entries = definitionEntries.get(document);
  if (entries) return entries;
  entries = [];
  for (const item of document.items) {
    itemDocuments.set(item, document);
    if ((item.kind === 'macro' || item.kind === 'list' || item.kind === 'rule') && item.name !== undefined) {
      entries.push({ key: `${item.kind}:${item.name}`, kind: item.kind, name: item.name, item, isUpdate: isUpdateItem(item) });
    }
  }
  definitionEntries.set(document, entries);
  return entries;
}

/** The names one file's items may refer to, for the unused-macro and unused-list checks. */
interface DocumentUsage {
  /** Words of every rule's and macro's condition and exceptions. */
  conditionWords: Set<string>;
  /** Words of rules only. */
  ruleWords: Set<string>;
  /** Words of list items, except a list's own name. */
  listWords: Set<string>;
  /** For each word, the macros whose condition or exceptions use it. */
  macroReferrers: Map<string, string[]>;
}

const documentUsages = new WeakMap<RulesDocument, DocumentUsage>();

function usageOf(document: RulesDocument): DocumentUsage {
  let usage = documentUsages.get(document);
  if (usage) return usage;
  usage = { conditionWords: new Set(), ruleWords: new Set(), listWords: new Set(), macroReferrers: new Map() };
  for (const item of document.items) {
    if (item.kind === 'list') {
      // An indexed file's list offers the words of its items, which include every plain item.
      for (const value of item.summary ? item.summary.words : listValues(item)) if (value !== item.name) usage.listWords.add(value);
      continue;
    }
    if (item.kind !== 'rule' && item.kind !== 'macro') continue;
    for (const word of conditionWords(item)) {
      usage.conditionWords.add(word);
      if (item.kind === 'rule') usage.ruleWords.add(word);
      else if (item.name !== undefined) {
        const referrers = usage.macroReferrers.get(word);
        if (referrers) referrers.push(item.name);
        else usage.macroReferrers.set(word, [item.name]);
      }
    }
  }
  documentUsages.set(document, usage);
  return usage;
}

const conditionWordsCache = new WeakMap<object, readonly string[]>();

/** Returns the decoded scalar items of a list, as written (nested list names not expanded). */
function listValues(item: RulesItem): readonly string[] {
  let values = rawListItemsCache.get(item.key);
  if (!values) {
    const node = item.get('items')?.value;
    const found: string[] = [];
    if (node && isSeq(node)) {
      for (const element of node.items) {
        if (isScalar(element)) found.push(scalarText(item, element as YamlNode) ?? '');
      }
    }
    values = found;
    rawListItemsCache.set(item.key, values);
  }
  return values;
}
const rawListItemsCache = new WeakMap<object, readonly string[]>();
const isUpdateCache = new WeakMap<object, boolean>();

/** True for items that change an earlier definition (`override`, `append`, or a rule without a condition). */
function isUpdateItem(item: RulesItem): boolean {
  if (item.summary) return item.summary.isUpdate;
  let isUpdate = isUpdateCache.get(item.key);
  if (isUpdate === undefined) {
    isUpdate = item.kind === 'rule' ? isRuleUpdate(item) || !item.get('condition') : !!item.get('override') || isAppendItem(item);
    isUpdateCache.set(item.key, isUpdate);
  }
  return isUpdate;
}

/** Returns the distinct words of an item's condition and exceptions that could name a macro or a list. */
function conditionWords(item: RulesItem): readonly string[] {
  if (item.summary) return item.summary.words;
  let words = conditionWordsCache.get(item.key);
  if (!words) {
    const texts = [scalarText(item, item.get('condition')?.value)];
    const exceptions = item.get('exceptions')?.value;
    if (exceptions) texts.push(collectScalars(item, exceptions).join(' '));
    const found = new Set<string>();
    for (const text of texts) for (const word of text?.match(/[A-Za-z_][A-Za-z0-9_.:\-/*]*/g) ?? []) found.add(word);
    words = [...found];
    conditionWordsCache.set(item.key, words);
  }
  return words;
}

function collectScalars(item: RulesItem, node: YamlNode): string[] {
  if (isScalar(node)) return [scalarText(item, node) ?? ''];
  const children = (node as { items?: unknown[] }).items ?? [];
  const result: string[] = [];
  for (const child of children) {
    const value = (child as { value?: unknown }).value !== undefined && !(isScalar(child)) ? (child as { value: YamlNode }).value : (child as YamlNode);
    if (value && typeof value === 'object') result.push(...collectScalars(item, value as YamlNode));
  }
  return result;
}

/** Reports an appended condition that does not start with `and`/`or`; returns whether it does. */
function checkAppendedStart(map: ScalarMap, span: Span, problems: Diagnostic[]): boolean {
  if (/^\s*(?:and|or)\b/.test(map.value)) return true;
  problems.push({
    span,
    severity: 'error',
    code: 'LOAD_ERR_COMPILE_CONDITION',
    message: "An appended condition is added to the earlier one as it is, so it must start with 'and' or 'or'.",
  });
  return false;
}

/**
 * Returns the part of an appended condition after its leading `and`/`or`, which
 * parses on its own, with the offsets of the original text.
 */
function appendedPart(map: ScalarMap): ScalarMap {
  const start = /^\s*(?:and|or)\b/.exec(map.value)?.[0].length ?? 0;
  return {
    value: map.value.slice(start),
    offsets: map.offsets.slice(start),
    ...(map.ends ? { ends: map.ends.slice(start) } : {}),
    exact: map.exact,
  };
}

/** Returns the file name of a URI or path, for messages. */
function displayName(uri: string): string {
  const name = uri.slice(uri.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/**
 * Turns the errors that `skip-if-unknown-filter: true` covers into the
 * LOAD_UNKNOWN_FILTER warnings Falco gives instead (falco
 * rule_loader_compiler.cpp `err_is_unknown_type_or_field`); other errors stay.
 */
function downgradeUnknownFilters(problems: Diagnostic[], from: number): void {
  for (let i = from; i < problems.length; i++) {
    const problem = problems[i]!;
    if (problem.severity !== 'error' || !problem.data?.unknownFilter) continue;
    problems[i] = { ...problem, severity: 'warning', code: 'LOAD_UNKNOWN_FILTER', message: `${problem.message} Falco skips this rule because it sets 'skip-if-unknown-filter: true'.` };
  }
}

/**
 * Falco substitutes list items into the condition text, so an item written
 * with its own quotes (`'"10.0.0.0/8"'`) is read as a quoted string there.
 */
function unquoteListItem(value: string): string {
  const quote = value.charAt(0);
  if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) return value.slice(1, -1);
  return value;
}

function isAppendItem(item: RulesItem): boolean {
  const text = scalarText(item, item.get('append')?.value);
  return text !== undefined && parseYamlCppBool(text) === true;
}

/** True when `key` is appended by `append: true` or `override: { key: append }`. */
function isAppendOrOverrideAppend(item: RulesItem, key: string): boolean {
  if (isAppendItem(item)) return true;
  const override = item.get('override')?.value as { items?: Array<{ key: unknown; value: unknown }> } | null | undefined;
  return !!override?.items?.some((pair) => isScalar(pair.key) && (pair.key as Scalar).value === key && isScalar(pair.value) && (pair.value as Scalar).value === 'append');
}

/** For rules of an unknown source, which Falco skips without compiling: syntax errors, as warnings. */
function reportSyntaxOnly(map: ScalarMap, problems: Diagnostic[]): Partial<ConditionFacts> {
  const parsed = parseCondition(map.value);
  for (const error of parsed.errors) {
    problems.push({ span: toDocumentSpan(map, error.span), severity: 'warning', code: 'LOAD_ERR_COMPILE_CONDITION', message: `${error.message} (Falco skips rules of unknown sources, so this does not fail the file.)` });
  }
  return {};
}

/**
 * Items kept when a list expands its nested lists. Lists that name another
 * list twice double at each level (a billion-laughs file), so a chain of 40
 * such lists would need 2^40 items. Past this count in one list, or ten
 * times it over all lists of a program, nested lists are no longer expanded.
 *
 * NOTE: a list cut short this way gets no diagnostic, and checks that read
 * its items see only the first ones.
 */
const MAX_EXPANDED_LIST_ITEMS = 100_000;

/** Appends `items` to `target` until it contains `max` items, and returns `target`. */
function appendUpTo(target: string[], items: readonly string[], max: number): string[] {
  for (const item of items) {
    if (target.length >= max) break;
    target.push(item);
  }
  return target;
}
