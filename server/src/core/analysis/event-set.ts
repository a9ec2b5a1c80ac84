/**
 * The set of libs event codes a condition can match, computed the way
 * libs filter/ppm_codes.cpp does for the LOAD_NO_EVTTYPE warning (Falco 0.44).
 * An `evt.type` or `syscall.type` leaf with `=`, `==` or `in` selects the codes
 * of the named events, and with `!=` their complement. Every other leaf selects
 * all codes. `and` intersects, `or` unites, and `not` is pushed down to the
 * leaves by De Morgan, where a negated neutral leaf still selects all codes.
 */
import type { Expr, CheckExpr, ValueExpr } from '../condition/ast';

/** `negated` false: exactly `codes`; true: every code except `codes`. */
export interface EventSet {
  negated: boolean;
  codes: ReadonlySet<number>;
}

export const ALL_EVENTS: EventSet = { negated: true, codes: new Set() };

export function eventSetSize(set: EventSet, universe: number): number {
  return set.negated ? universe - set.codes.size : set.codes.size;
}

export function complement(set: EventSet): EventSet {
  return { negated: !set.negated, codes: set.codes };
}

function minus(a: ReadonlySet<number>, b: ReadonlySet<number>): Set<number> {
  const result = new Set<number>();
  for (const code of a) if (!b.has(code)) result.add(code);
  return result;
}

export function union(a: EventSet, b: EventSet): EventSet {
  if (!a.negated && !b.negated) return { negated: false, codes: new Set([...a.codes, ...b.codes]) };
  if (a.negated && b.negated) return { negated: true, codes: new Set([...a.codes].filter((c) => b.codes.has(c))) };
  const [excluded, included] = a.negated ? [a.codes, b.codes] : [b.codes, a.codes];
  return { negated: true, codes: minus(excluded, included) };
}

export function intersect(a: EventSet, b: EventSet): EventSet {
  if (!a.negated && !b.negated) return { negated: false, codes: new Set([...a.codes].filter((c) => b.codes.has(c))) };
  if (a.negated && b.negated) return { negated: true, codes: new Set([...a.codes, ...b.codes]) };
  const [excluded, included] = a.negated ? [a.codes, b.codes] : [b.codes, a.codes];
  return { negated: false, codes: minus(included, excluded) };
}

const MAX_DEPTH = 1000;

export interface EventSetContext {
  /** Codes selected by one `evt.type` value; empty for unknown names. */
  codesFor(eventName: string): readonly number[];
  /** The values a list name stands for, or undefined when it is not a list. */
  listItems(name: string): readonly string[] | undefined;
  /** The parsed condition of a visible macro, or undefined. */
  macro(name: string): Expr | undefined;
}

/** Returns the codes `expr` can match. Never throws; macro cycles count as neutral. */
export function computeEventSet(expr: Expr, context: EventSetContext): EventSet {
  const expanding = new Set<string>();
  let depth = 0;
  const visit = (node: Expr, negated: boolean): EventSet => {
    // Deeper nesting than Falco parses (1,000 levels) counts as neutral instead of exhausting the stack.
    if (depth > MAX_DEPTH) return ALL_EVENTS;
    depth++;
    try {
      return visitNode(node, negated);
    } finally {
      depth--;
    }
  };
  const visitNode = (node: Expr, negated: boolean): EventSet => {
    switch (node.kind) {
      case 'and': {
        const parts = node.operands.map((operand) => visit(operand, negated));
        return parts.reduce(negated ? union : intersect);
      }
      case 'or': {
        const parts = node.operands.map((operand) => visit(operand, negated));
        return parts.reduce(negated ? intersect : union);
      }
      case 'not': {
        let inner = node.operand;
        let innerNegated = !negated;
        while (inner.kind === 'not') {
          inner = inner.operand;
          innerNegated = !innerNegated;
        }
        return visit(inner, innerNegated);
      }
      case 'paren':
        return visit(node.expr, negated);
      case 'identifier': {
        const macro = expanding.has(node.name) ? undefined : context.macro(node.name);
        if (!macro) return ALL_EVENTS;
        expanding.add(node.name);
        const result = visit(macro, negated);
        expanding.delete(node.name);
        return result;
      }
      case 'check': {
        const selected = checkEventSet(node, context);
        if (!selected) return ALL_EVENTS;
        return negated ? complement(selected) : selected;
      }
    }
  };
  return visit(expr, false);
}

/** Returns the codes an `evt.type` check selects, or undefined for a neutral leaf. */
function checkEventSet(check: CheckExpr, context: EventSetContext): EventSet | undefined {
  const left = check.left;
  if (left.kind !== 'field' || left.arg || (left.name !== 'evt.type' && left.name !== 'syscall.type')) return undefined;
  const operator = check.operator?.text;
  if (operator !== '=' && operator !== '==' && operator !== 'in' && operator !== '!=') return undefined;
  if (!check.right || check.right.kind === 'transformer') return undefined;
  const values: ValueExpr[] = check.right.kind === 'list' ? check.right.items : [check.right];
  const codes = new Set<number>();
  for (const name of expandValues(values, context)) {
    for (const code of context.codesFor(name)) codes.add(code);
  }
  const selected: EventSet = { negated: false, codes };
  return operator === '!=' ? complement(selected) : selected;
}

/** Replaces unquoted list names among `values` by the list's items, as Falco's text substitution does. */
export function expandValues(values: readonly ValueExpr[], context: Pick<EventSetContext, 'listItems'>): string[] {
  const result: string[] = [];
  for (const value of values) {
    const items = value.quoted ? undefined : context.listItems(value.value);
    if (items) result.push(...items);
    else result.push(value.value);
  }
  return result;
}
