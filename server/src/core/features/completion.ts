/**
 * Completion. completionContextAt (context.ts) classifies the position;
 * this module builds the candidates of each context:
 *
 * - item kinds with item skeletons and the PCI-DSS rule templates, the keys
 *   an item kind accepts and lacks,
 *   and the values of `priority`, `source`, boolean keys, `override` and
 *   exceptions;
 * - in conditions: the fields of the rule's source, event arguments of the
 *   events the condition selects, operators of the field's type, event
 *   names, the macros and lists visible by Falco's load order, transformers
 *   and keywords;
 * - in outputs: display fields after `%`, also as `name=%field` pairs;
 * - in `tags`: tags used in the loaded files, the official tag conventions
 *   and `PCI_DSS_<id>` tags.
 *
 * Each candidate replaces the whole word around the cursor. Candidates whose
 * label starts with the typed text sort first, then the commonly used ones.
 */
import type { Span } from '../types';
import type { RulesWorkspace } from '../workspace';
import type { ItemKind, RulesItem } from '../document/model';
import type { EventDef, FieldDef } from '../catalog/types';
import type { Program } from '../analysis/program';
import type { ConditionScope } from '../checks/condition';
import { isScalar, isSeq } from 'yaml';
import type { Scalar } from 'yaml';
import { ITEM_KEYS, findKey } from '../schema/items';
import { catalog, fieldsForSource, findField, knownSources, operatorsForField, operatorsForType } from '../catalog';
import { lookupField } from '../checks/fields';
import { scalarText } from '../checks/structure';
import { ALL_OPERATORS, FIELD_TRANSFORMERS, VAL_TRANSFORMER } from '../condition/lexer';
import { pciRequirements, pciTag } from '../pci/requirements';
import { describePciTag } from '../pci/describe';
import { describePciTemplate, pciTemplateLabel, pciTemplates } from '../pci/templates';
import { lineStartOf } from './item-path';
import { CheckLeft, ConditionPosition, ScalarText, completionContextAt, isListOperator } from './context';
import { describeArgumentTypes, describeEvent, describeField, describeList, describeMacro, describeOperator } from './describe';
import { TAG_CONVENTIONS } from './tag-conventions';
import { selectedEvents } from './selected-events';

export type CandidateKind = 'field' | 'macro' | 'list' | 'operator' | 'keyword' | 'event' | 'key' | 'item' | 'value' | 'snippet';

export interface CompletionCandidate {
  label: string;
  kind: CandidateKind;
  detail?: string;
  documentation?: string;
  /** Text inserted in place of `replace`; the label when absent. */
  insertText?: string;
  /** True when `insertText` is a snippet with `$1`-style tab stops. */
  isSnippet?: boolean;
  /** Text the editor matches the typed word against; the label when absent. */
  filterText?: string;
  /** Document span the candidate replaces: the word being typed. */
  replace: Span;
  /** Sort key; lower sorts first. */
  sortText?: string;
}

/** Fields most rules use, offered before the others. */
const COMMON_FIELDS = new Set([
  'proc.name', 'proc.cmdline', 'proc.pname', 'proc.exepath', 'proc.args', 'fd.name', 'fd.directory', 'evt.type', 'evt.dir',
  'container.id', 'container.name', 'container.image.repository', 'user.name', 'user.uid', 'fd.sip', 'fd.sport', 'fd.rip', 'k8s.ns.name', 'k8s.pod.name',
]);

/** Sort groups: lower groups come first among candidates that equally match the typed text. */
const enum Group {
  Common = 0,
  Primary = 1,
  Secondary = 2,
  Keyword = 3,
  Transformer = 4,
  Last = 5,
}

const ITEM_SKELETONS: Record<ItemKind, { snippet: string; description: string }> = {
  rule: {
    snippet: 'rule: ${1:Rule name}\n  desc: ${2:What the rule detects}\n  condition: ${3:spawned_process}\n  output: ${4:Detected (user=%user.name command=%proc.cmdline container=%container.name)}\n  priority: ${5:Warning}\n  tags: [$6]',
    description: 'A rule: a condition that raises an alert with an output message when an event matches it.',
  },
  macro: {
    snippet: 'macro: ${1:name}\n  condition: ${2:condition}',
    description: 'A macro: a named condition that rules and later macros use as a bare word.',
  },
  list: {
    snippet: 'list: ${1:name}\n  items: [$2]',
    description: 'A list: named values for `in (...)` and the other list operators.',
  },
  required_engine_version: {
    snippet: 'required_engine_version: ${1:0.57.0}',
    description: 'The minimum Falco engine version the file needs.',
  },
  required_plugin_versions: {
    snippet: 'required_plugin_versions:\n  - name: ${1:container}\n    version: ${2:0.4.0}',
    description: 'The plugins and minimum plugin versions the file needs.',
  },
};

const KEY_SNIPPETS: Record<string, string> = {
  tags: 'tags: [$1]',
  items: 'items: [$1]',
  exceptions: 'exceptions:\n  - name: ${1:name}\n    fields: [$2]\n    comps: [$3]\n    values:\n      - [$4]',
  override: 'override:\n  $1',
};

const PRIORITY_LEVELS = 'Falco orders priorities as syslog severities, from Emergency (0, most severe) to Debug (7).';

export interface CompletionOptions {
  /**
   * Offers the PCI-DSS rule templates where a new item may start. Default
   * true. A client that already offers the templates from a snippet file
   * turns it off, so that each template is listed once.
   */
  pciTemplates?: boolean;
}

/** Returns the completion candidates at `offset` in the document `uri`. */
export function doComplete(workspace: RulesWorkspace, uri: string, offset: number, options: CompletionOptions = {}): CompletionCandidate[] {
  const document = workspace.getDocument(uri);
  if (!document) return [];
  const context = completionContextAt(document, offset);
  switch (context.kind) {
    case 'item-kind': {
      const candidates = itemKindCandidates(context.replace, context.hasColon, context.withDash);
      if (!context.hasColon && options.pciTemplates !== false) candidates.push(...pciTemplateCandidates(document.text, context.replace));
      return candidates;
    }
    case 'key':
      return keyCandidates(context.itemKind, context.present, context.replace, context.hasColon);
    case 'value':
      return valueCandidates(context.item, context.key, context.replace);
    case 'tag':
      return tagCandidates(workspace.getProgram(), context.item, context.present, context.replace, typedIn(document.text, context.replace, offset));
    case 'override-key':
      return overrideKeyCandidates(context.item, context.itemKind, context.present, context.replace, context.hasColon);
    case 'override-value':
      return overrideValueCandidates(context.itemKind, context.key, context.replace);
    case 'exception-key':
      return exceptionKeyCandidates(context.present, context.replace, context.hasColon);
    case 'exception-comp':
      return ALL_OPERATORS.map((op) => ({ label: op, kind: 'operator', ...documented(describeOperator(op)), replace: context.replace }));
    case 'exception-field':
      return fieldCandidates(scopeOf(workspace, uri, context.item).scope.source, context.typed, context.replace, { forOutput: false });
    case 'condition':
      return conditionCandidates(workspace, uri, context.item, context.scalar, context.position);
    case 'output-field':
      return outputCandidates(workspace, uri, context.item, context.scalar, context.placeholder);
    case 'none':
      return [];
  }
}

function typedIn(text: string, replace: Span, offset: number): string {
  return text.slice(replace.start, Math.max(replace.start, Math.min(offset, replace.end)));
}

function sortKey(label: string, typed: string, group: Group, tail = ''): string {
  const matches = typed === '' || label.startsWith(typed) ? '0' : '1';
  return `${matches}${group}${label}${tail}`;
}

function documented(documentation: string | undefined): { documentation?: string } {
  return documentation ? { documentation } : {};
}

// ---------------------------------------------------------------------------
// Items and keys

function itemKindCandidates(replace: Span, hasColon: boolean, withDash: boolean): CompletionCandidate[] {
  const order: ItemKind[] = ['rule', 'macro', 'list', 'required_engine_version', 'required_plugin_versions'];
  return order.map((kind, index) => {
    const skeleton = ITEM_SKELETONS[kind];
    const candidate: CompletionCandidate = { label: kind, kind: 'item', detail: `${kind} item`, documentation: skeleton.description, replace, sortText: `${index}` };
    if (hasColon) return { ...candidate, insertText: kind };
    return { ...candidate, insertText: `${withDash ? '- ' : ''}${skeleton.snippet}`, isSnippet: true };
  });
}

/**
 * The PCI-DSS rule templates, where a new top-level item may start. A
 * template holds several items and may start with a comment, so it replaces
 * the whole line, including a `- ` typed before the word.
 */
function pciTemplateCandidates(text: string, replace: Span): CompletionCandidate[] {
  const line = { start: lineStartOf(text, replace.start), end: replace.end };
  const typedBefore = text.slice(line.start, replace.start);
  return pciTemplates().map((template, index) => {
    const label = pciTemplateLabel(template);
    return {
      label,
      kind: 'snippet',
      detail: template.id === 'prelude' ? 'PCI-DSS template prelude' : `PCI-DSS template ${template.id}`,
      documentation: describePciTemplate(template),
      insertText: template.snippet,
      isSnippet: true,
      // Editors match the text from the start of the replaced range, which may begin with `- `.
      filterText: `${typedBefore}${label} ${template.prefix}`,
      replace: line,
      sortText: `9${index.toString().padStart(2, '0')}`,
    };
  });
}

function keyCandidates(itemKind: ItemKind, present: string[], replace: Span, hasColon: boolean): CompletionCandidate[] {
  const missing = ITEM_KEYS[itemKind].filter((key) => !present.includes(key.name));
  return missing.map((key) => {
    // Required keys first; the deprecated `append` last.
    let group = Group.Primary;
    if (key.required) group = Group.Common;
    else if (key.name === 'append') group = Group.Last;
    const candidate: CompletionCandidate = {
      label: key.name,
      kind: 'key',
      detail: `${key.required ? 'required' : 'optional'} ${key.shape}`,
      documentation: key.description,
      replace,
      sortText: `${group}${ITEM_KEYS[itemKind].indexOf(key).toString().padStart(2, '0')}`,
    };
    if (hasColon) return { ...candidate, insertText: key.name };
    const snippet = KEY_SNIPPETS[key.name];
    return snippet ? { ...candidate, insertText: snippet, isSnippet: true } : { ...candidate, insertText: `${key.name}: ` };
  });
}

function valueCandidates(item: RulesItem, key: string, replace: Span): CompletionCandidate[] {
  if (key === 'priority') {
    return catalog.priorities.map((priority, level) => ({
      label: priority.name,
      kind: 'value',
      detail: `priority ${level}${priority.aliases.length ? `, also written ${priority.aliases.join(', ')}` : ''}`,
      documentation: PRIORITY_LEVELS,
      replace,
      sortText: `${level}`,
    }));
  }
  if (key === 'source') {
    return knownSources().map((source, index) => {
      const definition = catalog.sources.find((s) => s.name === source);
      return { label: source, kind: 'value', detail: definition?.plugin ? `${definition.plugin} plugin` : 'system calls (default)', replace, sortText: `${index}` };
    });
  }
  const def = item.kind ? findKey(item.kind, key) : undefined;
  if (def?.shape === 'bool') {
    return ['true', 'false'].map((value) => ({ label: value, kind: 'value', replace }));
  }
  return [];
}

function overrideKeyCandidates(item: RulesItem, itemKind: ItemKind, present: string[], replace: Span, hasColon: boolean): CompletionCandidate[] {
  const keys = ITEM_KEYS[itemKind].filter((key) => key.override && !present.includes(key.name));
  return keys.map((key) => {
    const operations = key.override!;
    // Falco overrides only keys the item also defines, so those come first.
    const group = item.get(key.name) ? Group.Common : Group.Primary;
    const candidate: CompletionCandidate = { label: key.name, kind: 'key', detail: operations.join(' or '), documentation: key.description, replace, sortText: `${group}${key.name}` };
    if (hasColon) return { ...candidate, insertText: key.name };
    const choice = operations.length === 1 ? operations[0]! : `\${1|${operations.join(',')}|}`;
    return { ...candidate, insertText: `${key.name}: ${choice}`, isSnippet: true };
  });
}

function overrideValueCandidates(itemKind: ItemKind, key: string, replace: Span): CompletionCandidate[] {
  const operations = findKey(itemKind, key)?.override ?? [];
  const meaning = { append: 'adds to the earlier value', replace: 'replaces the earlier value' };
  return operations.map((operation) => ({ label: operation, kind: 'value', detail: meaning[operation], replace }));
}

const EXCEPTION_KEYS: Array<{ name: string; description: string; snippet: string }> = [
  { name: 'name', description: 'Name of the exception, unique within the rule.', snippet: 'name: ' },
  { name: 'fields', description: 'The field, or list of fields, whose values the exception compares.', snippet: 'fields: [$1]' },
  { name: 'comps', description: 'The comparison operator of each field (default `=` for a list of fields, `in` for one field).', snippet: 'comps: [$1]' },
  { name: 'values', description: 'Rows of values, one per field; an event matching any row does not fire the rule.', snippet: 'values:\n  - [$1]' },
];

function exceptionKeyCandidates(present: string[], replace: Span, hasColon: boolean): CompletionCandidate[] {
  return EXCEPTION_KEYS.filter((key) => !present.includes(key.name)).map((key, index) => {
    const candidate: CompletionCandidate = { label: key.name, kind: 'key', detail: 'exception key', documentation: key.description, replace, sortText: `${index}` };
    if (hasColon) return { ...candidate, insertText: key.name };
    return key.snippet.includes('$') ? { ...candidate, insertText: key.snippet, isSnippet: true } : { ...candidate, insertText: key.snippet };
  });
}

// ---------------------------------------------------------------------------
// Tags

function tagCandidates(program: Program, item: RulesItem, present: string[], replace: Span, typed: string): CompletionCandidate[] {
  const candidates = new Map<string, CompletionCandidate>();
  const add = (tag: string, group: Group, detail: string, documentation?: string) => {
    if (present.includes(tag) || candidates.has(tag)) return;
    candidates.set(tag, { label: tag, kind: 'value', detail, ...documented(documentation), replace, sortText: sortKey(tag, typed, group) });
  };
  for (const requirement of pciRequirements()) {
    add(pciTag(requirement), Group.Secondary, requirement.title, describePciTag(pciTag(requirement)));
  }
  for (const convention of TAG_CONVENTIONS) add(convention.tag, Group.Primary, convention.summary, convention.description);
  for (const [tag, count] of tagsInUse(program, item)) add(tag, Group.Common, `used by ${count} ${count === 1 ? 'rule' : 'rules'}`);
  return [...candidates.values()];
}

/** Counts the tags of the rules in the program's files, leaving out `current`'s own. */
function tagsInUse(program: Program, current: RulesItem): Map<string, number> {
  const counts = new Map<string, number>();
  for (const file of program.files) {
    for (const item of file.document.items) {
      const node = item.kind === 'rule' && item !== current ? item.get('tags')?.value : undefined;
      if (!node || !isSeq(node)) continue;
      for (const element of node.items) {
        if (!isScalar(element) || element.value === null) continue;
        const tag = item.scalarValue(element as Scalar);
        counts.set(tag, (counts.get(tag) ?? 0) + 1);
      }
    }
  }
  return counts;
}

// ---------------------------------------------------------------------------
// Conditions

interface ItemScope {
  program: Program;
  fileIndex: number;
  scope: ConditionScope;
}

function scopeOf(workspace: RulesWorkspace, uri: string, item: RulesItem): ItemScope {
  const program = workspace.getProgram();
  const fileIndex = program.fileIndexOf(uri);
  return { program, fileIndex, scope: program.scopeFor(item, fileIndex) };
}

function conditionCandidates(workspace: RulesWorkspace, uri: string, item: RulesItem, scalar: ScalarText, position: ConditionPosition): CompletionCandidate[] {
  const itemScope = scopeOf(workspace, uri, item);
  const { scope } = itemScope;
  const { typed, replace } = scalar;
  switch (position.kind) {
    case 'check-start': {
      const eventArgs = eventArgCandidates(itemScope, item, scalar.text, typed, replace);
      if (eventArgs) return eventArgs;
      const candidates = fieldCandidates(scope.source, typed, replace, { forOutput: false });
      if (typed.includes('.')) return candidates;
      candidates.push(...macroCandidates(itemScope, typed, replace));
      candidates.push({ label: 'not', kind: 'keyword', detail: 'negates the check that follows', replace, sortText: sortKey('not', typed, Group.Keyword) });
      candidates.push(...transformerCandidates(typed, replace));
      return candidates;
    }
    case 'transformer-arg': {
      const eventArgs = eventArgCandidates(itemScope, item, scalar.text, typed, replace);
      if (eventArgs) return eventArgs;
      const candidates = fieldCandidates(scope.source, typed, replace, { forOutput: false });
      if (position.transformer !== VAL_TRANSFORMER && !typed.includes('.')) candidates.push(...transformerCandidates(typed, replace));
      return candidates;
    }
    case 'operator':
      return operatorCandidates(position.left, scope.source, typed, replace);
    case 'value':
      return valuePositionCandidates(itemScope, position, typed, replace);
    case 'after-check':
      return ['and', 'or'].map((keyword) => ({ label: keyword, kind: 'keyword', replace, sortText: sortKey(keyword, typed, Group.Keyword) }));
    case 'none':
      return [];
  }
}

function fieldCandidates(source: string | undefined, typed: string, replace: Span, options: { forOutput: boolean }): CompletionCandidate[] {
  const dot = typed.lastIndexOf('.');
  const classPrefix = dot === -1 ? '' : typed.slice(0, dot + 1);
  const fields = source === undefined ? catalog.fields : fieldsForSource(source);
  const result: CompletionCandidate[] = [];
  for (const field of fields) {
    // Hidden fields are print-only or table-only in libs: outputs accept them, conditions may not.
    if (options.forOutput ? field.filterOnly : field.hidden) continue;
    if (classPrefix && !field.name.startsWith(classPrefix)) continue;
    result.push(fieldCandidate(field, typed, replace));
  }
  return result;
}

function fieldCandidate(field: FieldDef, typed: string, replace: Span): CompletionCandidate {
  const group = field.deprecated || field.hidden ? Group.Last : COMMON_FIELDS.has(field.name) ? Group.Common : Group.Primary;
  return {
    label: field.name,
    kind: 'field',
    detail: `${field.type}${field.deprecated ? ' (deprecated)' : ''}`,
    documentation: describeField(field),
    replace,
    sortText: sortKey(field.name, typed, group),
  };
}

function macroCandidates(itemScope: ItemScope, typed: string, replace: Span): CompletionCandidate[] {
  const { program, fileIndex, scope } = itemScope;
  const result: CompletionCandidate[] = [];
  for (const name of program.namesOf('macro', fileIndex)) {
    if (scope.macroState(name)?.state !== 'visible') continue;
    result.push({ label: name, kind: 'macro', detail: 'macro', ...documented(describeMacro(program, name, fileIndex, { expand: false })), replace, sortText: sortKey(name, typed, Group.Secondary) });
  }
  return result;
}

function listCandidates(itemScope: ItemScope, typed: string, replace: Span): CompletionCandidate[] {
  const { program, fileIndex, scope } = itemScope;
  const result: CompletionCandidate[] = [];
  for (const name of program.namesOf('list', fileIndex)) {
    if (scope.listItems(name) === undefined) continue;
    result.push({ label: name, kind: 'list', detail: 'list', ...documented(describeList(program, name, fileIndex)), replace, sortText: sortKey(name, typed, Group.Primary) });
  }
  return result;
}

function transformerCandidates(typed: string, replace: Span): CompletionCandidate[] {
  return catalog.transformers
    .filter((transformer) => FIELD_TRANSFORMERS.includes(transformer.name))
    .map((transformer) => ({
      label: `${transformer.name}()`,
      kind: 'keyword',
      detail: `transformer, Falco ${transformer.since}+`,
      documentation: transformer.description,
      insertText: `${transformer.name}($1)`,
      isSnippet: true,
      filterText: transformer.name,
      replace,
      sortText: sortKey(transformer.name, typed, Group.Transformer),
    }));
}

/**
 * Returns the type of the left operand after its transformer. libs keeps the
 * input type for tolower, toupper, b64 and basename (sinsp_filter_transformer_*.cpp
 * `transform_type`); len gives UINT64, join and concat give CHARBUF.
 */
function leftType(left: CheckLeft, source: string | undefined): { type: string; field?: FieldDef } | undefined {
  if (left.transformer === 'len') return { type: 'UINT64' };
  if (left.transformer === 'join' || left.transformer === 'concat') return { type: 'CHARBUF' };
  if (!left.field) return undefined;
  const lookup = lookupField(left.field.name, left.field.arg, source);
  if (lookup.status !== 'ok') return undefined;
  return left.transformer ? { type: lookup.type } : { type: lookup.type, field: lookup.field };
}

function operatorCandidates(left: CheckLeft, source: string | undefined, typed: string, replace: Span): CompletionCandidate[] {
  const resolved = leftType(left, source);
  if (!resolved) return [];
  const operators = resolved.field?.isList ? operatorsForField(resolved.field) : operatorsForType(resolved.type);
  return operators.map((op, index) => ({
    label: op,
    kind: 'operator',
    detail: `${resolved.type} operator`,
    ...documented(describeOperator(op)),
    replace,
    sortText: sortKey(op, typed, Group.Primary, index.toString().padStart(2, '0')),
  }));
}

function isEventTypeField(left: CheckLeft): boolean {
  return left.transformer === undefined && left.field?.name === 'evt.type' && left.field.arg === undefined;
}

function valuePositionCandidates(itemScope: ItemScope, position: Extract<ConditionPosition, { kind: 'value' }>, typed: string, replace: Span): CompletionCandidate[] {
  const { left, operator, inList, modifier } = position;
  if (isEventTypeField(left) && !modifier && (inList || operator === '=' || operator === '==' || operator === '!=')) {
    return eventNameCandidates(typed, replace);
  }
  if (inList || modifier || isListOperator(operator)) return listCandidates(itemScope, typed, replace);
  return [];
}

function eventNameCandidates(typed: string, replace: Span): CompletionCandidate[] {
  return catalog.events
    .filter((event) => event.category !== 'unknown')
    .map((event) => ({ label: event.name, kind: 'event', detail: `${event.category} event`, documentation: describeEvent(event), replace, sortText: sortKey(event.name, typed, event.category === 'syscall' ? Group.Common : Group.Primary) }));
}

const EVENT_ARG_FIELDS = ['evt.arg.', 'evt.rawarg.'];

/**
 * After `evt.arg.` or `evt.rawarg.`: the exit arguments of the events the
 * condition selects, or of every event when it selects none or all.
 * Undefined when the word is not an event argument.
 */
function eventArgCandidates(itemScope: ItemScope, item: RulesItem, condition: string, typed: string, replace: Span): CompletionCandidate[] | undefined {
  const prefix = EVENT_ARG_FIELDS.find((p) => typed.startsWith(p));
  if (!prefix) return undefined;
  if (itemScope.scope.source !== undefined && itemScope.scope.source !== 'syscall') return [];
  const selected = selectedEvents(itemScope.program, itemScope.scope, item, condition);
  const byName = new Map<string, Array<{ event: EventDef; type: string }>>();
  // Without a selection, every argument name libs resolves, old event versions' included.
  if (!selected) for (const param of catalog.eventParams) byName.set(param.name, []);
  for (const event of selected ?? catalog.events) {
    for (const param of event.params) {
      const uses = byName.get(param.name) ?? [];
      uses.push({ event, type: param.type });
      byName.set(param.name, uses);
    }
  }
  return [...byName].map(([name, uses]) => {
    const label = `${prefix}${name}`;
    const types = uses.length ? [...new Set(uses.map((use) => use.type))] : [catalog.eventParams.find((p) => p.name === name)!.type];
    const events = uses.length ? `the events\n\n${describeArgumentTypes(uses)}` : 'older versions of events only';
    return {
      label,
      kind: 'field',
      detail: prefix === 'evt.arg.' ? `${types.join(' | ')}, compared as text` : types.join(' | '),
      documentation: `**${label}**: argument \`${name}\` of ${events}`,
      replace,
      sortText: sortKey(label, typed, Group.Primary),
    };
  });
}

// ---------------------------------------------------------------------------
// Outputs

function outputCandidates(workspace: RulesWorkspace, uri: string, item: RulesItem, scalar: ScalarText, placeholder: Span): CompletionCandidate[] {
  const itemScope = scopeOf(workspace, uri, item);
  const source = itemScope.scope.source ?? 'syscall';
  const { typed, replace } = scalar;
  const prefix = EVENT_ARG_FIELDS.find((p) => typed.startsWith(p));
  const plain = prefix
    ? (eventArgCandidates(itemScope, item, scalarText(item, item.get('condition')?.value) ?? '', typed, replace) ?? [])
    : fieldCandidates(source, typed, replace, { forOutput: true });
  const result: CompletionCandidate[] = [];
  for (const candidate of plain) {
    result.push({ ...candidate, sortText: `${candidate.sortText} 0` });
    // A field that requires an argument has no usable placeholder of its own.
    if (findField(candidate.label)?.arg === 'required') continue;
    const pair = `${candidate.label.replace(/\./g, '_')}=%${candidate.label}`;
    result.push({
      label: pair,
      kind: candidate.kind,
      ...(candidate.detail ? { detail: candidate.detail } : {}),
      ...documented(candidate.documentation),
      insertText: pair,
      filterText: `%${candidate.label}`,
      replace: placeholder,
      sortText: `${candidate.sortText} 1`,
    });
  }
  return result;
}
