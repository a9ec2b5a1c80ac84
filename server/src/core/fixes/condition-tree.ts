/**
 * Small helpers over parsed conditions for fixers: finding a node by its
 * span with its ancestors, the checks a node contains, and quoting a value
 * the way the condition language reads it.
 */
import type { CheckExpr, Expr, ValueExpr } from '../condition/ast';
import type { Span } from '../types';
import { matchBareString } from '../condition/lexer';

/** Returns the chain from the root to the first node that `accept` takes, root first; empty when none does. */
export function pathTo(root: Expr, accept: (node: Expr) => boolean): Expr[] {
  const path: Expr[] = [];
  const visit = (node: Expr): boolean => {
    path.push(node);
    if (accept(node)) return true;
    for (const child of childrenOf(node)) if (visit(child)) return true;
    path.pop();
    return false;
  };
  return visit(root) ? path : [];
}

function childrenOf(node: Expr): Expr[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.operands;
    case 'not':
      return [node.operand];
    case 'paren':
      return [node.expr];
    default:
      return [];
  }
}

/** Returns every check in `root`, in text order. */
export function checksIn(root: Expr): CheckExpr[] {
  const checks: CheckExpr[] = [];
  pathTo(root, (node) => {
    if (node.kind === 'check') checks.push(node);
    return false;
  });
  return checks;
}

/** Returns the values on the right of a check: one value, the items of a list, or none. */
export function rightValues(check: CheckExpr): ValueExpr[] {
  if (!check.right || check.right.kind === 'transformer') return [];
  return check.right.kind === 'list' ? check.right.items : [check.right];
}

/** Returns the check whose right-hand side has a value at exactly `span`, with that value. */
export function checkWithValueAt(root: Expr, span: Span): { check: CheckExpr; value: ValueExpr } | undefined {
  for (const check of checksIn(root)) {
    const value = rightValues(check).find((v) => v.span.start === span.start && v.span.end === span.end);
    if (value) return { check, value };
  }
  return undefined;
}

/** Returns the operand of an `and`/`or` that contains the last node of `path`, counting the `not`s between them. */
export function operandOf(path: readonly Expr[]): { parent: Expr & { kind: 'and' | 'or' }; index: number; negations: number } | undefined {
  let negations = 0;
  for (let i = path.length - 1; i > 0; i--) {
    const parent = path[i - 1]!;
    if (parent.kind === 'and' || parent.kind === 'or') return { parent, index: parent.operands.indexOf(path[i]!), negations };
    if (parent.kind === 'not') negations++;
    else if (parent.kind !== 'paren') return undefined;
  }
  return undefined;
}

/**
 * Returns whether only `separator` and blanks stand between two spans, so
 * that removing one operand or item with the text between them removes
 * nothing else. Text a parser skipped after a syntax error fails this.
 */
export function onlySeparatorBetween(text: string, left: Span, right: Span, separator: 'keyword' | 'comma'): boolean {
  const between = text.slice(left.end, right.start);
  const pattern = separator === 'comma' ? /^[ \t\r\n]*,[ \t\r\n]*$/ : /^[ \t\r\n]*(?:and|or)[ \t\r\n]*$/;
  return pattern.test(between);
}

/**
 * Writes `value` as a condition constant: bare when `quote` is empty and the
 * text reads back unchanged without quotes, else between `quote` (or `"`)
 * with `\` and the quote escaped as libs unescapes them.
 */
export function quoteValue(value: string, quote: string): string {
  if (quote === '' && value !== '' && matchBareString(value, 0) === value.length && !/^(?:and|or|not)$/.test(value)) return value;
  const mark = quote === "'" ? "'" : '"';
  return mark + value.replace(/\\/g, '\\\\').replace(new RegExp(mark, 'g'), `\\${mark}`) + mark;
}

/** Returns the quote character a value was written with, or the empty string for a bare value. */
export function quoteOf(value: ValueExpr): string {
  return value.quoted ? value.raw[0]! : '';
}
