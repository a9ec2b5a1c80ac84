/**
 * Markdown descriptions of fields, event arguments, events, operators,
 * macros, lists and rules, shared by completion documentation and hover.
 */
import { isScalar, isSeq } from 'yaml';
import type { Scalar } from 'yaml';
import type { EventDef, FieldDef, FieldType } from '../catalog/types';
import { catalog } from '../catalog';
import type { Definition, Program } from '../analysis/program';
import type { RulesDocument } from '../document/model';
import type { Expr } from '../condition/ast';
import { parseCondition } from '../condition/parser';
import { scalarText } from '../checks/structure';
import { DEFAULT_RULES_URI } from '../workspace';
import { blankLeadingKeyword } from './context';

// ---------------------------------------------------------------------------
// Fields and events

/** Returns how a field's argument is written, or undefined for fields without one. */
export function argumentUsage(field: FieldDef): string | undefined {
  if (field.arg === 'none') return undefined;
  const forms: string[] = [];
  if (field.argForms.includes('index')) forms.push(`\`${field.name}[<index>]\``);
  if (field.argForms.includes('key')) forms.push(`\`${field.name}[<key>]\``);
  if (field.argForms.includes('dotted')) {
    const dotted: Record<string, string> = {
      'event-param': '<event argument>',
      'event-type': '<event name or code>',
      'cgroup-subsystem': '<cgroup subsystem>',
      'src-dst': 'src` or `.dst',
    };
    forms.push(`\`${field.name}.${dotted[field.dottedArg ?? ''] ?? '<argument>'}\``);
  }
  return `${field.arg === 'required' ? 'Requires' : 'Takes an optional'} argument: ${forms.join(' or ')}.`;
}

/** Describes a field in markdown: type, description, class, sources, argument, limits. */
export function describeField(field: FieldDef, title = field.name, type: FieldType = field.type): string {
  const lines = [`**${title}** \`${type}\``, '', field.description, ''];
  const facts = [`Field class: ${field.fieldClass}.`, `Sources: ${field.sources.join(', ')}.`];
  if (field.plugin) facts.push(`Provided by the ${field.plugin} plugin.`);
  const argument = argumentUsage(field);
  if (argument) facts.push(argument);
  if (field.isList) facts.push('List-valued: compare it with `in`, `intersects` or `exists`.');
  if (field.filterOnly) facts.push('Usable in conditions only, not in outputs.');
  if (field.deprecated) facts.push(`Deprecated: ${field.deprecated}`);
  lines.push(facts.join('\n\n'));
  return lines.join('\n');
}

/** Returns every event that has an exit argument `name`, with the argument's type in that event. */
export function eventsWithArgument(name: string, among: readonly EventDef[] = catalog.events): Array<{ event: EventDef; type: FieldType }> {
  const result: Array<{ event: EventDef; type: FieldType }> = [];
  for (const event of among) {
    const param = event.params.find((p) => p.name === name);
    if (param) result.push({ event, type: param.type });
  }
  return result;
}

/** Groups events by the type their argument has: `` `FD`: open, openat``. */
export function describeArgumentTypes(uses: ReadonlyArray<{ event: EventDef; type: FieldType }>): string {
  const byType = new Map<string, string[]>();
  for (const use of uses) {
    const names = byType.get(use.type) ?? [];
    names.push(use.event.name);
    byType.set(use.type, names);
  }
  return [...byType].map(([type, names]) => `- \`${type}\`: ${names.join(', ')}`).join('\n');
}

/** Describes an event in markdown: category and arguments. */
export function describeEvent(event: EventDef): string {
  const args = (params: EventDef['params']) => (params.length ? params.map((p) => `\`${p.name}\` (${p.type})`).join(', ') : 'none');
  const lines = [`**event** \`${event.name}\` (${event.category})`, '', `Arguments: ${args(event.params)}.`];
  if (event.enterParams) lines.push('', `Arguments of the enter event: ${args(event.enterParams)}.`);
  return lines.join('\n');
}

/** Returns the field types that accept an operator, from the catalog's operator table. */
export function typesAccepting(operator: string): string[] {
  return Object.entries(catalog.operatorsByType)
    .filter(([, operators]) => operators.includes(operator))
    .map(([type]) => type);
}

/** Describes a condition operator in markdown: meaning and the types that accept it. */
export function describeOperator(name: string): string | undefined {
  const operator = catalog.operators.find((op) => op.name === name);
  if (!operator) return undefined;
  const types = typesAccepting(name);
  const lines = [`**operator** \`${name}\``, '', `${capitalize(operator.description)}.`, ''];
  lines.push(types.length ? `Accepted by: ${types.join(', ')}.` : 'Accepted by list-valued fields only.');
  if (catalog.listOperators.operators.includes(name)) lines.push('', `List-valued fields of types ${catalog.listOperators.elementTypes.join(', ')} accept it too.`);
  if (operator.since) lines.push('', `Since Falco ${operator.since}.`);
  return lines.join('\n');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---------------------------------------------------------------------------
// Macros, lists and rules

/** Returns the file name of a URI, marking the bundled default ruleset. */
export function displayFileName(uri: string): string {
  if (uri === DEFAULT_RULES_URI) return `${uri.slice(uri.indexOf(':') + 1)} (default ruleset)`;
  const name = uri.slice(uri.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

const lineStartsCache = new WeakMap<RulesDocument, number[]>();

/** Returns the 1-based line of `offset` in `document`. */
export function lineNumberAt(document: RulesDocument, offset: number): number {
  let starts = lineStartsCache.get(document);
  if (!starts) {
    starts = [0];
    for (let i = document.text.indexOf('\n'); i !== -1; i = document.text.indexOf('\n', i + 1)) starts.push(i + 1);
    lineStartsCache.set(document, starts);
  }
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return low + 1;
}

/** Returns where a definition is, as `` `file.yaml`, line 12 ``. */
export function definitionLocation(program: Program, definition: Definition): string {
  const document = program.files[definition.fileIndex]!.document;
  const offset = definition.item.nameSpan?.start ?? definition.item.span.start;
  return `\`${displayFileName(document.uri)}\`, line ${lineNumberAt(document, offset)}`;
}

/**
 * Returns the definitions of `name` visible from the file at `fileIndex`: the
 * last full definition and the updates (appends, overrides) loaded after it.
 */
export function effectiveDefinitions(program: Program, kind: Definition['kind'], name: string, fileIndex: number): { base?: Definition; updates: Definition[] } {
  const visible = program.definitionsOf(kind, name).filter((d) => d.fileIndex <= fileIndex);
  const fulls = visible.filter((d) => !d.isUpdate);
  const base = fulls[fulls.length - 1];
  const updates = visible.filter((d) => d.isUpdate && (!base || d.order > base.order));
  return { ...(base ? { base } : {}), updates };
}

function conditionOf(definition: Definition): string {
  return (scalarText(definition.item, definition.item.get('condition')?.value) ?? '').trim();
}

function fence(text: string): string {
  return `\`\`\`falco\n${text}\n\`\`\``;
}

/**
 * Describes a macro in markdown: its condition, the conditions of the macros
 * it uses (one level) when `expand` is set, and where it is defined.
 */
export function describeMacro(program: Program, name: string, fileIndex: number, options: { expand: boolean }): string | undefined {
  const { base, updates } = effectiveDefinitions(program, 'macro', name, fileIndex);
  if (!base) return undefined;
  const condition = conditionOf(base);
  const lines = [`**macro** \`${name}\``, '', fence(condition)];
  for (const update of updates) lines.push('', `Changed in ${definitionLocation(program, update)}:`, '', fence(conditionOf(update)));

  if (options.expand) {
    const used = macroReferences([condition, ...updates.map(conditionOf)]).filter((ref) => ref !== name);
    const expansions: string[] = [];
    for (const ref of used) {
      const inner = effectiveDefinitions(program, 'macro', ref, base.fileIndex).base;
      if (inner) expansions.push(`- \`${ref}\`: \`${conditionOf(inner).replace(/\s+/g, ' ')}\``);
    }
    if (expansions.length) lines.push('', 'Uses:', '', ...expansions);
  }
  lines.push('', `Defined in ${definitionLocation(program, base)}.`);
  return lines.join('\n');
}

/** Returns the macro names a set of conditions refers to, in order of first use. */
function macroReferences(conditions: string[]): string[] {
  const names: string[] = [];
  const visit = (expr: Expr | undefined): void => {
    if (!expr) return;
    switch (expr.kind) {
      case 'and':
      case 'or':
        expr.operands.forEach(visit);
        break;
      case 'not':
        visit(expr.operand);
        break;
      case 'paren':
        visit(expr.expr);
        break;
      case 'identifier':
        if (!names.includes(expr.name)) names.push(expr.name);
        break;
      case 'check':
        break;
    }
  };
  for (const condition of conditions) visit(parseCondition(blankLeadingKeyword(condition)).expr);
  return names;
}

/** Returns the items of a list definition as written. */
export function listItemsOf(definition: Definition): string[] {
  const node = definition.item.get('items')?.value;
  if (!node || !isSeq(node)) return [];
  return node.items.map((element) => (isScalar(element) ? definition.item.scalarValue(element as Scalar) : String(element)));
}

/** Describes a list in markdown: its items and where it is defined. */
export function describeList(program: Program, name: string, fileIndex: number): string | undefined {
  const { base, updates } = effectiveDefinitions(program, 'list', name, fileIndex);
  if (!base) return undefined;
  const lines = [`**list** \`${name}\``, '', `\`[${listItemsOf(base).join(', ')}]\``];
  for (const update of updates) lines.push('', `Changed in ${definitionLocation(program, update)}: \`[${listItemsOf(update).join(', ')}]\``);
  lines.push('', `Defined in ${definitionLocation(program, base)}.`);
  return lines.join('\n');
}

/** Describes a rule in markdown: source, priority, tags, description, where it is defined. */
export function describeRule(program: Program, name: string, fileIndex: number): string | undefined {
  const { base, updates } = effectiveDefinitions(program, 'rule', name, fileIndex);
  if (!base) return undefined;
  const item = base.item;
  const value = (key: string) => {
    // The last update that sets the key wins, as with `override: priority: replace`.
    for (let i = updates.length - 1; i >= 0; i--) {
      const text = scalarText(updates[i]!.item, updates[i]!.item.get(key)?.value);
      if (text !== undefined) return text;
    }
    return scalarText(item, item.get(key)?.value);
  };
  const tags: string[] = [];
  for (const owner of [item, ...updates.map((u) => u.item)]) {
    const node = owner.get('tags')?.value;
    if (!node || !isSeq(node)) continue;
    for (const element of node.items) {
      if (isScalar(element) && element.value !== null) tags.push(owner.scalarValue(element as Scalar));
    }
  }
  const lines = [`**rule** \`${name}\``, ''];
  lines.push(`Source: ${value('source') ?? 'syscall'}. Priority: ${value('priority') ?? 'not set'}.`);
  if (tags.length) lines.push('', `Tags: ${[...new Set(tags)].map((t) => `\`${t}\``).join(', ')}.`);
  const enabled = value('enabled');
  if (enabled !== undefined) lines.push('', `Enabled: ${enabled}.`);
  const desc = value('desc');
  if (desc) lines.push('', desc.trim());
  lines.push('', `Defined in ${definitionLocation(program, base)}.`);
  for (const update of updates) lines.push('', `Changed in ${definitionLocation(program, update)}.`);
  return lines.join('\n');
}
