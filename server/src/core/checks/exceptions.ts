/**
 * Rule exceptions, checked in the three stages in which Falco loads them:
 *
 * - the reader (falco rule_loader_reader.cpp, `read_rule_exceptions`) checks
 *   the shapes of `name`, `fields`, `comps` and `values`
 *   (LOAD_ERR_YAML_VALIDATE) and warns about repeated names and about
 *   appended exceptions without values;
 * - the collector (rule_loader_collector.cpp, `validate_exception_info` and
 *   the rule append) fills in default comps and checks operators, field
 *   names and appends to existing exceptions (LOAD_ERR_VALIDATE);
 * - the compiler (rule_loader_compiler.cpp, `build_rule_exception_infos`)
 *   pastes every value into the rule's condition text, as
 *   `(<condition>) and not ((f1 c1 v1 and f2 c2 v2) or ...)`.
 *
 * For the last stage each value is rendered as the compiler renders it:
 * quotes around values with a space, parentheses around values of list
 * operators. List names in the rendered text are then substituted as Falco
 * substitutes them, and the resulting right-hand side is read with the
 * condition parser and checked against the field's type. Problems are
 * reported on the value as written. The rule's whole expanded condition is
 * not parsed again.
 *
 * YAML aliases nested inside an exception are not resolved, so parts
 * written as aliases are not checked.
 */
import { isAlias, isMap, isScalar, isSeq, Scalar } from 'yaml';
import type { Node as YamlNode, Pair, YAMLMap } from 'yaml';
import type { Diagnostic, Severity, Span } from '../types';
import type { RulesItem } from '../document/model';
import type { ScalarMap } from '../yaml/scalar-map';
import { toDocumentSpan } from '../yaml/scalar-map';
import type { FieldExpr, TransformerExpr, ValueExpr } from '../condition/ast';
import { parseCondition } from '../condition/parser';
import { ALL_OPERATORS, FIELD_TRANSFORMERS, LIST_OPERATORS, STRING_OPERATORS, STRING_OPERATOR_MODIFIERS, VAL_TRANSFORMER, offendingTokenSpan } from '../condition/lexer';
import { catalog, isKnownEventName, operatorsForType } from '../catalog';
import type { ConditionScope } from './condition';
import { fieldNamesForSource, lookupField } from './fields';
import { checkValueForType, networkFieldFor } from './values';
import { parseYamlCppBool, scalarText } from './structure';
import { didYouMean, suggest } from '../util/suggest';

/** The facts from the program that the exception checks need. */
export interface ExceptionScope {
  /** The scope of the rule's condition: its source, the visible lists and the loaded plugins. */
  condition: ConditionScope;
  /** False when no loaded plugin provides the rule's source: Falco then skips the rule and checks no field. */
  sourceLoaded: boolean;
  /** The earlier items with the rule's name (definitions, appends, overrides), in load order. */
  earlier: readonly RulesItem[];
}

/** The way Falco reads an item's `exceptions`: as a definition, an append, or an `exceptions: replace` override. */
type Mode = 'define' | 'append' | 'replace';

const EXCEPTION_KEYS = ['name', 'fields', 'comps', 'values'];
const SINGLE_FIELD_OPERATORS = ['in', 'pmatch', 'intersects'];
/** Blanks that Falco trims from a comp (rule_loader_collector.cpp `normalize_comp`). */
const COMP_BLANKS = /^[ \t\r\n]+|[ \t\r\n]+$/g;
/** Characters that bound a list name in Falco's text substitution (rule_loader_compiler.cpp `resolve_list`). */
const LIST_DELIMITERS = ' \t\n\r(),=';
const LIST_BLANKS = ' \t\n\r';
const RENDERED_MAX = 100;

/**
 * One of an exception's `fields`, `comps` or values, decoded as Falco's
 * reader decodes it: a scalar, or a sequence of entries. A null or a map
 * decodes to an empty scalar, as in Falco.
 */
interface Entry {
  isList: boolean;
  /** The decoded scalar; empty for a sequence, a null or a map. */
  text: string;
  items: Entry[];
  /** The whole node, YAML quotes included. */
  span: Span;
  /** The scalar's content without YAML quotes; `span` for other nodes and for empty scalars. */
  textSpan: Span;
  map?: ScalarMap;
  /** True when the entry is or contains a YAML alias, which this module does not resolve. */
  opaque: boolean;
  /** True for an empty string, or a sequence with one, which the reader already rejected. */
  rejected?: boolean;
}

interface KeyedEntry {
  keySpan: Span;
  entry: Entry;
}

interface ExceptionDef {
  name?: string;
  /** The name's value, or the exception's first key when it has no usable name: where problems of the whole exception go. */
  anchor: Span;
  fields?: KeyedEntry;
  comps?: KeyedEntry;
  /** Absent when the exception has no `values` key; `opaque` when the values are a YAML alias. */
  values?: { keySpan: Span; span: Span; rows: Entry[]; opaque: boolean };
  /** Keys other than name, fields, comps and values, which Falco ignores (its JSON schema check reports them). */
  unknownKeys: string[];
}

/** A field of an exception as the compiler uses it. */
interface FieldInfo {
  text: string;
  type: string;
  isList: boolean;
  /** True for the plain field `evt.type`, whose values must be event names. */
  isEventType: boolean;
  deprecated?: string;
}

/** An exception whose fields and comps passed the collector's checks. */
interface Shape {
  /** True when `fields` is a single string (`f in (v1, v2)`), false for a list of fields. */
  single: boolean;
  fields: Entry[];
  comps: string[];
  /** The comps as written; undefined where Falco filled in the default. */
  compEntries: Array<Entry | undefined>;
  /** Resolved fields; undefined entries when the rule's source is not loaded. */
  fieldInfos: Array<FieldInfo | undefined>;
}

/** Collects diagnostics, once per span, code and message; `silent` reads without reporting. */
class Reporter {
  private readonly seen = new Set<string>();
  constructor(
    private readonly problems: Diagnostic[] | undefined,
  ) {}

  get silent(): boolean {
    return this.problems === undefined;
  }

  report(span: Span, severity: Severity, code: string, message: string, options: { suggestions?: string[]; unknownFilter?: boolean } = {}): void {
    if (!this.problems) return;
    const key = `${span.start}:${span.end}:${code}:${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const data = { ...(options.suggestions?.length ? { suggestions: options.suggestions } : {}), ...(options.unknownFilter ? { unknownFilter: true } : {}) };
    this.problems.push({ span, severity, code, message, ...(Object.keys(data).length ? { data } : {}) });
  }

  error(span: Span, code: string, message: string, options?: { suggestions?: string[]; unknownFilter?: boolean }): void {
    this.report(span, 'error', code, message, options);
  }

  warning(span: Span, code: string, message: string, options?: { suggestions?: string[] }): void {
    this.report(span, 'warning', code, message, options);
  }
}

/**
 * Checks the `exceptions` of a rule item: their shapes, their fields and
 * comps against the rule's source, appends to earlier exceptions of the
 * rule, and each value as Falco pastes it into the rule's condition.
 */
export function checkRuleExceptions(item: RulesItem, scope: ExceptionScope, problems: Diagnostic[]): void {
  const mode = exceptionMode(item);
  const entry = item.get('exceptions');
  if (!mode || !entry || entry.value === null) return;
  const reporter = new Reporter(problems);
  const definitions = readExceptions(item, entry.value, entry.valueSpan, mode === 'append', reporter);
  if (!definitions) return;

  const checker = new ExceptionChecker(item, scope, reporter);
  if (mode === 'append') checker.checkAppend(definitions, exceptionsBefore(scope));
  else checker.checkDefinitions(definitions, mode);
}

/** Decides how Falco reads the item's `exceptions`, or undefined when it does not read them. */
function exceptionMode(item: RulesItem): Mode | undefined {
  const override = item.get('override');
  if (override) {
    if (!override.value || !isMap(override.value)) return undefined;
    const pair = findPair(override.value, 'exceptions');
    const operation = pair && isScalar(pair.value) ? scalarText(item, pair.value as YamlNode) : undefined;
    if (operation === 'append') return 'append';
    if (operation === 'replace') return 'replace';
    return undefined;
  }
  const append = scalarText(item, item.get('append')?.value);
  if (append !== undefined && parseYamlCppBool(append) === true) return 'append';
  // A rule item with none of these keys only enables or disables an earlier rule.
  if (['condition', 'output', 'desc', 'priority'].some((key) => item.get(key))) return 'define';
  return undefined;
}

/**
 * Replays the earlier items of the rule and returns its exceptions as they
 * leave them: each name with its checked fields and comps, or null when
 * those failed. Returns undefined when no earlier item defines the rule.
 */
function exceptionsBefore(scope: ExceptionScope): Map<string, Shape | null> | undefined {
  let state: Map<string, Shape | null> | undefined;
  const silent = new Reporter(undefined);
  for (const earlier of scope.earlier) {
    const mode = exceptionMode(earlier);
    if (!mode || (mode !== 'define' && !state)) continue;
    const entry = earlier.get('exceptions');
    const definitions = entry && entry.value !== null ? readExceptions(earlier, entry.value, entry.valueSpan, mode === 'append', silent) ?? [] : [];
    if (mode !== 'append') state = new Map();
    const checker = new ExceptionChecker(earlier, scope, silent);
    for (const definition of definitions) {
      if (definition.name === undefined || state!.has(definition.name)) continue;
      state!.set(definition.name, checker.checkShape(definition, mode) ?? null);
    }
  }
  return state;
}

// ---------------------------------------------------------------------------
// Reader

function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => isScalar(pair.key) && String((pair.key as Scalar).value) === key) as Pair | undefined;
}

/** Reads the exception list as Falco's reader does; undefined when `exceptions` is not a sequence. */
function readExceptions(item: RulesItem, value: YamlNode, valueSpan: Span, append: boolean, reporter: Reporter): ExceptionDef[] | undefined {
  if (isAlias(value)) return undefined;
  if (!isSeq(value)) {
    reporter.error(valueSpan, 'LOAD_ERR_YAML_VALIDATE', "Rule exceptions must be a sequence: write 'exceptions:' as a list of exceptions, each with 'name', 'fields' and 'values'.");
    return undefined;
  }
  const definitions: ExceptionDef[] = [];
  for (const element of value.items) {
    const node = element as YamlNode | null;
    if (node && isAlias(node)) continue;
    if (!node || !isMap(node)) {
      // A null element has an empty range just after its dash.
      const span = node ? item.spanOf(node) : zeroWidth(valueSpan);
      reporter.error(span, 'LOAD_ERR_YAML_VALIDATE', "Rule exception must be a mapping: write each exception as a map with 'name', 'fields', and optionally 'comps' and 'values'.");
      continue;
    }
    const definition = readException(item, node, append, reporter);
    const earlier = definition.name !== undefined && definitions.some((other) => other.name === definition.name);
    if (earlier) {
      reporter.warning(definition.anchor, 'LOAD_EXCEPTION_NAME_NOT_UNIQUE', `Multiple definitions of exception '${definition.name}' in the same rule. Give each exception its own name, or merge their values into one.`);
    }
    definitions.push(definition);
  }
  return definitions;
}

function readException(item: RulesItem, node: YAMLMap, append: boolean, reporter: Reporter): ExceptionDef {
  const mapSpan = item.spanOf(node);
  const firstKey = node.items[0]?.key as YamlNode | undefined;
  const headSpan = firstKey ? item.spanOf(firstKey) : mapSpan;
  const definition: ExceptionDef = { anchor: headSpan, unknownKeys: [] };

  const namePair = findPair(node, 'name');
  if (!namePair) {
    reporter.error(headSpan, 'LOAD_ERR_YAML_VALIDATE', "Item has no mapping for key 'name': give this exception a name with 'name:'.");
  } else {
    const keySpan = item.spanOf(namePair.key as YamlNode);
    const nameNode = namePair.value as YamlNode | null;
    if (!nameNode || (isScalar(nameNode) && nameNode.value === null)) {
      reporter.error(keySpan, 'LOAD_ERR_YAML_VALIDATE', "Mapping for key 'name' is empty. Write the exception's name after 'name:'.");
    } else if (isAlias(nameNode)) {
      definition.anchor = item.spanOf(nameNode);
    } else if (!isScalar(nameNode)) {
      reporter.error(item.spanOf(nameNode), 'LOAD_ERR_YAML_VALIDATE', "Value for 'name' is not a scalar value: write the exception's name as a single string.");
    } else {
      const name = item.scalarValue(nameNode);
      definition.anchor = item.spanOf(nameNode);
      if (name === '') reporter.error(definition.anchor, 'LOAD_ERR_YAML_VALIDATE', "Value for 'name' must be non-empty: write the exception's name.");
      else definition.name = name;
    }
  }

  for (const pair of node.items) {
    if (!isScalar(pair.key)) continue;
    const key = String((pair.key as Scalar).value);
    if (!EXCEPTION_KEYS.includes(key)) definition.unknownKeys.push(key);
  }

  const fieldsPair = findPair(node, 'fields');
  if (fieldsPair) {
    definition.fields = readKeyedEntry(item, fieldsPair, 'fields', reporter);
  } else if (!append) {
    reporter.error(definition.anchor, 'LOAD_ERR_YAML_VALIDATE', "Item has no mapping for key 'fields': an exception definition needs the fields it compares, such as 'fields: [proc.name]'.");
  }
  const compsPair = findPair(node, 'comps');
  if (compsPair) definition.comps = readKeyedEntry(item, compsPair, 'comps', reporter);

  const valuesPair = findPair(node, 'values');
  if (valuesPair) {
    const keySpan = item.spanOf(valuesPair.key as YamlNode);
    const valuesNode = valuesPair.value as YamlNode | null;
    if (valuesNode && isAlias(valuesNode)) {
      definition.values = { keySpan, span: item.spanOf(valuesNode), rows: [], opaque: true };
    } else if (!valuesNode || !isSeq(valuesNode)) {
      const span = valuesNode && !(isScalar(valuesNode) && valuesNode.value === null) ? item.spanOf(valuesNode) : keySpan;
      reporter.error(span, 'LOAD_ERR_YAML_VALIDATE', "Rule exception values must be a sequence: write 'values:' as a list, such as 'values: [[bash, /tmp]]' for two fields or 'values: [bash, sh]' for a single field.");
    } else {
      const span = item.spanOf(valuesNode);
      const rows = valuesNode.items.map((row) => decodeEntry(item, row as YamlNode | null, span, 'values', reporter));
      definition.values = { keySpan, span, rows, opaque: rows.some((row) => row.opaque) };
    }
  } else if (append) {
    const typo = definition.unknownKeys.includes('value');
    reporter.warning(
      definition.anchor,
      'LOAD_APPEND_NO_VALUES',
      `Overriding/appending exception with no values: exception '${definition.name ?? ''}' adds nothing to the rule. Add its values under 'values:'${typo ? " (this exception has a 'value:' key, which Falco ignores)" : ''}.`,
    );
  }

  return definition;
}

function readKeyedEntry(item: RulesItem, pair: Pair, key: string, reporter: Reporter): KeyedEntry {
  const keySpan = item.spanOf(pair.key as YamlNode);
  return { keySpan, entry: decodeEntry(item, pair.value as YamlNode | null, keySpan, key, reporter) };
}

/** Decodes a node as Falco's `decode_exception_info_entry` does; `fallback` is the span used for nodes without text. */
function decodeEntry(item: RulesItem, node: YamlNode | null, fallback: Span, key: string, reporter: Reporter): Entry {
  const empty = (span: Span, opaque = false): Entry => ({ isList: false, text: '', items: [], span, textSpan: span, opaque });
  if (!node) return empty(zeroWidth(fallback));
  const span = nonEmptySpan(item.spanOf(node), zeroWidth(fallback));
  if (isAlias(node)) return empty(span, true);
  if (isScalar(node)) {
    if (node.value === null) return empty(span);
    const text = item.scalarValue(node);
    if (text === '') {
      reporter.error(span, 'LOAD_ERR_YAML_VALIDATE', `Value must be non-empty: Falco rejects an empty string in an exception's '${key}'.`);
      return { ...empty(span), rejected: true };
    }
    const map = item.scalar(node);
    return { isList: false, text, items: [], span, textSpan: nonEmptySpan(toDocumentSpan(map, { start: 0, end: map.value.length }), span), map, opaque: false };
  }
  if (isSeq(node)) {
    const items = node.items.map((child) => decodeEntry(item, child as YamlNode | null, span, key, reporter));
    return { isList: true, text: '', items, span, textSpan: span, opaque: items.some((child) => child.opaque), rejected: items.some((child) => child.rejected) };
  }
  return empty(span);
}

/** Falco's `entry::is_valid`: a non-empty sequence or a non-empty scalar. */
function isValidEntry(entry: Entry | undefined): boolean {
  if (!entry) return false;
  return entry.isList ? entry.items.length > 0 : entry.text !== '';
}

// ---------------------------------------------------------------------------
// Collector and compiler

class ExceptionChecker {
  private readonly source: string;

  constructor(
    private readonly item: RulesItem,
    private readonly scope: ExceptionScope,
    private readonly reporter: Reporter,
  ) {
    this.source = scope.condition.source ?? 'syscall';
  }

  /** Checks the exceptions of a rule definition, or of an `exceptions: replace` override, which brings them whole. */
  checkDefinitions(definitions: ExceptionDef[], mode: Mode): void {
    for (const definition of definitions) {
      const fields = definition.fields;
      if (mode === 'define' && fields && !fields.entry.opaque && !fields.entry.rejected && !isValidEntry(fields.entry)) {
        this.reporter.error(fields.entry.span, 'LOAD_ERR_VALIDATE', "Rule exception item must have fields property with a list of fields: 'fields' is empty. Name the fields this exception compares, such as 'fields: [proc.name]'.");
        continue;
      }
      const shape = this.checkShape(definition, mode);
      if (shape && definition.values) this.checkValues(shape, definition.values.rows);
    }
  }

  /** Checks an append (`append: true` or `exceptions: append`), which adds new exceptions or values to existing ones. */
  checkAppend(definitions: ExceptionDef[], existing: Map<string, Shape | null> | undefined): void {
    // Without an earlier definition of the rule Falco stops at the missing target, which the program reports.
    if (!existing) return;
    const ruleName = this.item.name ?? '';
    for (const definition of definitions) {
      if (definition.name === undefined) continue;
      if (existing.has(definition.name)) {
        if (definition.fields && isValidEntry(definition.fields.entry)) {
          this.reporter.error(definition.fields.keySpan, 'LOAD_ERR_VALIDATE', `Can not append exception fields to existing exception, only values: rule '${ruleName}' already has exception '${definition.name}', whose fields are fixed. Remove 'fields' and 'comps' to append values, or give this exception a new name.`);
        }
        if (definition.comps && isValidEntry(definition.comps.entry)) {
          this.reporter.error(definition.comps.keySpan, 'LOAD_ERR_VALIDATE', `Can not append exception comps to existing exception, only values: rule '${ruleName}' already has exception '${definition.name}', whose comps are fixed. Remove 'comps' to append values, or give this exception a new name.`);
        }
        // The operators were checked where the exception was defined, in an earlier item.
        const shape = existing.get(definition.name);
        if (shape && definition.values) this.checkValues(shape, definition.values.rows, false);
        continue;
      }

      let usable = true;
      if (!definition.fields || (!definition.fields.entry.opaque && !definition.fields.entry.rejected && !isValidEntry(definition.fields.entry))) {
        this.reporter.error(definition.fields?.entry.span ?? definition.anchor, 'LOAD_ERR_VALIDATE', `Rule exception must have fields property with a list of fields: rule '${ruleName}' has no exception '${definition.name}' yet, so this one is new and needs 'fields'. Check the name if you meant to add values to an existing exception.`);
        usable = false;
      }
      if (!definition.values || (definition.values.rows.length === 0 && !definition.values.opaque)) {
        this.reporter.error(definition.values?.span ?? definition.anchor, 'LOAD_ERR_VALIDATE', `Rule exception must have values property with a list of values: exception '${definition.name}' is new to rule '${ruleName}', so it needs at least one value.`);
        usable = false;
      }
      const shape = usable ? this.checkShape(definition, 'append') : undefined;
      existing.set(definition.name, shape ?? null);
      if (shape && definition.values) this.checkValues(shape, definition.values.rows);
    }
  }

  /**
   * Checks fields and comps as `validate_exception_info` does: default comps,
   * equal lengths, supported operators, fields of the rule's source. Returns
   * the shape the compiler uses, or undefined when a check failed.
   */
  checkShape(definition: ExceptionDef, mode: Mode): Shape | undefined {
    const fields = definition.fields?.entry;
    const comps = definition.comps?.entry;
    if (!fields || !isValidEntry(fields) || fields.opaque || comps?.opaque) return undefined;
    const hasValues = (definition.values?.rows.length ?? 0) > 0;
    // NOTE: `exceptions: replace` stores the exceptions without validate_exception_info, so Falco fills in no default comps.
    if (mode === 'replace' && !isValidEntry(comps)) {
      if (hasValues) {
        this.reporter.error(definition.anchor, 'LOAD_ERR_COMPILE_CONDITION', `Falco does not fill in default comps for exceptions brought by 'override: exceptions: replace', so exception '${definition.name ?? ''}' has no comparison operators and Falco cannot compile it. Write 'comps:' explicitly, such as 'comps: ${fields.isList ? `[${fields.items.map(() => '=').join(', ')}]` : 'in'}'.`);
      }
      return undefined;
    }
    return fields.isList ? this.checkListShape(fields, comps, definition) : this.checkSingleShape(fields, comps, definition);
  }

  private checkListShape(fields: Entry, comps: Entry | undefined, definition: ExceptionDef): Shape | undefined {
    const defaulted = !isValidEntry(comps);
    const compEntries: Array<Entry | undefined> = defaulted ? fields.items.map(() => undefined) : comps!.items;
    let ok = true;
    if (!defaulted && comps!.items.length !== fields.items.length) {
      const written = comps!.isList ? `${comps!.items.length} ${comps!.items.length === 1 ? 'operator' : 'operators'}` : `the single string '${comps!.text}'`;
      this.reporter.error(comps!.span, 'LOAD_ERR_VALIDATE', `Fields and comps lists must have equal length: 'fields' lists ${fields.items.length} ${fields.items.length === 1 ? 'field' : 'fields'} and 'comps' has ${written}. Write one comparison operator per field, such as 'comps: [${fields.items.map(() => '=').join(', ')}]'.`);
      return undefined;
    }
    const compTexts = compEntries.map((entry) => (entry ? normalizeComp(entry.text) : '='));
    compEntries.forEach((entry, index) => {
      if (!entry || isSupportedComp(compTexts[index]!)) return;
      ok = false;
      this.reporter.error(entry.isList || entry.text === '' ? entry.span : entry.textSpan, 'LOAD_ERR_VALIDATE', unsupportedCompMessage(compTexts[index]!), { suggestions: suggest(compTexts[index]!, ALL_OPERATORS, 2) });
    });
    const fieldInfos = fields.items.map((field) => this.checkField(field, definition));
    if (fieldInfos.some((info) => info === null)) ok = false;
    if (!ok) return undefined;
    return { single: false, fields: fields.items, comps: compTexts, compEntries, fieldInfos: fieldInfos as Array<FieldInfo | undefined> };
  }

  private checkSingleShape(fields: Entry, comps: Entry | undefined, definition: ExceptionDef): Shape | undefined {
    const defaulted = !isValidEntry(comps);
    if (!defaulted && comps!.isList) {
      this.reporter.error(comps!.span, 'LOAD_ERR_VALIDATE', `Fields and comps must both be strings: 'fields' is the single field '${fields.text}', so 'comps' must be one operator, such as 'comps: in'. To compare several fields, write 'fields' as a list.`);
      return undefined;
    }
    const comp = defaulted ? 'in' : normalizeComp(comps!.text);
    let ok = true;
    if (!SINGLE_FIELD_OPERATORS.includes(comp) && !isModifierComp(comp)) {
      ok = false;
      this.reporter.error(comps!.textSpan, 'LOAD_ERR_VALIDATE', `When fields is a single value, comps must be one of (in, pmatch, intersects) or a modifier operator (e.g. startswith oneof), not '${comp}'. To compare '${fields.text}' with '${comp}', write 'fields: [${fields.text}]' and 'comps: [${comp}]', with each value in its own list.`);
    }
    const info = this.checkField(fields, definition);
    if (info === null || !ok) return undefined;
    return { single: true, fields: [fields], comps: [comp], compEntries: [defaulted ? undefined : comps], fieldInfos: [info] };
  }

  /** Falco's `is_valid_lhs_field`. Returns null when the field is invalid, undefined when it cannot be checked. */
  private checkField(field: Entry, definition: ExceptionDef): FieldInfo | null | undefined {
    if (!this.scope.sourceLoaded) return undefined;
    const resolved = resolveExceptionField(field.text, this.scope.condition);
    if ('info' in resolved) {
      const hasValues = (definition.values?.rows.length ?? 0) > 0;
      if (resolved.info.deprecated && hasValues) this.reporter.warning(field.textSpan, 'LOAD_DEPRECATED_ITEM', `Field '${field.text}' is deprecated: ${resolved.info.deprecated}`);
      return resolved.info;
    }
    const span = field.isList || field.text === '' ? field.span : field.textSpan;
    this.reporter.error(span, 'LOAD_ERR_VALIDATE', `'${field.text}' is not a supported filter field${resolved.reason}${didYouMean(resolved.suggestions)}`, { suggestions: resolved.suggestions });
    return null;
  }

  /** Checks the value rows of an exception whose fields and comps are valid, as the compiler pastes them. */
  checkValues(shape: Shape, rows: Entry[], checkOperators = true): void {
    if (rows.length === 0 || !this.scope.sourceLoaded) return;
    const usable = rows.filter((row) => !row.opaque && !row.rejected);
    if (shape.single) {
      const scalars = usable.filter((row) => {
        if (!row.isList) return true;
        this.reporter.error(row.span, 'LOAD_ERR_VALIDATE', `Expected values array to contain a list of strings: 'fields' is the single field '${shape.fields[0]!.text}', so each value is one string. Write the values as 'values: [a, b]', or write 'fields' as a list to compare several fields.`);
        return false;
      });
      if (scalars.length !== usable.length || scalars.length === 0) return;
      if (checkOperators) this.checkOperator(shape, 0);
      this.checkComparison(shape, 0, renderSingle(scalars));
      return;
    }

    const checkedOperators = new Set<number>();
    for (const row of usable) {
      if (!row.isList || row.items.length !== shape.fields.length) {
        this.reporter.error(row.span, 'LOAD_ERR_VALIDATE', valuesLengthMessage(shape, row));
        continue;
      }
      row.items.forEach((value, index) => {
        if (checkOperators && !checkedOperators.has(index)) {
          checkedOperators.add(index);
          this.checkOperator(shape, index);
        }
        this.checkComparison(shape, index, renderListElement(value, isListComp(shape.comps[index]!)));
      });
    }
  }

  /** Checks the operator against the field's type (libs filter_compare.cpp `flt_is_comparable`). */
  private checkOperator(shape: Shape, index: number): void {
    const field = shape.fieldInfos[index];
    const comp = shape.comps[index]!;
    if (!field || comp === 'exists') return;
    const operator = baseOperator(comp);
    const accepted = field.isList ? listFieldOperators(field.type) : operatorsForType(field.type);
    if (accepted.includes(operator)) return;
    const written = shape.compEntries[index];
    const span = written ? written.textSpan : shape.fields[index]!.textSpan;
    const defaultNote = written ? '' : ` (the default comparison, since 'comps' is not given)`;
    const others = accepted.filter((o) => o !== 'exists');
    const hint = others.length ? `${field.text} (${field.type}) accepts ${others.map((o) => `'${o}'`).join(', ')}` : `${field.text} (${field.type}) accepts only 'exists'`;
    this.reporter.error(span, 'LOAD_ERR_COMPILE_CONDITION', `Operator '${operator}'${defaultNote} is not supported for ${describeType(field.type, field.isList)} filters: ${hint}.`);
  }

  /** Reads one pasted comparison's right-hand side and checks its values. */
  private checkComparison(shape: Shape, index: number, rendered: RenderedText): void {
    const field = shape.fieldInfos[index];
    if (!field) return;
    const comp = shape.comps[index]!;
    const substituted = substituteLists(rendered, (name) => this.scope.condition.listItems(name));
    const text = substituted.text;
    const prefix = `(x.x ${comp} `;
    const parsed = parseCondition(`${prefix}${text})`);
    const toRendered = (span: Span): Span => ({ start: clampTo(span.start - prefix.length, text.length), end: clampTo(span.end - prefix.length, text.length) });
    const pasted = truncate(`${shape.fields[index]!.text} ${comp} ${text.trim()}`);

    const firstError = parsed.errors.find((error) => error.span.start >= prefix.length) ?? parsed.errors[0];
    if (firstError) {
      this.reportParseError(substituted, toRendered(firstError.span), firstError.message, pasted, comp);
      return;
    }
    for (const warning of parsed.warnings ?? []) {
      const span = substituted.documentSpan(toRendered(warning.span));
      this.reporter.warning(span, 'condition-ignored-list', `${capitalize(warning.message)}. Falco pastes this value into the condition as '${pasted}' and does not reject it, but reads the whole list as empty, so the exception never matches. Fix the escape.`);
    }

    const check = parsed.expr?.kind === 'paren' && parsed.expr.expr.kind === 'check' ? parsed.expr.expr : undefined;
    if (!check?.right) return;
    if (check.right.kind === 'transformer') {
      this.checkFieldValue(check.right, substituted, toRendered, comp, pasted);
      return;
    }
    const values = check.right.kind === 'list' ? check.right.items : [check.right];
    if (check.right.kind === 'list') this.checkSplitValues(substituted, values.map((v) => toRendered(v.span)));
    for (const value of values) this.checkConstant(field, comp, value, substituted, toRendered(value.span));
    this.checkListNamesInValues(substituted, values.map((v) => ({ value: v.value, span: toRendered(v.span) })), comp);
  }

  private reportParseError(rendered: RenderedText, at: Span, libsMessage: string, pasted: string, comp: string): void {
    const offending = offendingTokenSpan(rendered.text, at.start);
    const entryIndex = rendered.entryAt(at.start);
    const entry = rendered.entries[entryIndex];
    // From the offending character to the end of the value it belongs to: the part Falco cannot read.
    // A bad escape sequence is itself the part to fix.
    let span: Span;
    if (libsMessage.includes('escape') && at.end > at.start) {
      span = rendered.documentSpan(at);
    } else if (offending && offending.start < rendered.text.length) {
      const end = rendered.lastIndexOfEntry(entryIndex, offending.start);
      span = rendered.documentSpan({ start: offending.start, end: Math.max(end, offending.end) });
    } else {
      span = entry ? entry.textSpan : rendered.documentSpan({ start: 0, end: rendered.text.length });
    }
    if (span.start === span.end && entry) span = entry.textSpan;
    const list = rendered.listAt(at.start) ?? rendered.firstList();
    const hint = parseErrorHint(rendered, at.start, comp, list, entry);
    this.reporter.error(span, 'LOAD_ERR_COMPILE_CONDITION', `Falco pastes this exception value into the rule's condition as '${pasted}', which does not parse: ${libsMessage}.${hint}`);
  }

  /** Checks a value that libs reads as a field or transformer (`val(proc.pname)`, `toupper(proc.pname)`), whose fields must exist. */
  private checkFieldValue(expr: TransformerExpr, rendered: RenderedText, toRendered: (span: Span) => Span, comp: string, pasted: string): void {
    const operator = baseOperator(comp);
    if (operator === 'regex' || operator === 'pmatch') {
      this.reporter.error(rendered.documentSpan(toRendered(expr.span)), 'LOAD_ERR_COMPILE_CONDITION', `Operator '${operator}' doesn't support right-hand side fields, and Falco reads this value as a field transformer ('${pasted}'). Write the value with its own double quotes to compare with the text.`);
      return;
    }
    for (const field of fieldsOf(expr)) {
      const lookup = lookupField(field.name, field.arg?.value, this.source);
      const loaded = lookup.status === 'ok' && (!lookup.field.plugin || this.scope.condition.pluginLoaded(lookup.field.plugin));
      if (loaded) continue;
      const candidates = lookup.status === 'unknown' ? suggest(field.name, fieldNamesForSource(this.source), 3) : [];
      this.reporter.error(rendered.documentSpan(toRendered(field.nameSpan)), 'LOAD_ERR_COMPILE_CONDITION', `Falco reads this value as a field transformer ('${pasted}'), not as text, and '${field.name}' is not a field of the ${this.source} source (nonexistent field).${didYouMean(candidates)} To compare with the text, write the value with its own double quotes.`, { unknownFilter: true });
    }
  }

  /** Checks one constant of the right-hand side against the field, as libs' filter compiler parses it. */
  private checkConstant(field: FieldInfo, comp: string, value: ValueExpr, rendered: RenderedText, at: Span): void {
    const span = rendered.documentSpan(at);
    const list = rendered.listOver(at);
    const where = list ? ` (an item of list '${list}')` : '';
    const inList = (message: string) => (list ? `List '${list}' has an item that Falco cannot compare with ${field.text}. ${message}` : message);
    if (field.isEventType) {
      if (!isKnownEventName(value.value)) {
        const candidates = suggest(value.value, catalog.events.map((e) => e.name), 3);
        this.reporter.error(span, 'LOAD_ERR_COMPILE_CONDITION', `Unknown event type '${value.value}'${where}: Falco rejects it.${didYouMean(candidates)}`, { suggestions: list ? [] : candidates, unknownFilter: true });
      }
      return;
    }
    const problem = checkValueForType(value.value, field.type, field.text, baseOperator(comp));
    if (problem) {
      const suggestions = problem.cidrOnAddress ? [networkFieldFor(field.text)] : undefined;
      this.reporter.report(span, problem.machineDependent ? 'warning' : 'error', 'LOAD_ERR_COMPILE_CONDITION', inList(problem.message), suggestions ? { suggestions } : {});
      return;
    }
    const compact = value.value.replace(/\s+/g, '');
    if (this.isFieldName(compact)) {
      this.reporter.warning(span, 'LOAD_COMPILE_CONDITION', `'${value.value}' may be a valid field misused as a const string value${where}: Falco compares with the text '${value.value}'. To compare with the field, write the value as 'val(${compact})'.`, list ? {} : { suggestions: [`val(${compact})`] });
      return;
    }
    const transformer = [VAL_TRANSFORMER, ...FIELD_TRANSFORMERS].find((name) => compact.length >= name.length + 2 && compact.startsWith(`${name}(`) && compact.endsWith(')'));
    if (transformer) {
      this.reporter.warning(span, 'LOAD_COMPILE_CONDITION', `'${value.value}' may be a valid field transformer misused as a const string value${where}: Falco compares with this text. Falco applies a transformer only when the value is pasted as a single value without spaces or quotes, such as 'toupper(proc.pname)'.`);
    }
  }

  /** Tells whether the text is exactly a field with its argument, as libs' `check_warnings_field_value` decides. */
  private isFieldName(text: string): boolean {
    const match = /^([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)+)(?:\[([^\]]+)\])?$/.exec(text);
    if (!match) return false;
    const lookup = lookupField(match[1]!, match[2], this.source);
    return lookup.status === 'ok' && (!lookup.field.plugin || this.scope.condition.pluginLoaded(lookup.field.plugin));
  }

  /** Warns about a scalar pasted into a list without quotes, which splits at its commas: `a,b` becomes two values. */
  private checkSplitValues(rendered: RenderedText, spans: Span[]): void {
    const counts = new Map<number, Span[]>();
    for (const span of spans) {
      if (span.start >= span.end || rendered.listOver(span)) continue;
      const index = rendered.entryAt(span.start);
      counts.set(index, [...(counts.get(index) ?? []), span]);
    }
    for (const [index, parts] of counts) {
      const entry = rendered.entries[index];
      if (!entry || parts.length < 2 || entry.isList || entry.text.startsWith('(')) continue;
      const pieces = parts.map((part) => `'${rendered.text.slice(part.start, part.end)}'`).join(', ');
      this.reporter.warning(entry.textSpan, 'exception-value-split', `Falco pastes '${entry.text}' into a list without quotes, so it becomes ${parts.length} values: ${pieces}. To match the text '${entry.text}' as one value, write it with its own double quotes: '"${entry.text}"'.`);
    }
  }

  /** Warns about list names that silently change a value: inside a longer value, or as the value of a non-list comparison. */
  private checkListNamesInValues(rendered: RenderedText, values: Array<{ value: string; span: Span }>, comp: string): void {
    for (const use of rendered.substitutions) {
      const owner = values.find(({ span }) => span.start < use.end && span.end > use.start);
      const wholeValue = owner !== undefined && owner.span.start >= use.start && owner.span.end <= use.end;
      // A list name as a whole element of a list comparison is how exceptions reuse lists.
      if (isListComp(comp) && (owner === undefined || wholeValue)) continue;
      const entry = rendered.entries[use.entry];
      const written = entry && !entry.isList ? `the value '${entry.text}'` : 'this value';
      const result = owner ? `'${owner.value}'` : 'nothing';
      const advice = wholeValue ? `To compare with the list's items, use the comparison 'in'; to compare with the text '${use.name}', rename the list.` : 'Rename the list, or reword the value so that the list name is not a separate word in it.';
      this.reporter.warning(use.nameSpan, 'exception-value-list-name', `'${use.name}' is the name of a list, and Falco replaces list names anywhere in the condition text, also inside exception values: ${written} becomes ${result}. ${advice}`);
    }
  }
}

// ---------------------------------------------------------------------------
// Fields

type FieldResolution = { info: FieldInfo } | { reason: string; suggestions: string[] };

/** Falco's `is_valid_lhs_field`: a field name, or with a `(`, any left-hand side that compiles with `exists`. */
function resolveExceptionField(text: string, scope: ConditionScope): FieldResolution {
  const source = scope.source ?? 'syscall';
  if (text.includes('(')) {
    const parsed = parseCondition(`${text} exists`);
    const check = parsed.expr?.kind === 'check' ? parsed.expr : undefined;
    if (parsed.errors.length || !check || check.operator?.text !== 'exists') {
      return { reason: `: Falco cannot read it as a field or a transformer call (${parsed.errors[0]?.message ?? 'not a single field'}).`, suggestions: [] };
    }
    const result = check.left.kind === 'transformer' ? transformerResult(check.left, scope) : fieldResult(check.left, scope);
    return result;
  }
  const match = /^([^[\]]*)(?:\[([^\]]*)\])?$/.exec(text);
  if (!match) return { reason: ` for the ${source} source (nonexistent field).`, suggestions: [] };
  return fieldResult({ kind: 'field', name: match[1]!, nameSpan: { start: 0, end: 0 }, span: { start: 0, end: 0 }, ...(match[2] !== undefined ? { arg: { value: match[2], span: { start: 0, end: 0 }, quoted: false } } : {}) }, scope);
}

function fieldResult(field: FieldExpr, scope: ConditionScope): FieldResolution {
  const source = scope.source ?? 'syscall';
  const lookup = lookupField(field.name, field.arg?.value, source);
  switch (lookup.status) {
    case 'ok':
      if (lookup.field.plugin && !scope.pluginLoaded(lookup.field.plugin)) {
        return { reason: `: ${field.name} comes from the ${lookup.field.plugin} plugin, which is not loaded. Declare the plugin with 'required_plugin_versions' or load it.`, suggestions: [] };
      }
      return {
        info: {
          text: field.arg ? `${field.name}[${field.arg.value}]` : field.name,
          type: lookup.type,
          isList: lookup.field.isList,
          isEventType: field.name === 'evt.type' && !field.arg,
          ...(lookup.field.deprecated && lookup.field.deprecatedBy !== 'plugin' ? { deprecated: lookup.field.deprecated } : {}),
        },
      };
    case 'other-source':
      return { reason: `: ${field.name} belongs to the '${lookup.sources.join("', '")}' source, and this rule's source is '${source}'.`, suggestions: [] };
    case 'argument-not-allowed':
      return { reason: `: ${field.name} takes no argument. Remove the brackets.`, suggestions: [field.name] };
    case 'argument-required':
      return { reason: `: ${field.name} requires an argument, such as ${lookup.example}.`, suggestions: [] };
    case 'invalid-argument':
      return { reason: `: ${lookup.message}`, suggestions: [] };
    case 'unknown-event-arg':
      return { reason: `: no event has an argument '${lookup.argName}'.`, suggestions: lookup.suggestions.map((s) => field.name.replace(/[^.]+$/, s)) };
    case 'event-arg-prefix':
      return { reason: `: no event has this argument (it only extends the argument '${lookup.argName}').`, suggestions: [] };
    case 'unknown':
      return { reason: ` for the ${source} source (nonexistent field).`, suggestions: suggest(field.name, fieldNamesForSource(source), 3) };
  }
}

/** Returns the type of a transformer call on the left-hand side, or why libs rejects it. */
function transformerResult(expr: TransformerExpr, scope: ConditionScope): FieldResolution {
  const definition = catalog.transformers.find((t) => t.name === expr.name);
  if (!definition || definition.rhsOnly) return { reason: `: '${expr.name}' is not a transformer Falco accepts on the left-hand side.`, suggestions: [] };
  let inner: FieldInfo | undefined;
  for (const arg of expr.args) {
    if (arg.kind !== 'field' && arg.kind !== 'transformer') continue;
    const resolved = arg.kind === 'field' ? fieldResult(arg, scope) : transformerResult(arg, scope);
    if (!('info' in resolved)) return resolved;
    inner ??= resolved.info;
  }
  if (inner && definition.inputTypes && !definition.inputTypes.includes(inner.type) && !(expr.name === 'len' && inner.isList)) {
    return { reason: `: type '${inner.type}' is not supported by the '${expr.name}' transformer applied on '${inner.text}'.`, suggestions: [] };
  }
  const text = `${expr.name}(${inner?.text ?? ''})`;
  switch (expr.name) {
    case 'len':
      return { info: { text, type: 'UINT64', isList: false, isEventType: false } };
    case 'getopt':
      return { info: { text, type: 'CHARBUF', isList: !expr.index, isEventType: false } };
    default:
      return { info: { text, type: 'CHARBUF', isList: false, isEventType: false } };
  }
}

function fieldsOf(expr: FieldExpr | TransformerExpr): FieldExpr[] {
  if (expr.kind === 'field') return [expr];
  const fields: FieldExpr[] = [];
  for (const arg of expr.args) {
    if (arg.kind === 'field' || arg.kind === 'transformer') fields.push(...fieldsOf(arg));
    else if (arg.kind === 'transformer-list') for (const element of arg.items) if (element.kind !== 'value') fields.push(...fieldsOf(element));
  }
  return fields;
}

// ---------------------------------------------------------------------------
// Operators

function normalizeComp(text: string): string {
  return text.replace(COMP_BLANKS, '');
}

/** Tells whether the comp is a string operator and a modifier separated by one space, as libs' `str_to_cmpop_with_modifier` splits them. */
function isModifierComp(comp: string): boolean {
  const space = comp.indexOf(' ');
  if (space === -1) return false;
  return STRING_OPERATORS.includes(comp.slice(0, space)) && STRING_OPERATOR_MODIFIERS.includes(comp.slice(space + 1));
}

function isSupportedComp(comp: string): boolean {
  return ALL_OPERATORS.includes(comp) || isModifierComp(comp);
}

/** True when the compiler wraps a scalar value in parentheses for this comp (rule_loader_compiler.cpp `is_operator_for_list`). */
function isListComp(comp: string): boolean {
  return LIST_OPERATORS.includes(comp) || isModifierComp(comp);
}

function baseOperator(comp: string): string {
  const space = comp.indexOf(' ');
  return space === -1 ? comp : comp.slice(0, space);
}

function listFieldOperators(type: string): readonly string[] {
  return catalog.listOperators.elementTypes.includes(type) ? catalog.listOperators.operators : ['exists'];
}

function unsupportedCompMessage(comp: string): string {
  const base = `'${comp}' is not a supported comparison operator.`;
  const words = comp.split(/\s+/);
  if (words.length === 2 && STRING_OPERATOR_MODIFIERS.includes(words[1]!)) {
    if (comp.indexOf(' ') !== comp.length - words[1]!.length - 1) return `${base} Separate the operator and '${words[1]}' with exactly one space, as in 'startswith ${words[1]}'.`;
    return `${base} The modifiers oneof, anyof and allof follow only string operators (${STRING_OPERATORS.join(', ')}), not '${words[0]}'.`;
  }
  if (STRING_OPERATOR_MODIFIERS.includes(comp)) return `${base} '${comp}' is a modifier: put a string operator before it, such as 'startswith ${comp}'.`;
  return `${base}${didYouMean(suggest(comp, ALL_OPERATORS, 2))} Use one of ${ALL_OPERATORS.join(', ')}, or a string operator with oneof, anyof or allof, such as 'startswith oneof'.`;
}

function describeType(type: string, isList: boolean): string {
  if (isList) return 'list';
  if (/^IPV?[46]?(?:ADDR|NET)$/.test(type)) return 'ip address and network';
  if (type === 'CHARBUF' || type === 'FSPATH' || type === 'FSRELPATH') return 'string';
  if (type === 'BYTEBUF') return 'buffer';
  if (type === 'BOOL' || operatorsForType(type).includes('<')) return 'numeric';
  return `type '${type}'`;
}

// ---------------------------------------------------------------------------
// Rendering values as the compiler pastes them

/** The text of one pasted right-hand side, with the document span and value of each character. */
class RenderedText {
  text = '';
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  /** Index into `entries` of the value each character belongs to. */
  private readonly owners: number[] = [];
  /** The list whose substitution produced each character. */
  private readonly lists: Array<string | undefined> = [];
  readonly substitutions: Array<{ name: string; items: readonly string[]; nameSpan: Span; entry: number; start: number; end: number }> = [];

  constructor(readonly entries: Entry[]) {}

  /** Appends text whose characters all map to `span`. */
  pushText(text: string, span: Span, owner: number, list?: string): void {
    for (const char of text) {
      for (let i = 0; i < char.length; i++) {
        this.starts.push(span.start);
        this.ends.push(span.end);
        this.owners.push(owner);
        this.lists.push(list);
      }
      this.text += char;
    }
  }

  /** Appends the decoded text of a scalar entry, each character mapped to its source. */
  pushEntry(entry: Entry, owner: number): void {
    const map = entry.map;
    if (!map) {
      this.pushText(entry.text, entry.textSpan, owner);
      return;
    }
    for (let i = 0; i < map.value.length; i++) {
      this.starts.push(map.offsets[i]!);
      this.ends.push(map.ends?.[i] ?? map.offsets[i + 1]!);
      this.owners.push(owner);
      this.lists.push(undefined);
    }
    this.text += map.value;
  }

  /** Copies character `index` of another rendering. */
  copyFrom(other: RenderedText, index: number): void {
    this.starts.push(other.starts[index]!);
    this.ends.push(other.ends[index]!);
    this.owners.push(other.owners[index]!);
    this.lists.push(other.lists[index]);
    this.text += other.text[index]!;
  }

  spanAt(index: number): Span {
    return { start: this.starts[index]!, end: this.ends[index]! };
  }

  entryAt(index: number): number {
    return this.owners[Math.min(index, this.owners.length - 1)] ?? 0;
  }

  /** Returns the end (exclusive) of the run of characters of entry `owner` that contains `from`. */
  lastIndexOfEntry(owner: number, from: number): number {
    let end = from;
    while (end < this.owners.length && this.owners[end] === owner) end++;
    return end;
  }

  listAt(index: number): string | undefined {
    return this.lists[index];
  }

  firstList(): string | undefined {
    return this.lists.find((list) => list !== undefined);
  }

  /** Returns the list that produced every character of the span, if one did. */
  listOver(span: Span): string | undefined {
    const first = this.lists[span.start];
    if (first === undefined) return undefined;
    for (let i = span.start; i < span.end; i++) if (this.lists[i] !== first) return undefined;
    return first;
  }

  /** Returns the document span of rendered characters `[start, end)`, from the first source to the last. */
  documentSpan(span: Span): Span {
    if (this.starts.length === 0) return { start: 0, end: 0 };
    const start = Math.min(span.start, this.starts.length - 1);
    const end = Math.max(start + 1, Math.min(span.end, this.starts.length));
    let documentStart = Infinity;
    let documentEnd = -Infinity;
    for (let i = start; i < end; i++) {
      documentStart = Math.min(documentStart, this.starts[i]!);
      documentEnd = Math.max(documentEnd, this.ends[i]!);
    }
    return { start: documentStart, end: Math.max(documentStart, documentEnd) };
  }
}

/** Falco's `quote_item`: a value with a space gets double quotes, unless it starts with a quote. */
function needsQuotes(text: string): boolean {
  return text.includes(' ') && text[0] !== '"' && text[0] !== "'";
}

function pushQuoted(rendered: RenderedText, entry: Entry, owner: number): void {
  const quote = needsQuotes(entry.text);
  if (quote) rendered.pushText('"', atStart(entry.textSpan), owner);
  rendered.pushEntry(entry, owner);
  if (quote) rendered.pushText('"', atEnd(entry.textSpan), owner);
}

/** Renders the right-hand side for one field of the list shape: `(a, "b c")` for a list value, `(v)` or `v` for a scalar. */
function renderListElement(value: Entry, listComp: boolean): RenderedText {
  if (value.isList) {
    const rendered = new RenderedText(value.items.length ? value.items : [value]);
    rendered.pushText('(', atStart(value.span), 0);
    value.items.forEach((element, index) => {
      if (index > 0) rendered.pushText(', ', atStart(element.textSpan), index);
      pushQuoted(rendered, element, index);
    });
    rendered.pushText(')', atEnd(value.span), Math.max(0, value.items.length - 1));
    return rendered;
  }
  const rendered = new RenderedText([value]);
  if (listComp) {
    // Falco's `paren_item`: no quotes, and no parentheses when the value already starts with one.
    const wrap = value.text[0] !== '(';
    if (wrap) rendered.pushText('(', atStart(value.textSpan), 0);
    rendered.pushEntry(value, 0);
    if (wrap) rendered.pushText(')', atEnd(value.textSpan), 0);
  } else {
    pushQuoted(rendered, value, 0);
  }
  return rendered;
}

/** Renders the right-hand side of the single-field shape: `(v1, "v 2", v3)`. */
function renderSingle(values: Entry[]): RenderedText {
  const rendered = new RenderedText(values);
  rendered.pushText('(', atStart(values[0]!.textSpan), 0);
  values.forEach((value, index) => {
    if (index > 0) rendered.pushText(', ', atStart(value.textSpan), index);
    pushQuoted(rendered, value, index);
  });
  rendered.pushText(')', atEnd(values[values.length - 1]!.textSpan), values.length - 1);
  return rendered;
}

/**
 * Replaces list names by their items, as Falco's `resolve_list` does on the
 * condition text: a name bounded by the text's ends or by blanks, `(`, `)`,
 * `,` or `=`, with the blanks around it, becomes its items joined with `, `.
 * The substituted characters map to the list name.
 */
function substituteLists(rendered: RenderedText, listItems: (name: string) => readonly string[] | undefined): RenderedText {
  const text = rendered.text;
  const result = new RenderedText(rendered.entries);
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    if (LIST_DELIMITERS.includes(text[i]!)) {
      i++;
      continue;
    }
    let end = i;
    while (end < text.length && !LIST_DELIMITERS.includes(text[end]!)) end++;
    const name = text.slice(i, end);
    const items = listItems(name);
    if (items) {
      let start = i;
      let stop = end;
      while (start > copied && LIST_BLANKS.includes(text[start - 1]!)) start--;
      while (stop < text.length && LIST_BLANKS.includes(text[stop]!)) stop++;
      if (items.length === 0) {
        if (start > copied && text[start - 1] === ',') start--;
        else if (stop < text.length && text[stop] === ',') stop++;
      }
      for (let k = copied; k < start; k++) result.copyFrom(rendered, k);
      const nameSpan = rendered.documentSpan({ start: i, end });
      const owner = rendered.entryAt(i);
      const substitutionStart = result.text.length;
      if (start > 0) result.pushText(' ', atStart(nameSpan), owner);
      result.pushText(items.map(quoteListItem).join(', '), nameSpan, owner, name);
      result.pushText(' ', atEnd(nameSpan), owner);
      result.substitutions.push({ name, items, nameSpan, entry: owner, start: substitutionStart, end: result.text.length });
      copied = stop;
    }
    i = end;
  }
  for (let k = copied; k < text.length; k++) result.copyFrom(rendered, k);
  return result;
}

/**
 * Writes a list item as it appears in the condition text. The program gives
 * items without the quotes they may have been written with, so an item that
 * would not read as one value is quoted here.
 */
// NOTE: an item written unquoted with a comma or parenthesis splits or breaks the condition in Falco, but is quoted here.
function quoteListItem(item: string): string {
  if (item.startsWith('"') || item.startsWith("'")) return item;
  return /[\s,()="']/.test(item) || item === '' ? `"${item}"` : item;
}

// ---------------------------------------------------------------------------
// Messages and spans

function valuesLengthMessage(shape: Shape, row: Entry): string {
  const names = shape.fields.map((f) => f.text).join(', ');
  const count = shape.fields.length;
  if (!row.isList) {
    return `Fields and values lists must have equal length: 'fields' is a list (${names}), so each value must be a list with one entry per field, and '${row.text}' is a single string. Write it as [${count === 1 ? row.text : `${row.text}, ...`}].`;
  }
  return `Fields and values lists must have equal length: this value has ${row.items.length} ${row.items.length === 1 ? 'entry' : 'entries'}, and the exception compares ${count} ${count === 1 ? 'field' : 'fields'} (${names}). Write one entry per field.`;
}

function parseErrorHint(rendered: RenderedText, at: number, comp: string, list: string | undefined, entry: Entry | undefined): string {
  const char = rendered.text[at];
  const listLike = isListComp(comp);
  const value = entry && !entry.isList ? entry.text : undefined;
  const quoted = value !== undefined ? ` such as '"${value}"'` : '';
  if (list && !listLike) return ` '${list}' is the name of a list, and Falco replaces list names anywhere in the condition text. To compare with the list's items, use the comparison 'in'.`;
  if (comp === 'exists') return " The comparison 'exists' takes no value: remove the values of this field, or use another comparison.";
  if (['<', '<=', '>', '>='].includes(comp)) return ` The comparison '${comp}' takes a number.`;
  if (char === '"' || char === "'") return ' The value starts with a quote, so Falco adds no quotes of its own: close the quote, or remove it.';
  if (listLike && value !== undefined && value.includes(' ') && !value.startsWith('(')) {
    return ` In a list, Falco pastes values without quotes, so a space ends the value: write the value with its own double quotes,${quoted}.`;
  }
  if (char === ',' || char === '(' || char === ')' || char === '=') {
    return ` Falco pastes values without quotes, so '${char}' ends the value: write the value with its own double quotes,${quoted}.`;
  }
  return '';
}

function truncate(text: string): string {
  return text.length > RENDERED_MAX ? `${text.slice(0, RENDERED_MAX - 3)}...` : text;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function clampTo(value: number, max: number): number {
  return Math.max(0, Math.min(max, value));
}

function zeroWidth(span: Span): Span {
  return { start: span.start, end: span.start };
}

function atStart(span: Span): Span {
  return { start: span.start, end: span.start };
}

function atEnd(span: Span): Span {
  return { start: span.end, end: span.end };
}

function nonEmptySpan(span: Span, fallback: Span): Span {
  return span.end > span.start ? span : fallback;
}
