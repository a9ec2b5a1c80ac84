/**
 * The occurrences index: every place the program names a macro, a list or a
 * rule, with the exact document span of the name text (without YAML quotes).
 *
 * - Item names are definitions, or updates for `override`/`append` items and
 *   rule items that only set `enabled` (they refer to an earlier definition).
 * - Macros are used as bare identifiers in the conditions of rules and
 *   macros, appended conditions included, read from the condition's parse tree.
 * - Lists are used wherever Falco substitutes their names: Falco pastes list
 *   items into the condition text before parsing it (falco
 *   rule_loader_compiler.cpp `resolve_list`), at every place where the name
 *   is between delimiters (blanks, `(`, `)`, `,`, `=`), quoted strings
 *   included. The index follows that text rule on the decoded condition
 *   value and on each exception value as the compiler renders it, and maps
 *   the matches back through the scalar's offset table. Lists are also used
 *   as whole items of other lists.
 *
 * Uses follow the engine Falco ends with after loading every file: it
 * compiles all conditions again after each file, so a list defined in a later
 * file is substituted into an earlier file's conditions too. Names inside
 * scalars whose offset table is inexact are left out, because their spans
 * would be guesses.
 */
import { isAlias, isMap, isScalar, isSeq, Scalar } from 'yaml';
import type { Node as YamlNode, YAMLMap, YAMLSeq } from 'yaml';
import type { Span } from '../types';
import type { RulesItem } from '../document/model';
import type { Program } from '../analysis/program';
import type { Expr } from '../condition/ast';
import { toDocumentSpan } from '../yaml/scalar-map';
import { parseCondition } from '../condition/parser';
import { LIST_OPERATORS, STRING_OPERATOR_MODIFIERS } from '../condition/lexer';

export type NameKind = 'macro' | 'list' | 'rule';

/** `definition` for a full definition, `update` for an item that changes an earlier one, `use` for a reference. */
export type OccurrenceRole = 'definition' | 'update' | 'use';

/** The part of an item that contains a name: its own name, its condition, an exception value, or a list item. */
export type OccurrenceContext = 'name' | 'condition' | 'exception' | 'list-item';

export interface Occurrence {
  kind: NameKind;
  name: string;
  role: OccurrenceRole;
  context: OccurrenceContext;
  uri: string;
  /** Document offsets of the name text, YAML quotes excluded. */
  span: Span;
  /** The item the name is written in. */
  item: RulesItem;
  /** Index of the item's file in the program's load order. */
  fileIndex: number;
  /** Position of the item in the whole load order. */
  order: number;
  /** The YAML scalar that contains the name. */
  scalar: Scalar;
  /** True when the name is the scalar's whole value. */
  whole: boolean;
  /** True when the scalar sits in a flow collection (`[a, b]`), where `,[]{}` end a plain scalar. */
  inFlow: boolean;
}

/** Characters that bound a list name in Falco's text substitution. */
const LIST_DELIMITERS = new Set([' ', '\t', '\n', '\r', '(', ')', ',', '=']);
const KEYWORDS = new Set(['and', 'or', 'not']);
const APPENDED_START = /^\s*(?:and|or)\b/;

export class OccurrenceIndex {
  private readonly byName = new Map<string, Occurrence[]>();
  private readonly byUri = new Map<string, Occurrence[]>();

  constructor(readonly program: Program) {
    const listNames = new Set(program.namesOf('list'));
    let order = 0;
    program.files.forEach((file, fileIndex) => {
      for (const item of file.document.items) {
        new ItemScanner(this, program, listNames, item, file.document.uri, fileIndex, order).scan();
        order++;
      }
    });
    for (const list of this.byUri.values()) list.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  }

  /** Returns every occurrence of a name, in load order. */
  occurrencesOf(kind: NameKind, name: string): readonly Occurrence[] {
    return this.byName.get(`${kind}:${name}`) ?? [];
  }

  /** Returns the occurrences in one document, by offset. */
  inDocument(uri: string): readonly Occurrence[] {
    return this.byUri.get(uri) ?? [];
  }

  /** Returns the occurrence under a cursor at `offset`. A cursor just after a name counts as on it. */
  at(uri: string, offset: number): Occurrence | undefined {
    let touching: Occurrence | undefined;
    for (const occurrence of this.inDocument(uri)) {
      if (occurrence.span.start > offset) break;
      if (offset < occurrence.span.end) return occurrence;
      if (offset === occurrence.span.end) touching = occurrence;
    }
    return touching;
  }

  add(occurrence: Occurrence): void {
    const key = `${occurrence.kind}:${occurrence.name}`;
    const named = this.byName.get(key) ?? [];
    named.push(occurrence);
    this.byName.set(key, named);
    const inUri = this.byUri.get(occurrence.uri) ?? [];
    inUri.push(occurrence);
    this.byUri.set(occurrence.uri, inUri);
  }
}

const indexes = new WeakMap<Program, OccurrenceIndex>();

/** Returns the occurrences index of a program, built once per program. */
export function getOccurrenceIndex(program: Program): OccurrenceIndex {
  let index = indexes.get(program);
  if (!index) {
    index = new OccurrenceIndex(program);
    indexes.set(program, index);
  }
  return index;
}

/**
 * Returns the order of the first item named `name` and of the last one up to
 * file `fileIndex`: Falco's `index` and `visibility` of a macro or list
 * (rule_loader_collector.cpp). A macro or list can use the macros or lists
 * whose index is below its visibility.
 */
export function indexAndVisibility(program: Program, kind: 'macro' | 'list', name: string, fileIndex: number): { index: number; visibility: number } | undefined {
  const definitions = program.definitionsOf(kind, name).filter((d) => d.fileIndex <= fileIndex);
  if (definitions.length === 0) return undefined;
  return { index: definitions[0]!.order, visibility: definitions[definitions.length - 1]!.order };
}

/**
 * Returns the occurrences written in one item, as the index of the whole
 * program would hold them, without scanning the other items. `listNames` are
 * the names of every list of the program.
 */
export function scanItemOccurrences(program: Program, listNames: ReadonlySet<string>, item: RulesItem, position: { uri: string; fileIndex: number; order: number }): Occurrence[] {
  const found: Occurrence[] = [];
  new ItemScanner({ add: (occurrence) => found.push(occurrence) }, program, listNames, item, position.uri, position.fileIndex, position.order).scan();
  return found;
}

/** Collects the occurrences of one item. */
class ItemScanner {
  private readonly inFlowItem: boolean;

  constructor(
    private readonly index: Pick<OccurrenceIndex, 'add'>,
    private readonly program: Program,
    private readonly listNames: ReadonlySet<string>,
    private readonly item: RulesItem,
    private readonly uri: string,
    private readonly fileIndex: number,
    private readonly order: number,
  ) {
    const text = program.files[fileIndex]!.document.text;
    this.inFlowItem = text.charAt(item.span.start) === '{';
  }

  scan(): void {
    const item = this.item;
    if (item.kind === 'macro' || item.kind === 'list' || item.kind === 'rule') this.scanName(item.kind);
    if (item.kind === 'macro' || item.kind === 'rule') {
      const condition = item.get('condition')?.value;
      if (condition && isScalar(condition)) this.scanCondition(condition as Scalar);
    }
    if (item.kind === 'rule') {
      const exceptions = item.get('exceptions')?.value;
      if (exceptions && isSeq(exceptions)) this.scanExceptions(exceptions as YAMLSeq);
    }
    if (item.kind === 'list') {
      const items = item.get('items')?.value;
      if (items && isSeq(items)) this.scanListItems(items as YAMLSeq);
    }
  }

  private scanName(kind: NameKind): void {
    const { item } = this;
    const node = item.get(kind)?.value;
    if (item.name === undefined || !node || !isScalar(node)) return;
    const definition = this.program.definitionsOf(kind, item.name).find((d) => d.item === item);
    const map = item.scalar(node as Scalar);
    const span = map.exact ? toDocumentSpan(map, { start: 0, end: map.value.length }) : item.nameSpan!;
    this.add(kind, item.name, definition?.isUpdate ? 'update' : 'definition', 'name', node as Scalar, span, true, this.inFlowItem);
  }

  private scanCondition(node: Scalar): void {
    const map = this.item.scalar(node);
    if (!map.exact) return;
    const text = map.value;
    const listStarts = new Set<number>();
    for (const word of delimitedWords(text, true, true)) {
      const name = text.slice(word.start, word.end);
      if (!this.listNames.has(name)) continue;
      listStarts.add(word.start);
      this.add('list', name, 'use', 'condition', node, toDocumentSpan(map, word), false, this.inFlowItem);
    }

    // An appended condition starts with `and`/`or` and parses without it.
    const skip = APPENDED_START.exec(text)?.[0].length ?? 0;
    const expr = parseCondition(text.slice(skip)).expr;
    if (!expr) return;
    for (const identifier of identifiersOf(expr)) {
      const start = identifier.span.start + skip;
      if (listStarts.has(start) || KEYWORDS.has(identifier.name)) continue;
      this.add('macro', identifier.name, 'use', 'condition', node, toDocumentSpan(map, { start, end: identifier.span.end + skip }), false, this.inFlowItem);
    }
  }

  /**
   * Reads each exception value as the compiler renders it into the
   * condition: values with a space get double quotes (which keep a list name
   * at their edges from being substituted), and a scalar compared with a list
   * operator gets parentheses.
   */
  private scanExceptions(exceptions: YAMLSeq): void {
    const outerFlow = this.inFlowItem || !!exceptions.flow;
    for (const exception of exceptions.items) {
      if (!isMap(exception)) continue;
      const fields = pairValue(exception, 'fields');
      const comps = pairValue(exception, 'comps');
      const values = pairValue(exception, 'values');
      if (!values || !isSeq(values)) continue;
      const valuesFlow = outerFlow || !!exception.flow || !!values.flow;
      const singleField = !!fields && isScalar(fields);
      const compTexts = compsOf(comps);
      for (const row of values.items) {
        if (singleField) {
          if (isScalar(row)) this.scanExceptionValue(row, valuesFlow, false);
          continue;
        }
        if (!isSeq(row)) continue;
        const rowFlow = valuesFlow || !!row.flow;
        row.items.forEach((value, column) => {
          if (isSeq(value)) {
            for (const element of value.items) if (isScalar(element)) this.scanExceptionValue(element, rowFlow || !!value.flow, false);
          } else if (isScalar(value)) {
            this.scanExceptionValue(value, rowFlow, isListComp(compTexts[column] ?? '='));
          }
        });
      }
    }
  }

  private scanExceptionValue(node: Scalar, inFlow: boolean, parenthesized: boolean): void {
    const map = this.item.scalar(node);
    if (!map.exact) return;
    const text = map.value;
    const quoted = !parenthesized && text.includes(' ') && text[0] !== '"' && text[0] !== "'";
    for (const word of delimitedWords(text, !quoted, !quoted)) {
      const name = text.slice(word.start, word.end);
      if (!this.listNames.has(name)) continue;
      const whole = word.start === 0 && word.end === text.length;
      this.add('list', name, 'use', 'exception', node, toDocumentSpan(map, word), whole, inFlow);
    }
  }

  /** Adds the list items that name a list with a lower index than this list's visibility, which Falco replaces by that list's items. */
  private scanListItems(items: YAMLSeq): void {
    const { item } = this;
    if (item.name === undefined) return;
    const own = indexAndVisibility(this.program, 'list', item.name, this.program.files.length - 1);
    if (!own) return;
    for (const element of items.items) {
      if (!isScalar(element) || isAlias(element)) continue;
      const map = item.scalar(element as Scalar);
      if (!map.exact || !this.listNames.has(map.value)) continue;
      const target = indexAndVisibility(this.program, 'list', map.value, this.program.files.length - 1);
      if (!target || target.index >= own.visibility) continue;
      this.add('list', map.value, 'use', 'list-item', element as Scalar, toDocumentSpan(map, { start: 0, end: map.value.length }), true, !!items.flow || this.inFlowItem);
    }
  }

  private add(kind: NameKind, name: string, role: OccurrenceRole, context: OccurrenceContext, scalar: Scalar, span: Span, whole: boolean, inFlow: boolean): void {
    this.index.add({ kind, name, role, context, uri: this.uri, span, item: this.item, fileIndex: this.fileIndex, order: this.order, scalar, whole, inFlow });
  }
}

function pairValue(map: YAMLMap, key: string): YamlNode | undefined {
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  const value = pair?.value as YamlNode | null | undefined;
  return value && !isAlias(value) ? value : undefined;
}

/** Returns the comps as written, blanks trimmed as Falco trims them; empty when absent. */
function compsOf(comps: YamlNode | undefined): string[] {
  const text = (node: unknown) => (isScalar(node) ? String(node.value ?? '').trim() : '');
  if (comps && isSeq(comps)) return comps.items.map(text);
  if (comps && isScalar(comps)) return [text(comps)];
  return [];
}

function isListComp(comp: string): boolean {
  if (LIST_OPERATORS.includes(comp)) return true;
  const words = comp.split(/\s+/);
  return words.length === 2 && STRING_OPERATOR_MODIFIERS.includes(words[1]!);
}

/**
 * Returns the maximal runs of characters other than Falco's list delimiters.
 * `boundedAtStart` and `boundedAtEnd` tell whether a delimiter comes before
 * and after the text. A run that touches an unbounded edge is left out.
 */
export function delimitedWords(text: string, boundedAtStart: boolean, boundedAtEnd: boolean): Span[] {
  const words: Span[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const delimiter = i === text.length || LIST_DELIMITERS.has(text[i]!);
    if (!delimiter && start === -1) start = i;
    if (delimiter && start !== -1) {
      if ((start > 0 || boundedAtStart) && (i < text.length || boundedAtEnd)) words.push({ start, end: i });
      start = -1;
    }
  }
  return words;
}

/** Returns every identifier (macro reference) in a condition tree, in text order. */
function identifiersOf(root: Expr): Array<{ name: string; span: Span }> {
  const found: Array<{ name: string; span: Span }> = [];
  // An explicit stack: conditions may nest deeper than the call stack allows.
  const stack: Expr[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    switch (node.kind) {
      case 'and':
      case 'or':
        for (let i = node.operands.length - 1; i >= 0; i--) stack.push(node.operands[i]!);
        break;
      case 'not':
        stack.push(node.operand);
        break;
      case 'paren':
        stack.push(node.expr);
        break;
      case 'identifier':
        found.push({ name: node.name, span: node.span });
        break;
      case 'check':
        break;
    }
  }
  return found;
}
