/**
 * Hover: what the word under the cursor is, as Falco reads it.
 *
 * - In conditions: fields with type, description, class, sources, argument
 *   and deprecation. `evt.arg.<name>` with the events that have the argument
 *   and its type in each. Event names compared with `evt.type`, operators,
 *   transformers, lists, and macros with their condition, the macros they
 *   use (one level deep) and where they are defined.
 * - In outputs: the field of a placeholder.
 * - Elsewhere in an item: the item's own name (a rule's source, priority and
 *   tags), `priority` values, `PCI_DSS_<id>` and other conventional tags,
 *   exception fields and comps, and list names inside list items.
 *
 * Keys themselves get no hover.
 */
import type { Span } from '../types';
import type { RulesWorkspace } from '../workspace';
import type { RulesItem } from '../document/model';
import type { CheckExpr, Expr, FieldExpr, TransformerExpr, TransformerListExpr, ValueExpr, ListExpr } from '../condition/ast';
import type { ScalarMap } from '../yaml/scalar-map';
import type { Program } from '../analysis/program';
import type { ConditionScope } from '../checks/condition';
import { parseCondition } from '../condition/parser';
import { parseOutput } from '../output/parser';
import { catalog, findEvent, findPriority, findTransformer, isKnownEventName } from '../catalog';
import { lookupField } from '../checks/fields';
import { scalarText } from '../checks/structure';
import { toDocumentSpan, valueOffsetAt } from '../yaml/scalar-map';
import { describePciTag } from '../pci/describe';
import { findItemAt } from './locate';
import { locateInItem } from './item-path';
import { blankLeadingKeyword } from './context';
import { describeArgumentTypes, describeEvent, describeField, describeList, describeMacro, describeOperator, describeRule, eventsWithArgument } from './describe';
import { findTagConvention } from './tag-conventions';
import { selectedEvents } from './selected-events';

export interface HoverResult {
  /** Markdown. */
  contents: string;
  span: Span;
}

/** The item under the cursor, its file's place in the load order and its condition scope. */
interface HoverScope {
  item: RulesItem;
  program: Program;
  fileIndex: number;
  scope: ConditionScope;
}

/** Returns the hover at `offset` in the document `uri`, or undefined when there is nothing to describe. */
export function doHover(workspace: RulesWorkspace, uri: string, offset: number): HoverResult | undefined {
  const document = workspace.getDocument(uri);
  const item = document && findItemAt(document, offset);
  if (!document || !item || !item.kind) return undefined;
  const program = workspace.getProgram();
  const fileIndex = program.fileIndexOf(uri);
  const context: HoverScope = { item, program, fileIndex, scope: program.scopeFor(item, fileIndex) };

  if (item.nameSpan && item.name !== undefined && item.nameSpan.start <= offset && offset < item.nameSpan.end) {
    return hoverItemName(context, item.nameSpan);
  }

  const { steps, end } = locateInItem(document.text, item, offset);
  const first = steps[0];
  if (first?.kind !== 'value' || end.kind !== 'value' || !end.scalar || !end.inside || !end.span) return undefined;
  const scalar = end.scalar;
  const text = item.scalarValue(scalar);
  const key = first.key;

  if (steps.length === 1 && (key === 'condition' || key === 'output')) {
    const map = item.scalar(scalar);
    const at = valueOffsetAt(map, offset);
    if (at === undefined || at >= map.value.length) return undefined;
    return key === 'condition' ? hoverCondition(context, map, at) : hoverOutput(context, map, at);
  }
  if (steps.length === 1 && key === 'priority' && item.kind === 'rule') return hoverPriority(text, end.span);
  if (key === 'tags' && item.kind === 'rule' && steps.length === 2) return hoverTag(text, end.span);
  if (key === 'items' && item.kind === 'list' && steps.length === 2) {
    const contents = describeList(program, text, fileIndex);
    return contents ? { contents, span: end.span } : undefined;
  }
  const exceptionKey = steps[2];
  if (key === 'exceptions' && item.kind === 'rule' && exceptionKey?.kind === 'value' && steps.length <= 4) {
    if (exceptionKey.key === 'fields') return hoverFieldName(context, text, end.span);
    if (exceptionKey.key === 'comps') {
      const contents = describeOperator(text.trim());
      return contents ? { contents, span: end.span } : undefined;
    }
  }
  return undefined;
}

function hoverItemName(context: HoverScope, span: Span): HoverResult | undefined {
  const { item, program, fileIndex } = context;
  const name = item.name!;
  let contents: string | undefined;
  if (item.kind === 'rule') contents = describeRule(program, name, fileIndex);
  else if (item.kind === 'macro') contents = describeMacro(program, name, fileIndex, { expand: true });
  else if (item.kind === 'list') contents = describeList(program, name, fileIndex);
  return contents ? { contents, span } : undefined;
}

function hoverPriority(text: string, span: Span): HoverResult | undefined {
  const priority = findPriority(text.trim());
  if (!priority) return undefined;
  const level = catalog.priorities.indexOf(priority);
  const lines = [
    `**priority** \`${priority.name}\``,
    '',
    `Level ${level} of ${catalog.priorities.length - 1}, from ${catalog.priorities[0]!.name} (0, most severe) to ${catalog.priorities[catalog.priorities.length - 1]!.name} (${catalog.priorities.length - 1}), as syslog severities.`,
    '',
    `Falco reads the name without regard to case${priority.aliases.length ? `, and also accepts ${priority.aliases.map((a) => `\`${a}\``).join(', ')}` : ''}.`,
  ];
  return { contents: lines.join('\n'), span };
}

function hoverTag(tag: string, span: Span): HoverResult | undefined {
  const pci = describePciTag(tag);
  if (pci) return { contents: pci, span };
  const convention = findTagConvention(tag);
  return convention ? { contents: convention.description, span } : undefined;
}

function hoverFieldName(context: HoverScope, text: string, span: Span): HoverResult | undefined {
  const name = text.trim();
  const bracket = /^([^[\]]+)\[(.*)\]$/.exec(name);
  const contents = describeFieldUse(context, bracket ? bracket[1]! : name, bracket ? bracket[2] : undefined, '');
  return contents ? { contents, span } : undefined;
}

// ---------------------------------------------------------------------------
// Conditions and outputs

type Target =
  | { kind: 'field'; field: FieldExpr }
  | { kind: 'transformer'; transformer: TransformerExpr }
  | { kind: 'operator'; text: string; span: Span }
  | { kind: 'identifier'; name: string; span: Span }
  | { kind: 'value'; value: ValueExpr; check: CheckExpr };

const covers = (span: Span, at: number) => span.start <= at && at < span.end;

function hoverCondition(context: HoverScope, map: ScalarMap, at: number): HoverResult | undefined {
  const expr = parseCondition(blankLeadingKeyword(map.value)).expr;
  const target = expr && findTarget(expr, at);
  if (!target) return undefined;
  const { program, fileIndex, scope } = context;
  const toDoc = (span: Span) => toDocumentSpan(map, span);
  switch (target.kind) {
    case 'field': {
      const contents = describeFieldUse(context, target.field.name, target.field.arg?.value, map.value);
      return contents ? { contents, span: toDoc(target.field.span) } : undefined;
    }
    case 'transformer': {
      const transformer = findTransformer(target.transformer.name);
      if (!transformer) return undefined;
      const contents = [`**transformer** \`${transformer.name}()\``, '', `${transformer.description}.`, '', `Since Falco ${transformer.since}.`];
      if (transformer.inputTypes) contents.push('', `Takes: ${transformer.inputTypes.join(', ')}.`);
      return { contents: contents.join('\n'), span: toDoc(target.transformer.nameSpan) };
    }
    case 'operator': {
      const contents = describeOperator(target.text);
      return contents ? { contents, span: toDoc(target.span) } : undefined;
    }
    case 'identifier': {
      const contents = scope.macroState(target.name) ? describeMacro(program, target.name, fileIndex, { expand: true }) : describeList(program, target.name, fileIndex);
      return contents ? { contents, span: toDoc(target.span) } : undefined;
    }
    case 'value': {
      const { value, check } = target;
      if (!value.quoted && scope.listItems(value.value) !== undefined) {
        const contents = describeList(program, value.value, fileIndex);
        if (contents) return { contents, span: toDoc(value.span) };
      }
      const left = check.left;
      if (left.kind === 'field' && !left.arg && (left.name === 'evt.type' || left.name === 'syscall.type')) {
        const contents = describeEventName(value.value);
        return contents ? { contents, span: toDoc(value.span) } : undefined;
      }
      return undefined;
    }
  }
}

function describeEventName(name: string): string | undefined {
  const event = findEvent(name);
  if (event) return describeEvent(event);
  if (!isKnownEventName(name)) return undefined;
  return `**system call** \`${name}\`\n\nA system call without an event of its own: \`evt.type = ${name}\` selects the generic syscall events, whose arguments are \`ID\` and \`nativeID\`.`;
}

function hoverOutput(context: HoverScope, map: ScalarMap, at: number): HoverResult | undefined {
  for (const segment of parseOutput(map.value).segments) {
    if (segment.kind !== 'placeholder' || !covers(segment.span, at)) continue;
    const target = findInOperand(segment.expr, at);
    if (target?.kind !== 'field') return undefined;
    const condition = scalarText(context.item, context.item.get('condition')?.value) ?? '';
    const contents = describeFieldUse(context, target.field.name, target.field.arg?.value, condition);
    return contents ? { contents, span: toDocumentSpan(map, target.field.span) } : undefined;
  }
  return undefined;
}

/**
 * Describes a field as written, in the item's source. For `evt.arg.<name>`
 * and `evt.rawarg.<name>` it lists the events that have the argument: among
 * the events `condition` selects, or among all events.
 */
function describeFieldUse(context: HoverScope, name: string, bracketArg: string | undefined, condition: string): string | undefined {
  const lookup = lookupField(name, bracketArg, context.scope.source);
  if (lookup.status !== 'ok') return undefined;
  const field = lookup.field;
  let title = field.name;
  if (lookup.dottedArg !== undefined) title = `${field.name}.${lookup.dottedArg}`;
  else if (bracketArg !== undefined) title = `${field.name}[${bracketArg}]`;
  const description = describeField(field, title, lookup.type);
  if (field.dottedArg !== 'event-param' || lookup.dottedArg === undefined) return description;

  const argument = lookup.dottedArg;
  const selected = selectedEvents(context.program, context.scope, context.item, condition);
  const inSelected = selected ? eventsWithArgument(argument, selected) : [];
  const uses = inSelected.length ? inSelected : eventsWithArgument(argument);
  let where = 'Events with';
  if (inSelected.length) where = 'Events this condition selects that have';
  else if (selected) where = `None of the events this condition selects (${selected.map((e) => e.name).join(', ')}) has the argument. Events with`;
  const list = uses.length ? `\n\n${describeArgumentTypes(uses)}` : ' none in the current event table (only older event versions have it).';
  const lines = [description, '', `${where} argument \`${argument}\`, with its type:${list}`];
  if (field.name === 'evt.arg') lines.push('', '`evt.arg` compares the argument as text, and `evt.rawarg` compares its typed value.');
  return lines.join('\n');
}

function findTarget(expr: Expr, at: number): Target | undefined {
  switch (expr.kind) {
    case 'and':
    case 'or':
      for (const operand of expr.operands) {
        const found = findTarget(operand, at);
        if (found) return found;
      }
      return undefined;
    case 'not':
      return findTarget(expr.operand, at);
    case 'paren':
      return findTarget(expr.expr, at);
    case 'identifier':
      return covers(expr.span, at) ? { kind: 'identifier', name: expr.name, span: expr.span } : undefined;
    case 'check':
      return findInCheck(expr, at);
  }
}

function findInCheck(check: CheckExpr, at: number): Target | undefined {
  const left = findInOperand(check.left, at);
  if (left) return left;
  if (check.operator && covers(check.operator.span, at)) return { kind: 'operator', text: check.operator.text, span: check.operator.span };
  const right = check.right;
  if (!right) return undefined;
  if (right.kind === 'transformer') return findInOperand(right, at);
  const values = right.kind === 'list' ? right.items : [right];
  const value = values.find((v) => covers(v.span, at));
  return value ? { kind: 'value', value, check } : undefined;
}

function findInOperand(operand: FieldExpr | TransformerExpr | ValueExpr | ListExpr | TransformerListExpr, at: number): Target | undefined {
  if (!covers(operand.span, at)) return undefined;
  switch (operand.kind) {
    case 'field':
      return { kind: 'field', field: operand };
    case 'transformer':
      if (covers(operand.nameSpan, at)) return { kind: 'transformer', transformer: operand };
      for (const arg of operand.args) {
        const found = findInOperand(arg, at);
        if (found) return found;
      }
      return undefined;
    case 'transformer-list':
      for (const item of operand.items) {
        const found = findInOperand(item, at);
        if (found) return found;
      }
      return undefined;
    default:
      return undefined;
  }
}
