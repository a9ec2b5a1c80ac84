/**
 * First test cases for a rule: an event built from the positive branch of
 * its condition (the values each comparison needs to hold), and a near miss
 * that changes one of those values so the rule no longer matches. Both are
 * checked with the evaluator; a case it could not satisfy says so in its
 * name, for the author to finish.
 */
import { stringify } from 'yaml';
import type { CheckExpr, Expr } from '../condition/ast';
import type { Program } from '../analysis/program';
import { lookupField } from '../checks/fields';
import { compileRule, evaluateRule, MacroResolver, toSampleEvent } from '../eval';
import type { CompiledRule } from '../eval';
import { typeClass } from '../eval/compare';
import { canonicalFieldKey } from '../eval/event';
import { parseNetwork } from '../eval/addresses';

/** A value of a generated event: YAML writes numbers and booleans unquoted. */
export type EventFieldValue = string | number | boolean | string[];

export interface GeneratedCase {
  name: string;
  rule: string;
  event: Record<string, EventFieldValue>;
  expect: 'match' | 'no_match';
  /** False when the evaluator does not give the expected result for the event, which then needs editing. */
  verified: boolean;
}

export type GenerateResult = { ok: true; cases: GeneratedCase[] } | { ok: false; message: string };

const MAX_DEPTH = 50;

/** Builds a matching case and, when one is found, a near miss for rule `name`. */
export function generateRuleTests(program: Program, name: string): GenerateResult {
  const compiled = compileRule(program, name);
  if (!compiled.ok) return compiled;
  const rule = compiled.rule;
  const builder = new EventBuilder(program, rule.source);
  builder.require(rule.condition.expr, true, Number.MAX_SAFE_INTEGER, 0);
  const event = builder.event;
  const matches = (fields: Record<string, unknown>) => evaluateRule(program, rule, toSampleEvent(fields)).matched;

  const verified = matches(event);
  const cases: GeneratedCase[] = [{ name: verified ? `${name} matches` : `${name} matches (edit the event: it does not match yet)`, rule: name, event, expect: 'match', verified }];
  const nearMiss = verified ? findNearMiss(rule, event, builder.order, matches) : undefined;
  if (nearMiss) cases.push({ name: `${name} near miss: other ${nearMiss.field}`, rule: name, event: nearMiss.event, expect: 'no_match', verified: true });
  return { ok: true, cases };
}

/** Renders cases as the items of a `tests:` list, indented by two spaces. */
export function renderCases(cases: GeneratedCase[]): string {
  const items = cases.map(({ name, rule, event, expect }) => ({ name, rule, event, expect }));
  return stringify(items, { indent: 2, lineWidth: 0 }).split('\n').map((line) => (line === '' ? line : `  ${line}`)).join('\n');
}

/** Changes one field at a time, the fields the condition needed last first, until the rule no longer matches. */
function findNearMiss(rule: CompiledRule, event: GeneratedCase['event'], order: string[], matches: (fields: Record<string, unknown>) => boolean): { field: string; event: GeneratedCase['event'] } | undefined {
  void rule;
  // Text fields first: a changed name reads better as a near miss than a changed number.
  const fields = [...order].reverse().filter((field) => field !== 'evt.type');
  fields.sort((a, b) => Number(typeof event[a] !== 'string') - Number(typeof event[b] !== 'string'));
  for (const field of fields) {
    for (const other of otherValues(event[field]!)) {
      const changed = { ...event, [field]: other };
      if (!matches(changed)) return { field, event: changed };
    }
  }
  return undefined;
}

/** Values to try in place of `value`, closest first. */
function otherValues(value: EventFieldValue): EventFieldValue[] {
  if (typeof value === 'boolean') return [!value];
  if (typeof value === 'number') return [value === 1 ? 0 : 1, value + 1, value - 1];
  if (Array.isArray(value)) return [value.map((element) => `other-${element}`)];
  if (/^[0-9.]+$/.test(value) && value.includes('.')) return ['198.51.100.250', '10.0.0.1'];
  return [value.startsWith('/') ? `/other${value}` : `other-${value}`, value.startsWith('/') ? '/tmp/other' : 'other'];
}

class EventBuilder {
  readonly event: GeneratedCase['event'] = {};
  /** Fields in the order the condition set them. */
  readonly order: string[] = [];
  private readonly macros: MacroResolver;

  constructor(
    private readonly program: Program,
    private readonly source: string,
  ) {
    this.macros = new MacroResolver(program);
  }

  /** Sets fields so that `expr` evaluates to `want`; returns false when it found no way. */
  require(expr: Expr, want: boolean, macroOrder: number, depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    switch (expr.kind) {
      case 'paren':
        return this.require(expr.expr, want, macroOrder, depth + 1);
      case 'not':
        return this.require(expr.operand, !want, macroOrder, depth + 1);
      case 'and':
        // A false `and` needs one false operand; a missing field is false, so nothing is set.
        return want ? expr.operands.every((operand) => this.require(operand, true, macroOrder, depth + 1)) : true;
      case 'or':
        return want ? expr.operands.some((operand) => this.require(operand, true, macroOrder, depth + 1)) : expr.operands.every((operand) => this.require(operand, false, macroOrder, depth + 1));
      case 'identifier': {
        const macro = this.macros.resolve(expr.name, macroOrder);
        return macro ? this.require(macro.expr, want, this.macros.orderOf(expr.name, macroOrder), depth + 1) : false;
      }
      case 'check':
        return want ? this.satisfy(expr) : true;
    }
  }

  /** Sets the field of `check` to a value that makes the check true; returns false when it found none. */
  private satisfy(check: CheckExpr): boolean {
    if (check.left.kind !== 'field') return false;
    const field = check.left;
    const lookup = lookupField(field.name, field.arg?.value, this.source);
    if (lookup.status !== 'ok') return false;

    const key = canonicalFieldKey(field.name, field.arg?.value);
    const kind = typeClass(lookup.type);
    const operator = check.operator?.text === '==' ? '=' : check.operator?.text;
    const current = this.event[key];
    if (operator === '!=' && current !== undefined) return true;

    let value = valueFor(operator, kind, this.rightValues(check));
    if (value === undefined) return false;
    if (kind === 'numeric' && typeof value === 'string' && /^[+-]?[0-9]+$/.test(value)) value = Number(value);
    if (kind === 'bool' && (value === 'true' || value === 'false')) value = value === 'true';

    // A string that another check needs too is combined, so `contains a and contains b` both hold.
    if (typeof current === 'string' && typeof value === 'string') {
      if ((operator === 'contains' || operator === 'icontains') && !current.includes(value)) value = `${current}${value}`;
      else if (operator === 'startswith' && !current.startsWith(value)) value = `${value}${current}`;
    }
    this.event[key] = lookup.field.isList && typeof value === 'string' ? [value] : value;
    if (!this.order.includes(key)) this.order.push(key);
    return true;
  }

  /** Returns the right-hand values of a check, with list names expanded. */
  private rightValues(check: CheckExpr): string[] {
    const right = check.right;
    if (!right) return [];
    if (right.kind === 'value') return [right.value];
    if (right.kind !== 'list') return [];
    const lastFile = this.program.files.length - 1;
    return right.items.flatMap((item) => (item.quoted ? [item.value] : [...(this.program.listItems(item.value, lastFile) ?? [item.value])]));
  }
}

/** Returns a value of type class `kind` that satisfies `operator` against the right-hand `values`. */
function valueFor(operator: string | undefined, kind: string, values: string[]): EventFieldValue | undefined {
  const first = values[0];
  const isAddress = kind === 'address' || kind === 'network';
  switch (operator) {
    case 'exists':
      if (kind === 'numeric') return 1;
      if (kind === 'bool') return true;
      return isAddress ? '192.0.2.10' : 'example';
    case '=':
    case 'in':
    case 'intersects':
      if (first === undefined) return undefined;
      return kind === 'network' ? firstAddress(first) : first;
    case '!=':
      if (kind === 'numeric') return Number(first ?? 0) + 1;
      return isAddress ? '198.51.100.7' : `other-${first ?? ''}`;
    case 'contains':
    case 'icontains':
    case 'startswith':
    case 'endswith':
      return first;
    case 'pmatch':
      return first === undefined ? undefined : `${first.replace(/\/$/, '')}/file`;
    case 'glob':
    case 'iglob':
      return first?.replace(/\*/g, 'x').replace(/\?/g, 'x').replace(/\[([^\]])[^\]]*\]/g, '$1');
    case '>':
      return Number(first) + 1;
    case '<':
      return Number(first) - 1;
    case '>=':
    case '<=':
      return Number(first);
    default:
      return undefined;
  }
}

/** Returns an address inside a CIDR network: the network address with its lowest bit set. */
function firstAddress(cidr: string): string | undefined {
  const network = parseNetwork(cidr);
  if (!network) return undefined;
  if (network.address.length === 4) {
    const bytes = [...network.address];
    bytes[3] = (bytes[3]! | 1) & 0xff;
    return bytes.join('.');
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((network.address[i]! << 8) | network.address[i + 1]!).toString(16));
  groups[7] = (parseInt(groups[7]!, 16) | 1).toString(16);
  return groups.join(':');
}
