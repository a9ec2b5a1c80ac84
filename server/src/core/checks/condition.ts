/**
 * Checks of one condition: syntax, macro and list references, fields,
 * operators against field types, values against field types, `evt.type`
 * names and event arguments. Errors are what Falco's compiler rejects
 * (falco rule_loader_compiler.cpp, libs filter.cpp and sinsp_filtercheck*.cpp);
 * what Falco loads but cannot match is a warning.
 */
import type { CheckExpr, Expr, FieldExpr, ListExpr, TransformerExpr, ValueExpr } from '../condition/ast';
import type { Diagnostic, DiagnosticData, Span } from '../types';
import type { ScalarMap } from '../yaml/scalar-map';
import { toDocumentSpan } from '../yaml/scalar-map';
import { parseCondition } from '../condition/parser';
import { checkValueForType, checkRegex, isSimpleRegex, networkFieldFor, isAddressType } from './values';
import { lookupField, FieldLookup } from './fields';
import { fieldCandidates, candidateData } from './field-candidates';
import type { FieldDef } from '../catalog/types';
import { catalog, isKnownEventName, operatorsForType, resolveEventArg, findEvent } from '../catalog';
import { didYouMean, suggest } from '../util/suggest';
import { computeEventSet, EventSet, eventSetSize, expandValues } from '../analysis/event-set';
import { EVENT_VARIANTS, missingVariants } from '../analysis/event-variants';

/** The macros, lists and plugins visible to a condition, decided by the program from Falco's load order. */
export interface ConditionScope {
  /** Rule source, or undefined for a macro (checked against every source). */
  source: string | undefined;
  /** `visible`, `later` (defined, but after this point), or undefined when no macro has the name. */
  macroState(name: string): { state: 'visible' } | { state: 'self' } | { state: 'later'; where: string } | undefined;
  macroExpr(name: string): Expr | undefined;
  listItems(name: string): readonly string[] | undefined;
  /** Names of the macros visible here, for suggestions. */
  macroNames(): readonly string[];
  /** Whether the plugin that provides a field is loaded; its fields do not exist otherwise. */
  pluginLoaded(plugin: string): boolean;
  /** For macros: whether a rule uses the macro, which makes Falco compile its fields. */
  usedByRule: boolean;
}

export interface ConditionFacts {
  expr?: Expr;
  macros: Set<string>;
  lists: Set<string>;
  eventSet?: EventSet;
}

const KEYWORDS = new Set(['and', 'or', 'not']);
const LIST_OPERATORS = new Set(['in', 'intersects', 'pmatch']);
const UNSAFE_NA_OPERATORS = new Set(['=', '==', '!=', 'in', 'intersects', 'pmatch']);
const STRING_FIELD_OPERATORS_HINT = "'=', '!=', 'contains', 'startswith', 'endswith', 'glob', 'regex', 'in'";

export function checkCondition(map: ScalarMap, scope: ConditionScope, problems: Diagnostic[], keySpan: Span, isRule: boolean): ConditionFacts {
  const text = map.value;
  const toDoc = (span: Span) => toDocumentSpan(map, span);
  const facts: ConditionFacts = { macros: new Set(), lists: new Set() };
  const parsed = parseCondition(text);
  for (const error of parsed.errors) {
    const covered = text.slice(error.span.start, error.span.end);
    const typoFix = operatorTypoFix(covered.trim());
    problems.push({ span: toDoc(error.span), severity: 'error', code: 'LOAD_ERR_COMPILE_CONDITION', message: explainParseError(error.message, covered), ...(typoFix && covered === covered.trim() ? { data: { suggestions: [typoFix], fixSafe: true } } : {}) });
  }
  for (const warning of parsed.warnings ?? []) {
    problems.push({ span: toDoc(warning.span), severity: 'warning', code: 'condition-ignored-list', message: `${explainParseError(warning.message, text.slice(warning.span.start, warning.span.end))} Falco does not reject this here, but reads the whole list as empty. Fix the escape.` });
  }
  if (!parsed.expr) return facts;
  facts.expr = parsed.expr;

  // Falco compiles a macro's fields only for the rules that use it.
  const fieldSeverity = scope.source !== undefined || scope.usedByRule ? 'error' : 'warning';
  const variantChecks: Array<{ name: string; span: Span }> = [];
  // Falco reports this warning once per condition.
  let unsafeNaReported = false;
  const eventArgs: Array<{ name: string; span: Span }> = [];

  const report = (span: Span, message: string, code = 'LOAD_ERR_COMPILE_CONDITION', severity: Diagnostic['severity'] = 'error', suggestions?: string[], extra?: DiagnosticData) => {
    const note = severity === 'warning' && code.startsWith('LOAD_ERR_') ? ' No rule uses this macro yet; Falco reports this when one does.' : '';
    const data: DiagnosticData = { ...(suggestions && suggestions.length ? { suggestions } : {}), ...extra };
    problems.push({ span: toDoc(span), severity, code, message: message + note, ...(Object.keys(data).length ? { data } : {}) });
  };

  /** Marks the last problem as one that `skip-if-unknown-filter` downgrades. */
  const markUnknownFilter = () => {
    const last = problems[problems.length - 1]!;
    last.data = { ...last.data, unknownFilter: true };
  };

  /** `operator` is the check's operator when `field` is its left operand: candidate fields must accept it. */
  const checkField = (field: FieldExpr, operator?: string): FieldLookup | undefined => {
    const lookup = lookupField(field.name, field.arg?.value, scope.source);
    switch (lookup.status) {
      case 'ok':
        if (lookup.field.plugin && !scope.pluginLoaded(lookup.field.plugin)) {
          report(field.nameSpan, `Field '${field.name}' comes from the ${lookup.field.plugin} plugin, which is not loaded, so Falco rejects it (nonexistent field). Declare the plugin with 'required_plugin_versions' or load it.`, 'LOAD_ERR_COMPILE_CONDITION', fieldSeverity);
          markUnknownFilter();
          return undefined;
        }
        if (lookup.field.deprecated) report(field.nameSpan, `Field '${field.name}' is deprecated: ${lookup.field.deprecated}`, 'LOAD_DEPRECATED_ITEM', 'warning');
        if (field.name.startsWith('evt.arg.') || field.name.startsWith('evt.rawarg.')) eventArgs.push({ name: lookup.dottedArg ?? '', span: field.nameSpan });
        return lookup;
      case 'unknown-event-arg':
        report(field.nameSpan, `'${field.name}' is not an event argument: no event has an argument '${lookup.argName}'${didYouMean(lookup.suggestions)}`, 'LOAD_ERR_COMPILE_CONDITION', 'error', lookup.suggestions.map((s) => field.name.replace(/[^.]+$/, s)));
        return undefined;
      case 'event-arg-prefix':
        report(field.nameSpan, `'${field.name}' is not an event argument: no event has an argument with this name, so Falco rejects it (nonexistent field; it matches only the shorter argument '${lookup.argName}' of another event).`, 'LOAD_ERR_COMPILE_CONDITION', 'error');
        markUnknownFilter();
        return undefined;
      case 'other-source': {
        const found = fieldCandidates(field.name, scope.source, { accepts: acceptsOperator(operator), pluginLoaded: (plugin) => scope.pluginLoaded(plugin) });
        report(field.nameSpan, `Field '${field.name}' belongs to the '${lookup.sources.join("', '")}' source, not '${scope.source}': Falco cannot load it here. Set 'source: ${lookup.sources[0]}' or use a field of the ${scope.source} source.${didYouMean(found.candidates)}`, 'LOAD_ERR_COMPILE_CONDITION', fieldSeverity, undefined, candidateData(found));
        markUnknownFilter();
        return undefined;
      }
      case 'argument-not-allowed':
        report(field.span, `Field '${field.name}' takes no argument, so Falco rejects '${field.name}[${field.arg?.value ?? ''}]' (nonexistent field). Remove the brackets.`, 'LOAD_ERR_COMPILE_CONDITION', fieldSeverity);
        markUnknownFilter();
        return undefined;
      case 'argument-required':
        report(field.span, `Field '${field.name}' requires an argument, such as ${lookup.example}.`, 'LOAD_ERR_COMPILE_CONDITION', fieldSeverity);
        return undefined;
      case 'invalid-argument':
        report(field.arg?.span ?? field.span, lookup.message, 'LOAD_ERR_COMPILE_CONDITION', fieldSeverity);
        return undefined;
      case 'unknown': {
        const found = fieldCandidates(field.name, scope.source, { accepts: acceptsOperator(operator), pluginLoaded: (plugin) => scope.pluginLoaded(plugin) });
        report(field.nameSpan, `Unknown field '${field.name}'${scope.source ? ` for the ${scope.source} source` : ''}: Falco rejects it (nonexistent field).${didYouMean(found.candidates)}`, 'LOAD_ERR_COMPILE_CONDITION', fieldSeverity, undefined, candidateData(found));
        markUnknownFilter();
        return undefined;
      }
    }
  };

  /** Checks a transformer call and returns its result type, when known. */
  const checkTransformer = (transformer: TransformerExpr): string | undefined => {
    const definition = catalog.transformers.find((t) => t.name === transformer.name);
    if (!definition) {
      report(transformer.nameSpan, `Unknown transformer '${transformer.name}'. Falco has ${catalog.transformers.map((t) => t.name).join(', ')}.`);
      return undefined;
    }
    if (transformer.index && transformer.name !== 'getopt') {
      report(transformer.index.span, `Filter error: transformer '${transformer.name}' does not support field arguments. Remove the brackets after the call.`);
    }
    let innerType: string | undefined;
    let innerIsList = false;
    for (const arg of transformer.args) {
      if (arg.kind === 'field') {
        const lookup = checkField(arg);
        if (lookup?.status === 'ok') {
          innerType = lookup.type;
          innerIsList = lookup.field.isList;
          if (lookup.field.noTransformer && transformer.name !== 'val') report(arg.nameSpan, `Field '${arg.name}' does not support transformers.`);
        }
      } else if (arg.kind === 'transformer') {
        innerType = checkTransformer(arg);
        innerIsList = innerType === 'LIST';
      }
    }
    // Single-argument transformers take only some input types (libs sinsp_filter_transformers, transform_type).
    const accepted = definition.inputTypes;
    const firstArg = transformer.args[0];
    const listLength = transformer.name === 'len' && innerIsList;
    if (accepted && innerType && innerType !== 'LIST' && !accepted.includes(innerType) && !listLength && firstArg && firstArg.kind !== 'value') {
      report(firstArg.span, `Can't add field transformer: type '${innerType}' is not supported by '${transformer.name}' transformer (it takes ${accepted.join(', ')}).`);
    }
    switch (transformer.name) {
      case 'len':
        return 'UINT64';
      case 'val':
        return innerType;
      case 'getopt':
        return transformer.index ? 'CHARBUF' : 'LIST';
      default:
        return 'CHARBUF';
    }
  };

  const checkRightValues = (check: CheckExpr, fieldName: string, type: string, values: ValueExpr[]) => {
    const operator = check.operator!.text;
    for (const value of values) {
      const listItems = !value.quoted ? scope.listItems(value.value) : undefined;
      if (listItems) {
        facts.lists.add(value.value);
        // Falco pastes a list's items into the condition text, so outside parentheses more or fewer than one item break the syntax.
        const inParentheses = check.right?.kind === 'list' && check.right.parenthesized;
        if (!inParentheses && listItems.length !== 1) {
          const pasted = listItems.length === 0 ? 'nothing' : `'${listItems.slice(0, 3).join(', ')}${listItems.length > 3 ? ', ...' : ''}'`;
          report(value.span, `Falco pastes the items of list '${value.value}' here as text (${pasted}), and the condition no longer parses. Write '${LIST_OPERATORS.has(operator) ? operator : 'in'} (${value.value})'.`);
          continue;
        }
        for (const item of listItems) checkOneValue(check, fieldName, type, operator, item, value.span, value.value);
      } else {
        // Event names such as `rename` and `dup` are also macro names in the default rules.
        if (!value.quoted && check.right?.kind === 'list' && fieldName !== 'evt.type' && fieldName !== 'syscall.type' && scope.macroState(value.value)) {
          report(value.span, `'${value.value}' is a macro, but inside a list Falco compares it as the text '${value.value}'. Macros stand alone as conditions; to reuse values, define a list with '- list: ${value.value}_items'.`, 'macro-in-list', 'warning');
        }
        checkOneValue(check, fieldName, type, operator, value.value, value.span, undefined);
      }
    }
  };

  const checkOneValue = (check: CheckExpr, fieldName: string, type: string, operator: string, value: string, span: Span, viaList: string | undefined) => {
    const where = viaList ? ` (an item of list '${viaList}')` : '';
    if (fieldName === 'evt.type' && check.left.kind === 'field') {
      if (!isKnownEventName(value)) {
        const candidates = suggest(value, catalog.events.map((e) => e.name), 3);
        report(span, `Unknown event type '${value}'${where}: Falco rejects it.${didYouMean(candidates)}`, 'LOAD_ERR_COMPILE_CONDITION', 'error', viaList ? undefined : candidates);
        markUnknownFilter();
      } else if (EVENT_VARIANTS.has(value) && !viaList) {
        variantChecks.push({ name: value, span });
      }
      return;
    }
    if (value === '<NA>' && /^(?:ka|jevt)\./.test(fieldName) && UNSAFE_NA_OPERATORS.has(operator) && !unsafeNaReported) {
      unsafeNaReported = true;
      report(span, `Comparing ${fieldName} with '<NA>' is unsafe: a missing value never matches a comparison, and '<NA>' can also be a real value. Test presence with '${fieldName} exists' instead.`, 'LOAD_UNSAFE_NA_CHECK', 'warning');
    }
    if (operator === 'regex') {
      const invalid = checkRegex(value);
      if (invalid) {
        report(span, `${invalid.charAt(0).toUpperCase()}${invalid.slice(1)} Falco fails to load the rule.`);
        return;
      }
      if (isSimpleRegex(value)) {
        report(span, `regex check with '${value}' may be optimized with simpler operators such as '=', 'contains', 'startswith', 'endswith'.`, 'LOAD_COMPILE_CONDITION', 'warning');
      }
    }
    const problem = checkValueForType(value, type, fieldName, operator);
    if (problem) {
      const extra = problem.cidrOnAddress ? { networkField: networkFieldFor(fieldName) } : undefined;
      report(span, problem.message + where, 'LOAD_ERR_COMPILE_CONDITION', problem.machineDependent ? 'warning' : 'error', undefined, extra);
      return;
    }
    if (type === 'CHARBUF' || type === 'FSPATH' || type === 'FSRELPATH') {
      const compact = value.replace(/\s+/g, '');
      if (/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/.test(compact) && lookupField(compact, undefined, scope.source).status === 'ok') {
        report(span, `'${value}' may be a valid field misused as a const string value: Falco compares with the text '${value}'. To compare two fields, write val(${compact}).`, 'LOAD_COMPILE_CONDITION', 'warning', [`val(${compact})`]);
      }
    }
  };

  const checkCheck = (check: CheckExpr) => {
    let fieldName: string | undefined;
    let type: string | undefined;
    let isList = false;
    if (check.left.kind === 'field') {
      const lookup = checkField(check.left, check.operator?.text);
      if (!lookup || lookup.status !== 'ok') return;
      fieldName = check.left.name;
      type = lookup.type;
      isList = lookup.field.isList;
    } else {
      type = checkTransformer(check.left);
      fieldName = check.left.name + '(...)';
    }
    const operator = check.operator?.text;
    if (check.right?.kind === 'transformer') {
      const rightType = checkTransformer(check.right);
      if (operator === 'regex' || operator === 'pmatch') {
        report(check.right.span, `Filter error: operator '${operator}' doesn't support right-hand side fields. Compare with a constant.`);
      } else if (rightType && type && rightType !== type && check.right.name === 'val' && !(isStringType(rightType) && isStringType(type))) {
        report(check.right.span, `Filter error: field '${fieldName}' has type '${type}' while the right-hand side field has incompatible type '${rightType}'. Compare fields of the same type.`);
      }
    }
    if (!operator || type === undefined) return;
    if (operator !== 'exists') {
      const accepted = isList ? ['in', 'intersects'] : operatorsForType(type);
      if (accepted && !accepted.includes(normalizeOperator(operator))) {
        const hint = accepted.length ? ` ${fieldName} (${type}) accepts ${accepted.map((o) => `'${o}'`).join(', ')}.` : ` ${fieldName} (${type}) accepts only 'exists'.`;
        const netHint = isAddressType(type) && ['contains', 'startswith', 'regex', 'glob'].includes(operator) ? ` To match a range of addresses, compare a network field: ${networkFieldFor(fieldName)} in (10.0.0.0/8).` : '';
        report(check.operator!.span, `Operator '${operator}' is not supported for ${describeType(type)} filters.${hint}${netHint}`);
        return;
      }
    }
    if (!check.right || check.right.kind === 'transformer') return;
    const values = check.right.kind === 'list' ? (check.right as ListExpr).items : [check.right as ValueExpr];
    checkRightValues(check, fieldName, type, values);
  };

  const walk = (node: Expr): void => {
    switch (node.kind) {
      case 'and':
      case 'or':
        node.operands.forEach(walk);
        return;
      case 'not': {
        // Long runs of `not` (libs toggles them) are walked in a loop, not by recursion.
        let inner = node.operand;
        while (inner.kind === 'not') inner = inner.operand;
        walk(inner);
        return;
      }
      case 'paren':
        walk(node.expr);
        return;
      case 'identifier': {
        const state = scope.macroState(node.name);
        if (state?.state === 'visible') {
          facts.macros.add(node.name);
          return;
        }
        if (scope.listItems(node.name)) {
          facts.lists.add(node.name);
          report(node.span, `'${node.name}' is a list, not a macro: a list cannot stand alone as a condition. Use it with a list operator, such as 'proc.name in (${node.name})'.`);
          return;
        }
        if (KEYWORDS.has(node.name)) {
          report(node.span, `'${node.name}' cannot stand here: a check, a macro, 'not' or '(' must come after 'and'/'or', and before it.`);
          return;
        }
        if (catalog.transformers.some((t) => t.name === node.name)) {
          report(node.span, `'${node.name}' is a transformer, and its name must touch the '(': write '${node.name}(...)' without a blank.`);
          return;
        }
        if (state?.state === 'self') {
          report(node.span, `Undefined macro '${node.name}' used in filter: a macro cannot use itself.`, 'LOAD_ERR_VALIDATE');
          return;
        }
        if (state?.state === 'later') {
          // A rule can use every macro of its own file and of earlier files, so only a later file's macro is late for it.
          const advice = isRule
            ? 'Falco loads files in order, so load the file that defines it before this one (rules_files in falco.yaml, or the falco.loadOrder setting).'
            : 'A macro may only use macros defined before it; move the definition up.';
          const place = isRule ? state.where : `${state.where}, after this macro`;
          report(node.span, `Undefined macro '${node.name}' used in filter: it is defined ${place}. ${advice}`, 'LOAD_ERR_VALIDATE');
          return;
        }
        report(node.span, `Undefined macro '${node.name}' used in filter.${didYouMean(suggest(node.name, scope.macroNames(), 3))} Define it with '- macro: ${node.name}' or check the spelling.`, 'LOAD_ERR_VALIDATE');
        return;
      }
      case 'check':
        checkCheck(node);
        return;
    }
  };
  walk(parsed.expr);

  // Only rules select events: a macro's events count where a rule uses it.
  if (!isRule) return facts;
  const eventContext = {
    codesFor: (name: string) => findEvent(name)?.codes ?? (isKnownEventName(name) ? catalog.genericCodes : []),
    listItems: (name: string) => scope.listItems(name),
    macro: (name: string) => (scope.macroState(name)?.state === 'visible' ? scope.macroExpr(name) : undefined),
  };
  const eventSet = computeEventSet(parsed.expr, eventContext);
  facts.eventSet = eventSet;

  if ((scope.source ?? 'syscall') === 'syscall') {
    checkSelectedEvents(eventSet, eventArgs, variantChecks, report);
  }
  void keySpan;
  return facts;
}

/** Returns a test of whether a field accepts `operator` (every field passes when there is none). */
function acceptsOperator(operator: string | undefined): ((field: FieldDef) => boolean) | undefined {
  if (!operator || operator === 'exists') return undefined;
  return (field) => {
    const accepted = field.isList ? ['in', 'intersects'] : operatorsForType(field.type);
    return !accepted || accepted.includes(normalizeOperator(operator));
  };
}

function isStringType(type: string): boolean {
  return type === 'CHARBUF' || type === 'FSPATH' || type === 'FSRELPATH';
}

function normalizeOperator(operator: string): string {
  return operator === '==' ? '=' : operator;
}

function describeType(type: string): string {
  if (/^(?:IPV?[46]?ADDR|IPV?[46]?NET|IPADDR|IPNET)$/.test(type)) return 'ip address and network';
  if (type === 'CHARBUF' || type === 'FSPATH' || type === 'FSRELPATH') return 'string';
  if (type === 'BYTEBUF') return 'buffer';
  if (type === 'BOOL') return 'boolean';
  return `${type}`;
}

/** Warnings about event arguments and old events without their variants, which depend on the events the rule selects. */
function checkSelectedEvents(set: EventSet, eventArgs: Array<{ name: string; span: Span }>, variantChecks: Array<{ name: string; span: Span }>, report: (span: Span, message: string, code?: string, severity?: Diagnostic['severity'], suggestions?: string[], extra?: DiagnosticData) => void): void {
  const names = selectedEventNames(set);
  if (names) {
    for (const arg of eventArgs) {
      const events = names.map((n) => findEvent(n)).filter((e) => e !== undefined);
      if (events.length === 0 || events.some((e) => e!.params.some((p) => p.name === arg.name))) continue;
      const available = [...new Set(events.flatMap((e) => e!.params.map((p) => p.name)))];
      const resolved = resolveEventArg(arg.name);
      if (resolved.kind !== 'exact') continue;
      report(arg.span, `The events this rule selects (${names.join(', ')}) have no argument '${arg.name}', so this comparison never matches. Their arguments are: ${available.join(', ')}.`, 'evt-arg-not-in-events', 'warning', suggest(arg.name, available, 3).map((s) => `evt.arg.${s}`));
    }
  }
  for (const { name, span } of names ? variantChecks : []) {
    const variants = missingVariants(name, names!);
    if (!variants) continue;
    const all = [name, ...variants].join(', ');
    if (name === 'open') {
      report(span, "'open' alone misses most file opens: current C libraries call openat or openat2. Select all three, as in 'evt.type in (open, openat, openat2)', or use the open_read/open_write macros.", 'evt-type-open-only', 'warning', undefined, { missingVariants: [...variants] });
    } else {
      report(span, `'${name}' alone misses the same system call made through ${variants.join(' or ')}, which current programs often use instead. Select ${variants.length > 1 ? 'them all' : 'both'}, as in 'evt.type in (${all})'.`, 'evt-type-variants-missing', 'warning', undefined, { missingVariants: [...variants] });
    }
  }
}

/** Names of the events a restricted set selects, or undefined when it selects all or a complement. */
export function selectedEventNames(set: EventSet): string[] | undefined {
  if (set.negated || set.codes.size === 0) return undefined;
  const names: string[] = [];
  for (const event of catalog.events) {
    if (event.codes.some((code) => set.codes.has(code))) names.push(event.name);
  }
  return names;
}

function explainParseError(message: string, covered: string): string {
  const trimmed = covered.trim();
  const glued = /^(contains|icontains|bcontains|startswith|bstartswith|endswith|glob|iglob|regex)(["'(])/.exec(trimmed);
  if (glued) {
    return `Operator '${glued[1]}' needs a blank after it: write '${glued[1]} ${trimmed.slice(glued[1]!.length)}'.`;
  }
  if (trimmed === '!~' || trimmed === '=~') {
    return `'${trimmed}' is not a Falco operator. Use 'regex' for a regular expression (it must match the whole value)${trimmed === '!~' ? ", with 'not' before the check to negate it" : ''}, or ${STRING_FIELD_OPERATORS_HINT.replace("'regex', ", '')}.`;
  }
  const fixed = operatorTypoFix(trimmed);
  if (fixed) return `'${trimmed}' is not a Falco operator. Did you mean '${fixed}'?`;
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}${/[.?!]$/.test(message) ? '' : '.'}`;
}

/** Returns the operator that a common misspelling of one stands for (`endwith` for `endswith`), or undefined. */
function operatorTypoFix(word: string): string | undefined {
  if (!/^(?:endwith|startwith|contain|icontain|beginswith)$/.test(word)) return undefined;
  if (word === 'beginswith') return 'startswith';
  return word.endsWith('with') ? word.replace(/with$/, 'swith') : word + 's';
}

export function eventSetCount(set: EventSet): number {
  return eventSetSize(set, catalog.eventCodeCount);
}

export { expandValues };
