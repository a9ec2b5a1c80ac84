/**
 * Evaluates a compiled rule condition against a sample event, as libs
 * evaluates a filter, and explains the result as a tree of sub-expressions.
 * Sources: libs userspace/libsinsp/filter.cpp for `and`, `or` and `not`, and
 * sinsp_filtercheck.cpp `compare_nocache` and `compare_rhs` for each check.
 *
 * A field the event does not give is Falco's missing value: libs
 * `compare_nocache` returns false when extraction fails, before any operator
 * runs, so every comparison on it is false, `!=` and `exists` included, and
 * `not` of such a check is true.
 *
 * Fields are never computed from the system: the event gives every value.
 */
import type { CheckExpr, Expr, FieldExpr, ListExpr, TransformerExpr, ValueExpr } from '../condition/ast';
import type { Span } from '../types';
import type { Program } from '../analysis/program';
import { lookupField } from '../checks/fields';
import { checkRegex, checkValueForType } from '../checks/values';
import { CompiledCondition, CompiledRule, MacroResolver, SourceLocation } from './compile';
import { canonicalFieldKey, EventValue, formatEventValue, SampleEvent } from './event';
import { asciiLower, pathPrefixMatch, translateRegex } from './operators';
import { anyResult, compareList, compareScalar, typeClass } from './compare';
import { getopt } from './getopt';

/** One sub-expression of the condition and its value for the event. */
export interface ExplanationNode {
  kind: 'and' | 'or' | 'not' | 'macro' | 'check' | 'unknown';
  /** The sub-expression's text, as in the compiled condition. */
  text: string;
  /** Location of the text in the rules files. Parts built from an exception point at the exception. */
  location?: SourceLocation;
  value: boolean;
  /** For comparisons: the field as written and the value the event gave it (`<missing>` when none). */
  field?: string;
  fieldValue?: string;
  /** Reason the value may differ from Falco's, or the check could not run. */
  note?: string;
  children: ExplanationNode[];
}

export interface EvaluationResult {
  matched: boolean;
  tree: ExplanationNode;
  /** Checks that Falco would reject or that this evaluator cannot run; the result is then unreliable. */
  errors: string[];
  /** Checks whose result may differ from Falco's (regex engine differences). */
  approximations: string[];
}


/** A value extracted for one side of a comparison. */
interface Extracted {
  type: string;
  isList: boolean;
  /** Every value; one for a single-valued field, any number for a list field or an ancestor field. */
  values: string[];
  /**
   * Comparison mode of a single-valued field with several values. With `ancestors` (`proc.aname`
   * without index) a check is true when any value satisfies it, `!=` included. With `either`
   * (`fd.ip`, `fd.port`) the same applies, except that `!=` needs every value to differ.
   */
  anyOf: false | 'ancestors' | 'either';
  display: string;
}

type Extraction = { ok: true; value: Extracted } | { ok: false; missing: true; display: string } | { ok: false; missing: false; error: string };

/** Fields whose value is either of two event fields (libs sinsp_filtercheck_fd.cpp `compare_ip`, `compare_net`, `compare_port`). */
const EITHER_FIELDS: Record<string, [string, string]> = {
  'fd.ip': ['fd.cip', 'fd.sip'],
  'fd.net': ['fd.cip', 'fd.sip'],
  'fd.port': ['fd.cport', 'fd.sport'],
};
/** Network fields that extract the address of the matching address field. */
const NETWORK_ALIASES: Record<string, string> = { 'fd.cnet': 'fd.cip', 'fd.snet': 'fd.sip', 'fd.lnet': 'fd.lip', 'fd.rnet': 'fd.rip' };
/** Fields that without an argument compare against every ancestor (libs sinsp_filtercheck_thread.cpp `compare_full_aname` and siblings). */
const ANCESTOR_FIELDS = new Set(['proc.aname', 'proc.apid', 'proc.aexe', 'proc.aexepath', 'proc.acmdline', 'proc.aenv']);

/** Evaluates `rule` against `event`. Checks that cannot run become notes and `errors`. */
export function evaluateRule(program: Program, rule: CompiledRule, event: SampleEvent): EvaluationResult {
  const evaluator = new Evaluator(program, rule.source, event);
  const tree = evaluator.evaluate(rule.condition, rule.condition.expr, Number.MAX_SAFE_INTEGER, 0);
  return { matched: tree.value, tree, errors: evaluator.errors, approximations: evaluator.approximations };
}

const MAX_MACRO_DEPTH = 100;

class Evaluator {
  readonly errors: string[] = [];
  readonly approximations: string[] = [];
  private readonly macros: MacroResolver;
  private readonly lastFile: number;

  constructor(
    private readonly program: Program,
    private readonly source: string,
    private readonly event: SampleEvent,
  ) {
    this.macros = new MacroResolver(program);
    this.lastFile = program.files.length - 1;
  }

  evaluate(condition: CompiledCondition, expr: Expr, macroOrder: number, depth: number): ExplanationNode {
    const text = (span: Span) => condition.located.text.slice(span.start, span.end);
    const at = (span: Span) => condition.located.locate(span);
    const node = (kind: ExplanationNode['kind'], span: Span, value: boolean, children: ExplanationNode[], extra: Partial<ExplanationNode> = {}): ExplanationNode => {
      const location = at(span);
      return { kind, text: text(span), ...(location ? { location } : {}), value, children, ...extra };
    };

    switch (expr.kind) {
      case 'paren':
        return this.evaluate(condition, expr.expr, macroOrder, depth);
      case 'and':
      case 'or': {
        const children = expr.operands.map((operand) => this.evaluate(condition, operand, macroOrder, depth));
        const value = expr.kind === 'and' ? children.every((c) => c.value) : children.some((c) => c.value);
        return node(expr.kind, expr.span, value, children);
      }
      case 'not': {
        const child = this.evaluate(condition, expr.operand, macroOrder, depth);
        return node('not', expr.span, !child.value, [child]);
      }
      case 'identifier': {
        const macro = depth < MAX_MACRO_DEPTH ? this.macros.resolve(expr.name, macroOrder) : undefined;
        if (!macro) {
          const message = depth >= MAX_MACRO_DEPTH ? `Macro '${expr.name}' is nested more than ${MAX_MACRO_DEPTH} levels deep.` : `'${expr.name}' is not a macro that this condition can see.`;
          this.errors.push(message);
          return node('unknown', expr.span, false, [], { note: message });
        }
        const child = this.evaluate(macro, macro.expr, this.macros.orderOf(expr.name, macroOrder), depth + 1);
        return node('macro', expr.span, child.value, [child]);
      }
      case 'check':
        return this.evaluateCheck(expr, node);
    }
  }

  private evaluateCheck(check: CheckExpr, node: (kind: ExplanationNode['kind'], span: Span, value: boolean, children: ExplanationNode[], extra?: Partial<ExplanationNode>) => ExplanationNode): ExplanationNode {
    const fieldText = describeOperand(check.left);
    const fail = (message: string): ExplanationNode => {
      this.errors.push(message);
      return node('check', check.span, false, [], { field: fieldText, note: message });
    };
    const left = this.extract(check.left);
    if (!left.ok && !left.missing) return fail(left.error);
    if (!left.ok) return node('check', check.span, false, [], { field: fieldText, fieldValue: left.display, note: `The event has no value for ${fieldText}, so the check is false, as in Falco.` });

    const extra = { field: fieldText, fieldValue: left.value.display };
    const operator = check.operator?.text === '==' ? '=' : check.operator?.text;
    if (operator === undefined) return fail(`The check '${fieldText}' has no operator.`);
    if (operator === 'exists') return node('check', check.span, true, [], extra);

    const right = this.rightValues(check);
    if ('error' in right) return fail(right.error);
    if (right.missing) return node('check', check.span, false, [], { ...extra, note: `The event has no value for the right-hand field ${right.display}, so the check is false, as in Falco.` });

    const result = this.compare(operator, check.modifier?.text, left.value, right.values, fieldText);
    if (typeof result === 'object') {
      if ('error' in result) return fail(result.error);
      this.approximations.push(result.approximate);
      return node('check', check.span, result.value, [], { ...extra, note: result.approximate });
    }
    return node('check', check.span, result, [], extra);
  }

  /** Extracts a field or a transformer's result from the event. */
  private extract(expr: FieldExpr | TransformerExpr | ValueExpr | ListExpr | { kind: 'transformer-list' }): Extraction {
    if (expr.kind === 'value') return { ok: true, value: { type: 'CHARBUF', isList: false, values: [expr.value], anyOf: false, display: expr.value } };
    if (expr.kind === 'list') {
      const values = this.expandList(expr);
      return { ok: true, value: { type: 'CHARBUF', isList: true, values, anyOf: false, display: `[${values.join(', ')}]` } };
    }
    if (expr.kind === 'transformer-list') return { ok: false, missing: false, error: 'Lists of fields inside transformers are not evaluated yet.' };
    if (expr.kind === 'field') return this.extractField(expr);
    return this.applyTransformer(expr);
  }

  /** Extracts a field's value. With `acceptList`, a single-valued field may have several values (getopt's argument list). */
  private extractField(field: FieldExpr, acceptList = false): Extraction {
    const written = field.arg ? `${field.name}[${field.arg.value}]` : field.name;
    const lookup = lookupField(field.name, field.arg?.value, this.source);
    if (lookup.status !== 'ok') return { ok: false, missing: false, error: `'${written}' is not a field of the ${this.source} source.` };
    const type = lookup.type;
    const isList = lookup.field.isList;
    const key = canonicalFieldKey(field.name, field.arg?.value);

    let raw = this.event.get(key);
    let anyOf: Extracted['anyOf'] = false;
    if (raw === undefined && NETWORK_ALIASES[key]) raw = this.event.get(NETWORK_ALIASES[key]!);
    if (raw === undefined && EITHER_FIELDS[key]) {
      const both = EITHER_FIELDS[key]!.map((name) => this.event.get(name)).filter((value): value is EventValue => value !== undefined && value !== null);
      if (both.length) {
        raw = both.flat();
        anyOf = 'either';
      }
    }
    if (raw === undefined || raw === null) return { ok: false, missing: true, display: formatEventValue(raw) };

    const values = flattenValues(raw);
    if (Array.isArray(raw) && !isList && !anyOf && !acceptList) {
      if (ANCESTOR_FIELDS.has(key)) anyOf = 'ancestors';
      else if (values.length === 1) return { ok: true, value: { type, isList, values, anyOf, display: values[0]! } };
      else return { ok: false, missing: false, error: `The event gives ${values.length} values for ${written}, which holds one value. Give a single value.` };
    }
    return { ok: true, value: { type, isList, values, anyOf, display: formatEventValue(raw) } };
  }

  private applyTransformer(expr: TransformerExpr): Extraction {
    const name = expr.name;
    if (name === 'val') {
      const argument = expr.args[0];
      if (!argument || argument.kind !== 'field') return { ok: false, missing: false, error: "val() takes one field, such as 'val(proc.pname)'." };
      return this.extractField(argument);
    }
    if (name === 'getopt') return this.applyGetopt(expr);
    if (name === 'concat' || name === 'join') {
      const parts = expr.args.map((argument) => this.extract(argument));
      for (const part of parts) if (!part.ok) return part;
      const values = parts.map((part) => (part as { ok: true; value: Extracted }).value);
      const text = name === 'concat' ? values.map((v) => v.values[0] ?? '').join('') : (values[1]?.values ?? []).join(values[0]?.values[0] ?? '');
      return { ok: true, value: { type: 'CHARBUF', isList: false, values: [text], anyOf: false, display: text } };
    }
    const argument = expr.args[0];
    if (!argument) return { ok: false, missing: false, error: `${name}() needs an argument.` };
    const inner = this.extract(argument);
    if (!inner.ok) return inner;
    const value = inner.value;
    switch (name) {
      case 'tolower':
      case 'toupper':
      case 'basename': {
        const values = value.values.map((text) => applyStringTransformer(name, text));
        return { ok: true, value: { ...value, values, display: value.isList || value.anyOf ? `[${values.join(', ')}]` : values[0]! } };
      }
      case 'b64': {
        const decoded: string[] = [];
        for (const text of value.values) {
          const result = decodeBase64(text);
          // libs: a value that does not decode fails the extraction, so the check is false.
          if (result === undefined) return { ok: false, missing: true, display: `b64 of '${text}' (not base64)` };
          decoded.push(result);
        }
        return { ok: true, value: { ...value, values: decoded, display: decoded.join(', ') } };
      }
      case 'len': {
        const length = value.isList ? value.values.length : new TextEncoder().encode(value.values[0] ?? '').length;
        return { ok: true, value: { type: 'UINT64', isList: false, values: [String(length)], anyOf: false, display: String(length) } };
      }
      default:
        return { ok: false, missing: false, error: `The transformer '${name}' is not known.` };
    }
  }

  private applyGetopt(expr: TransformerExpr): Extraction {
    const [argsExpr, optstringExpr] = expr.args;
    if (!argsExpr || !optstringExpr) return { ok: false, missing: false, error: 'getopt() takes an argument list and an optstring.' };
    const args = argsExpr.kind === 'field' ? this.extractField(argsExpr, true) : this.extract(argsExpr);
    if (!args.ok) return args;
    const optstring = this.extract(optstringExpr);
    if (!optstring.ok) return optstring;
    const selector = expr.index?.value;
    const values = getopt(args.value.values, optstring.value.values[0] ?? '', selector);
    if (!values) return { ok: false, missing: true, display: `no -${selector} option` };
    const isList = selector === undefined;
    return { ok: true, value: { type: 'CHARBUF', isList, values, anyOf: false, display: isList ? `[${values.join(', ')}]` : values[0]! } };
  }

  private expandList(list: ListExpr): string[] {
    const values: string[] = [];
    for (const item of list.items) {
      const items = item.quoted ? undefined : this.program.listItems(item.value, this.lastFile);
      if (items) values.push(...items);
      else values.push(item.value);
    }
    return values;
  }

  private rightValues(check: CheckExpr): { values: string[]; missing: false } | { missing: true; display: string } | { error: string } {
    const right = check.right;
    if (!right) return { error: `The check '${describeOperand(check.left)}' has no right-hand value.` };
    if (right.kind === 'value') return { values: [right.value], missing: false };
    if (right.kind === 'list') return { values: this.expandList(right), missing: false };
    const extracted = this.extract(right);
    if (!extracted.ok) return extracted.missing ? { missing: true, display: describeOperand(right) } : { error: extracted.error };
    return { values: extracted.value.values, missing: false };
  }

  /** Compares as libs `compare_rhs`: list fields, `in`/`pmatch`, modifiers, then the base operator. */
  private compare(operator: string, modifier: string | undefined, left: Extracted, right: string[], fieldText: string): boolean | { error: string } | { value: boolean; approximate: string } {
    const type = left.type;
    const kind = typeClass(type);
    for (const value of right) {
      if (operator === 'bcontains' || operator === 'bstartswith' || operator === 'regex' || operator === 'pmatch' || operator === 'glob' || operator === 'iglob') continue;
      const problem = checkValueForType(value, type, fieldText, operator);
      if (problem?.machineDependent || (type === 'PORT' && /^[A-Za-z]/.test(value))) return { error: `'${value}' is a service name, which Falco resolves through /etc/services on its own machine, so it cannot be evaluated here. Write the port number in the rule.` };
      if (problem) return { error: `Falco does not load this check: ${problem.message}` };
    }
    let approximate: string | undefined;
    const single = (leftValue: string, rightValue: string, op: string): boolean | { error: string } => {
      if (op === 'regex') {
        const invalid = checkRegex(rightValue);
        if (invalid) return { error: `Falco does not load this check: ${invalid}` };
        const pattern = translateRegex(rightValue);
        if (!pattern) return { error: `The regex '${rightValue}' could not be translated to a JavaScript regular expression.` };
        if (/[^\x00-\x7f]/.test(leftValue + rightValue)) approximate = `regex on non-ASCII text: RE2 matches UTF-8 bytes and this evaluator UTF-16 code units, so Falco's result may differ.`;
        else if (/[\n\r]/.test(leftValue) && /[\^$]/.test(rightValue)) approximate = `regex with ^ or $ on a value with line breaks: RE2's POSIX mode may also match them at line breaks, which this evaluator does not.`;
        return pattern.test(leftValue);
      }
      return compareScalar(op, kind, leftValue, rightValue);
    };

    let result: boolean | { error: string };
    if (left.isList) {
      result = compareList(operator, kind, left.values, right);
    } else if (left.anyOf) {
      const results = left.values.map((value) => this.compareOne(operator, modifier, value, right, single));
      const error = results.find((r): r is { error: string } => typeof r === 'object');
      const every = operator === '!=' && left.anyOf === 'either';
      result = error ?? (every ? results.every((r) => r === true) : results.some((r) => r === true));
    } else {
      result = this.compareOne(operator, modifier, left.values[0] ?? '', right, single);
    }
    if (typeof result === 'boolean' && approximate) return { value: result, approximate };
    return result;
  }

  private compareOne(operator: string, modifier: string | undefined, value: string, right: string[], single: (l: string, r: string, op: string) => boolean | { error: string }): boolean | { error: string } {
    if (operator === 'in' || operator === 'intersects') return anyResult(right.map((r) => single(value, r, '=')));
    if (operator === 'pmatch') return pathPrefixMatch(value, right);
    if (modifier) {
      const results = right.map((r) => single(value, r, operator));
      const error = results.find((r): r is { error: string } => typeof r === 'object');
      if (error) return error;
      if (right.length === 0) return false;
      const count = results.filter((r) => r === true).length;
      if (modifier === 'oneof') return count === 1;
      if (modifier === 'anyof') return count > 0;
      return count === right.length;
    }
    return single(value, right[0] ?? '', operator);
  }
}

/** Applies `tolower`, `toupper` or `basename`. libs uses the C locale, which changes the case of ASCII letters only. */
function applyStringTransformer(name: string, text: string): string {
  if (name === 'tolower') return asciiLower(text);
  if (name === 'toupper') return text.replace(/[a-z]/g, (c) => c.toUpperCase());
  return text.slice(text.lastIndexOf('/') + 1);
}

/** Decodes base64 with or without padding; undefined when the text is not base64. */
function decodeBase64(text: string): string | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) return undefined;
  const padded = text.replace(/=+$/, '');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of padded) {
    buffer = (buffer << 6) | alphabet.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function describeOperand(expr: FieldExpr | TransformerExpr | ValueExpr | ListExpr | { kind: 'transformer-list' }): string {
  switch (expr.kind) {
    case 'field':
      return expr.arg ? `${expr.name}[${expr.arg.value}]` : expr.name;
    case 'transformer':
      return `${expr.name}(${expr.args.map(describeOperand).join(', ')})`;
    case 'value':
      return expr.raw;
    case 'list':
      return `(${expr.items.map((item) => item.raw).join(', ')})`;
    default:
      return '(...)';
  }
}

/** Flattens nested lists of event values into strings, dropping nulls. */
function flattenValues(value: EventValue): string[] {
  if (value === null) return [];
  if (Array.isArray(value)) return value.flatMap(flattenValues);
  return [String(value)];
}
