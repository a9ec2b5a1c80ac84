/**
 * Fixes for a CIDR network compared with an address field (`fd.ip !=
 * "10.0.0.0/8"`), which Falco cannot load: compare the matching network
 * field instead, and optionally fold several such comparisons into one
 * `in` list.
 */
import type { CheckExpr, ValueExpr } from '../condition/ast';
import type { ConditionScope } from '../checks/condition';
import type { CodeAction, Fixer, FixContext } from './types';
import { parseCondition } from '../condition/parser';
import { checkValueForType, isIPv4, isIPv6 } from '../checks/values';
import { operatorsForType } from '../catalog';
import { checkWithValueAt, onlySeparatorBetween, operandOf, pathTo, rightValues } from './condition-tree';
import { findScalarAt, quickFix, scalarEdits, ScalarTarget, toValueSpan, ValueEdit } from './scalar-edit';

/** Offers the network field for a CIDR compared with an address field, and the combined `in` list where several comparisons can be joined. */
export const networkFieldFixer: Fixer = (context) => {
  const networkField = context.diagnostic.data?.networkField;
  if (!networkField) return [];
  const target = findScalarAt(context.document, context.diagnostic.span, ['condition']);
  if (!target) return [];
  const span = toValueSpan(target.map, context.diagnostic.span);
  const expr = parseCondition(target.text).expr;
  const found = span && expr ? checkWithValueAt(expr, span) : undefined;
  if (!expr || !found || found.check.left.kind !== 'field' || found.check.left.arg) return [];
  const scope = context.program.scopeFor(target.item, context.program.fileIndexOf(context.uri));
  const field = found.check.left.name;

  const actions: CodeAction[] = [];
  const renamed = renameToNetwork(found.check, networkField, scope);
  const renameEdits = renamed && scalarEdits(context, target, renamed);
  if (renameEdits) {
    const addsLength = renamed!.length > 1 ? ', with a prefix length for each single address' : '';
    actions.push(quickFix(context, `Compare the network field ${networkField} instead of ${field}${addsLength}`, renameEdits, true));
  }
  const combined = combineComparisons(context, target, found.check, networkField);
  if (combined) actions.push(combined);
  return actions;
};

/**
 * Returns the value edits that turn the check into a comparison of the
 * network field: the field renamed, and `/32` or `/128` added to single
 * addresses, which compare the same as networks of one address. Undefined
 * when a value is neither, or comes from a list that the edit cannot change.
 */
function renameToNetwork(check: CheckExpr, networkField: string, scope: ConditionScope): ValueEdit[] | undefined {
  const operator = check.operator?.text;
  if (check.left.kind !== 'field' || !operator || !operatorsForType('IPNET').includes(operator)) return undefined;
  const edits: ValueEdit[] = [{ span: check.left.nameSpan, text: networkField }];
  for (const value of rightValues(check)) {
    const listItems = value.quoted ? undefined : scope.listItems(value.value);
    if (listItems) {
      if (!listItems.every((item) => isNetwork(item, networkField))) return undefined;
    } else if (!isNetwork(value.value, networkField)) {
      const suffix = prefixLengthFor(value.value);
      if (!suffix) return undefined;
      const at = value.quoted ? value.span.end - 1 : value.span.end;
      edits.push({ span: { start: at, end: at }, text: suffix });
    }
  }
  return edits;
}

function isNetwork(text: string, networkField: string): boolean {
  return text.includes('/') && checkValueForType(text, 'IPNET', networkField, '=') === undefined;
}

/** `/32` for an IPv4 address, `/128` for an IPv6 one, undefined for anything else. */
function prefixLengthFor(text: string): string | undefined {
  if (isIPv4(text)) return '/32';
  if (!text.includes('.') && isIPv6(text)) return '/128';
  return undefined;
}

/** Returns the value as written, with a prefix length added inside its quotes when it is a single address. */
function networkText(value: ValueExpr, networkField: string): string | undefined {
  if (isNetwork(value.value, networkField)) return value.raw;
  const suffix = prefixLengthFor(value.value);
  if (!suffix) return undefined;
  return value.quoted ? value.raw.slice(0, -1) + suffix + value.raw.slice(-1) : value.raw + suffix;
}

/**
 * Joins the `!=` comparisons of one address field under the same `and`
 * (or the `=` comparisons under the same `or`) into one `in` list of the
 * network field, keeping each value as written. Offered only for two or
 * more comparisons; never safe, because it reorders the operands.
 */
function combineComparisons(context: FixContext, target: ScalarTarget, check: CheckExpr, networkField: string): CodeAction | undefined {
  const expr = parseCondition(target.text).expr!;
  const path = pathTo(expr, (node) => node.span.start === check.span.start && node.span.end === check.span.end && node.kind === 'check');
  const operand = operandOf(path);
  if (!operand || operand.negations !== 0 || path[path.length - 2] !== operand.parent || check.left.kind !== 'field') return undefined;
  const negated = check.operator?.text === '!=';
  if (negated ? operand.parent.kind !== 'and' : operand.parent.kind !== 'or' || !['=', '=='].includes(check.operator?.text ?? '')) return undefined;

  const field = check.left.name;
  const group: Array<{ index: number; text: string }> = [];
  operand.parent.operands.forEach((node, index) => {
    if (node.kind !== 'check' || node.left.kind !== 'field' || node.left.name !== field || node.left.arg || node.right?.kind !== 'value') return;
    const operator = node.operator?.text ?? '';
    if (negated ? operator !== '!=' : operator !== '=' && operator !== '==') return;
    const text = networkText(node.right, networkField);
    if (text !== undefined) group.push({ index, text });
  });
  const operands = operand.parent.operands;
  const separated = group.every(({ index }) => index === 0 || onlySeparatorBetween(target.text, operands[index - 1]!.span, operands[index]!.span, 'keyword'));
  if (group.length < 2 || !separated) return undefined;

  const combined = `${negated ? 'not ' : ''}${networkField} in (${group.map((g) => g.text).join(', ')})`;
  const edits: ValueEdit[] = [{ span: operands[group[0]!.index]!.span, text: combined }];
  // Each later comparison goes with the `and`/`or` before it.
  for (const { index } of group.slice(1)) edits.push({ span: { start: operands[index - 1]!.span.end, end: operands[index]!.span.end }, text: '' });
  const documentEdits = scalarEdits(context, target, edits);
  return documentEdits && quickFix(context, `Combine the ${group.length} comparisons of ${field} into '${combined}'`, documentEdits, false);
}
