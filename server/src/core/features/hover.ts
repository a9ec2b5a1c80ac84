/**
 * Hover: a field's type and description, a macro's condition, a list's items.
 */
import type { Span } from '../types';
import type { RulesWorkspace } from '../workspace';
import type { Expr, FieldExpr, TransformerExpr } from '../condition/ast';
import { parseCondition } from '../condition/parser';
import { parseOutput } from '../output/parser';
import { lookupField } from '../checks/fields';
import { scalarText } from '../checks/structure';
import { toDocumentSpan } from '../yaml/scalar-map';
import { findItemAt, findScalarAt } from './locate';

export interface HoverResult {
  /** Markdown. */
  contents: string;
  span: Span;
}

const contains = (span: Span, offset: number) => span.start <= offset && offset <= span.end;

export function doHover(workspace: RulesWorkspace, uri: string, offset: number): HoverResult | undefined {
  const document = workspace.getDocument(uri);
  const item = document && findItemAt(document, offset);
  if (!item) return undefined;
  const location = findScalarAt(item, offset);
  if (!location) return undefined;
  const source = item.kind === 'rule' ? scalarText(item, item.get('source')?.value) ?? 'syscall' : undefined;
  const at = location.valueOffset;
  const toDoc = (span: Span) => toDocumentSpan(location.map, span);

  if (location.entry.key === 'output') {
    for (const segment of parseOutput(location.map.value).segments) {
      if (segment.kind === 'placeholder' && contains(segment.span, at)) {
        const field = innermostField(segment.expr, at);
        if (field) return describeField(field, source, toDoc);
      }
    }
    return undefined;
  }
  if (location.entry.key !== 'condition') return undefined;

  const expr = parseCondition(location.map.value).expr;
  if (!expr) return undefined;
  const found = findNode(expr, at);
  if (!found) return undefined;
  if (found.kind === 'field') return describeField(found, source, toDoc);

  const program = workspace.getProgram();
  const name = found.kind === 'identifier' ? found.name : found.value;
  const macro = program.definitionsOf('macro', name).find((d) => !d.isUpdate);
  if (macro && found.kind === 'identifier') {
    const condition = scalarText(macro.item, macro.item.get('condition')?.value) ?? '';
    return { contents: `**macro** \`${name}\`\n\n\`\`\`falco\n${condition.trim()}\n\`\`\``, span: toDoc(found.span) };
  }
  const list = program.definitionsOf('list', name).find((d) => !d.isUpdate);
  if (list) {
    const items = list.item.get('items')?.value as { items?: unknown[] } | null | undefined;
    const values = (items?.items ?? []).map((node) => scalarText(list.item, node as never) ?? '').join(', ');
    return { contents: `**list** \`${name}\`\n\n${values}`, span: toDoc(found.span) };
  }
  return undefined;
}

function describeField(field: FieldExpr, source: string | undefined, toDoc: (span: Span) => Span): HoverResult | undefined {
  const lookup = lookupField(field.name, field.arg?.value, source);
  if (lookup.status !== 'ok') return undefined;
  const f = lookup.field;
  const notes: string[] = [];
  if (f.filterOnly) notes.push('Usable in conditions only, not in outputs.');
  if (f.deprecated) notes.push(`Deprecated: ${f.deprecated}`);
  if (f.plugin) notes.push(`Provided by the ${f.plugin} plugin.`);
  const title = lookup.dottedArg !== undefined ? `${f.name}.${lookup.dottedArg}` : f.name;
  const contents = [`**${title}** \`${lookup.type}\``, '', f.description, ...(notes.length ? ['', notes.join(' ')] : [])].join('\n');
  return { contents, span: toDoc(field.span) };
}

type Hoverable = FieldExpr | { kind: 'identifier'; name: string; span: Span } | { kind: 'value'; value: string; span: Span };

function findNode(expr: Expr, at: number): Hoverable | undefined {
  switch (expr.kind) {
    case 'and':
    case 'or':
      for (const operand of expr.operands) {
        const found = findNode(operand, at);
        if (found) return found;
      }
      return undefined;
    case 'not': {
      let inner = expr.operand;
      while (inner.kind === 'not') inner = inner.operand;
      return findNode(inner, at);
    }
    case 'paren':
      return findNode(expr.expr, at);
    case 'identifier':
      return contains(expr.span, at) ? expr : undefined;
    case 'check': {
      const left = innermostField(expr.left, at);
      if (left) return left;
      const right = expr.right;
      if (!right) return undefined;
      if (right.kind === 'transformer') return innermostField(right, at);
      const values = right.kind === 'list' ? right.items : [right];
      return values.find((v) => contains(v.span, at));
    }
  }
}

function innermostField(expr: FieldExpr | TransformerExpr, at: number): FieldExpr | undefined {
  if (!contains(expr.span, at)) return undefined;
  if (expr.kind === 'field') return expr;
  for (const arg of expr.args) {
    if (arg.kind === 'field' || arg.kind === 'transformer') {
      const found = innermostField(arg, at);
      if (found) return found;
    }
  }
  return undefined;
}
