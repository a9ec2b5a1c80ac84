/**
 * Semantic tokens: what each word of a rules file means, as the program
 * resolves it. The TextMate grammar can only guess from the shape of a word.
 * Here a bare word is a macro only when a macro of that name is visible from
 * the item, and a value is a list only when the program defines that list.
 * A field token tells whether the item's source has the field.
 *
 * Covered: item names where they are defined, conditions (with the leading
 * `and`/`or` of an appended condition), output placeholders, the `fields`
 * and `comps` of rule exceptions, and list items that name other lists.
 * YAML structure (keys, plain strings, comments) is left to the grammar.
 *
 * Tokens never overlap, come sorted by offset, and never span a line break:
 * a token that does (a string folded over two lines) is split per line.
 */
import { isMap, isScalar, isSeq, Scalar } from 'yaml';
import type { Node as YamlNode, YAMLMap } from 'yaml';
import type { Span } from '../types';
import type { RulesWorkspace } from '../workspace';
import { DEFAULT_RULES_URI } from '../workspace';
import type { RulesItem } from '../document/model';
import type { Definition, Program } from '../analysis/program';
import type { ConditionScope } from '../checks/condition';
import type { Expr, FieldArg, FieldExpr, TransformerExpr } from '../condition/ast';
import type { ConditionToken } from '../condition/lexer';
import { ALL_OPERATORS, matchHexNumber, matchNumber } from '../condition/lexer';
import { parseCondition, parseFieldOrTransformerAt, tokenizeCondition } from '../condition/parser';
import { parseOutput } from '../output/parser';
import { lookupField } from '../checks/fields';
import { isKnownEventName } from '../catalog';
import type { ScalarMap } from '../yaml/scalar-map';
import { toDocumentSpan } from '../yaml/scalar-map';

export type SemanticTokenType =
  /** A rule name where the rule is defined. */
  | 'rule'
  | 'macro'
  | 'list'
  /** A field such as `proc.name`, also inside an output's `%proc.name` (the `%` included). */
  | 'field'
  /** A transformer name such as `tolower`, also an output's `%tolower` (the `%` included). */
  | 'transformer'
  /** An operator or an operator modifier (`oneof`, `anyof`, `allof`). */
  | 'operator'
  /** `and`, `or`, `not`. */
  | 'keyword'
  /** A quoted or bare string value, or a field argument such as `HOME` in `proc.env[HOME]`. */
  | 'string'
  | 'number'
  /** An event name compared with `evt.type` or `syscall.type`. */
  | 'event';

export type SemanticTokenModifier =
  /** The name of a rule, macro or list at a full definition (not at an `append` or `override`). */
  | 'declaration'
  /** A macro or list defined by the bundled default ruleset, or a transformer. */
  | 'defaultLibrary'
  | 'deprecated'
  /** A field that exists, but not for the source of the rule. */
  | 'otherSource'
  /** A field that does not exist, or whose plugin is not loaded. */
  | 'unknown';

export interface SemanticToken {
  /** Document offsets, on one line. */
  span: Span;
  type: SemanticTokenType;
  modifiers: SemanticTokenModifier[];
}

type TransformerArg = TransformerExpr['args'][number];

const EVENT_TYPE_FIELDS = new Set(['evt.type', 'syscall.type']);
const OPERATORS = new Set(ALL_OPERATORS);
const APPENDED_START = /^(\s*)(and|or)(?![A-Za-z0-9_])/;

/**
 * Computes the semantic tokens of a document of the workspace. With `range`,
 * only the items it touches are read, and only tokens inside it are returned.
 * Returns an empty list for a URI the workspace does not hold.
 */
export function getSemanticTokens(workspace: RulesWorkspace, uri: string, range?: Span): SemanticToken[] {
  const document = workspace.getDocument(uri);
  if (!document) return [];
  const program = workspace.getProgram();
  const fileIndex = program.fileIndexOf(uri);
  const collector = new TokenCollector(document.text);
  for (const item of document.items) {
    if (range && (item.elementSpan.end < range.start || item.elementSpan.start > range.end)) continue;
    new ItemReader(program, item, fileIndex, collector).read();
  }
  return collector.finish(range);
}

/** Gathers tokens in any order, then sorts them, splits them per line and drops overlaps. */
class TokenCollector {
  private readonly tokens: SemanticToken[] = [];

  constructor(private readonly text: string) {}

  add(span: Span, type: SemanticTokenType, modifiers: SemanticTokenModifier[] = []): void {
    if (span.end > span.start) this.tokens.push({ span, type, modifiers });
  }

  finish(range: Span | undefined): SemanticToken[] {
    const pieces = this.tokens.flatMap((token) => splitPerLine(this.text, token.span).map((span) => ({ ...token, span })));
    pieces.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
    const result: SemanticToken[] = [];
    for (const token of pieces) {
      const previous = result[result.length - 1];
      if (previous && token.span.start < previous.span.end) continue;
      if (range && (token.span.end <= range.start || token.span.start >= range.end)) continue;
      result.push(token);
    }
    return result;
  }
}

/**
 * Splits a span at its line breaks. A continuation piece starts after the
 * line's indentation, and a piece ends before a `\r`, so no piece covers the
 * white space that YAML folds away.
 */
function splitPerLine(text: string, span: Span): Span[] {
  const pieces: Span[] = [];
  let start = span.start;
  while (start < span.end) {
    const lineBreak = text.indexOf('\n', start);
    const lineEnd = lineBreak === -1 || lineBreak >= span.end ? span.end : lineBreak;
    let end = lineEnd;
    if (end > start && text[end - 1] === '\r' && end !== span.end) end--;
    if (end > start) pieces.push({ start, end });
    if (lineEnd === span.end) break;
    start = lineEnd + 1;
    while (start < span.end && (text[start] === ' ' || text[start] === '\t')) start++;
  }
  return pieces;
}

/** Facts the condition's tree gives about its tokens, by start offset in the condition text. */
interface TreeFacts {
  fields: Map<number, FieldExpr>;
  /** Right-hand values, with the field they are compared with (undefined for a transformer). */
  values: Map<number, string | undefined>;
}

class ItemReader {
  private readonly scope: ConditionScope | undefined;

  constructor(
    private readonly program: Program,
    private readonly item: RulesItem,
    private readonly fileIndex: number,
    private readonly out: TokenCollector,
  ) {
    const kind = item.kind;
    this.scope = fileIndex !== -1 && (kind === 'rule' || kind === 'macro') ? program.scopeFor(item, fileIndex) : undefined;
  }

  read(): void {
    this.readName();
    if (this.item.kind === 'rule' || this.item.kind === 'macro') this.readCondition();
    if (this.item.kind === 'rule') {
      this.readOutput();
      this.readExceptions();
    }
    if (this.item.kind === 'list') this.readListItems();
  }

  private readName(): void {
    const { item } = this;
    if (item.name === undefined || (item.kind !== 'rule' && item.kind !== 'macro' && item.kind !== 'list')) return;
    const node = item.get(item.kind)?.value;
    if (!node || !isScalar(node)) return;
    const map = item.scalar(node as Scalar);
    if (!map.exact) return;
    const definition = this.program.definitionsOf(item.kind, item.name).find((d) => d.item === item);
    const modifiers: SemanticTokenModifier[] = definition?.isUpdate ? [] : ['declaration'];
    if (this.isDefault(definition)) modifiers.push('defaultLibrary');
    this.out.add(toDocumentSpan(map, { start: 0, end: map.value.length }), item.kind, modifiers);
  }

  // Conditions.

  private readCondition(): void {
    const map = this.scalarOf('condition');
    if (!map) return;
    // An appended condition starts with `and` or `or`, and the rest parses on its own.
    let shift = 0;
    const appended = APPENDED_START.exec(map.value);
    if (appended) {
      const keywordStart = appended[1]!.length;
      this.out.add(toDocumentSpan(map, { start: keywordStart, end: keywordStart + appended[2]!.length }), 'keyword');
      shift = appended[0].length;
    }
    const text = map.value.slice(shift);
    const facts = collectFacts(parseCondition(text).expr);
    const toDocument = (span: Span) => toDocumentSpan(map, { start: span.start + shift, end: span.end + shift });
    for (const token of tokenizeCondition(text)) {
      const classified = this.classifyConditionToken(token, facts);
      if (classified) this.out.add(toDocument(token.span), classified.type, classified.modifiers);
    }
  }

  private classifyConditionToken(token: ConditionToken, facts: TreeFacts): { type: SemanticTokenType; modifiers: SemanticTokenModifier[] } | undefined {
    switch (token.kind) {
      case 'keyword':
        return { type: 'keyword', modifiers: [] };
      case 'operator':
      case 'modifier':
        return { type: 'operator', modifiers: [] };
      case 'transformer':
        return { type: 'transformer', modifiers: ['defaultLibrary'] };
      case 'number':
        return { type: 'number', modifiers: [] };
      case 'string':
        return { type: 'string', modifiers: [] };
      case 'field-arg':
        return { type: /^[0-9]+$/.test(token.text) ? 'number' : 'string', modifiers: [] };
      case 'field': {
        const field = facts.fields.get(token.span.start);
        return { type: 'field', modifiers: this.fieldModifiers(token.text, field?.arg?.value) };
      }
      case 'identifier':
      case 'bare-string': {
        const isValue = facts.values.has(token.span.start) || token.kind === 'bare-string';
        return isValue ? this.classifyValue(token.text, facts.values.get(token.span.start)) : this.classifyCheckWord(token.text);
      }
      case 'punctuation':
      case 'unknown':
        return undefined;
    }
  }

  /** Classifies a bare word in check position: a visible macro, or a list used where a macro belongs. */
  private classifyCheckWord(name: string): { type: SemanticTokenType; modifiers: SemanticTokenModifier[] } | undefined {
    if (this.scope?.macroState(name)?.state === 'visible') return { type: 'macro', modifiers: this.defaultModifier('macro', name) };
    if (this.scope?.listItems(name)) return { type: 'list', modifiers: this.defaultModifier('list', name) };
    return undefined;
  }

  /** Classifies an unquoted value: a list the program defines, an event name, a number or a string. */
  private classifyValue(text: string, comparedField: string | undefined): { type: SemanticTokenType; modifiers: SemanticTokenModifier[] } {
    if (this.scope?.listItems(text)) return { type: 'list', modifiers: this.defaultModifier('list', text) };
    if (comparedField !== undefined && EVENT_TYPE_FIELDS.has(comparedField) && isKnownEventName(text)) return { type: 'event', modifiers: [] };
    const isNumber = matchNumber(text, 0) === text.length || matchHexNumber(text, 0) === text.length;
    return { type: isNumber ? 'number' : 'string', modifiers: [] };
  }

  private fieldModifiers(name: string, arg: string | undefined): SemanticTokenModifier[] {
    const lookup = lookupField(name, arg, this.scope?.source);
    switch (lookup.status) {
      case 'ok': {
        const modifiers: SemanticTokenModifier[] = [];
        if (lookup.field.plugin && this.scope && !this.scope.pluginLoaded(lookup.field.plugin)) modifiers.push('unknown');
        if (lookup.field.deprecated) modifiers.push('deprecated');
        return modifiers;
      }
      case 'other-source':
        return ['otherSource'];
      case 'unknown':
      case 'unknown-event-arg':
      case 'event-arg-prefix':
        return ['unknown'];
      // The field exists and only its argument is wrong, which the diagnostics report.
      case 'argument-not-allowed':
      case 'argument-required':
      case 'invalid-argument':
        return [];
    }
  }

  // Outputs and exceptions.

  private readOutput(): void {
    const map = this.scalarOf('output');
    if (!map) return;
    for (const segment of parseOutput(map.value).segments) {
      if (segment.kind !== 'placeholder') continue;
      // The `%` and any width digits belong to the placeholder's first token.
      this.addFieldOrTransformer(map, segment.expr, segment.span.start);
    }
  }

  private readExceptions(): void {
    const exceptions = this.item.get('exceptions')?.value;
    if (!exceptions || !isSeq(exceptions)) return;
    for (const exception of exceptions.items) {
      if (!isMap(exception)) continue;
      for (const pair of (exception as YAMLMap).items) {
        if (!isScalar(pair.key)) continue;
        const key = String((pair.key as Scalar).value);
        if (key !== 'fields' && key !== 'comps') continue;
        for (const node of scalarsOf(pair.value as YamlNode | null)) {
          const map = this.item.scalar(node);
          if (!map.exact) continue;
          if (key === 'fields') this.addExceptionField(map);
          else if (OPERATORS.has(map.value.trim())) this.out.add(toDocumentSpan(map, trimmedSpan(map.value)), 'operator');
        }
      }
    }
  }

  private addExceptionField(map: ScalarMap): void {
    const span = trimmedSpan(map.value);
    const parsed = parseFieldOrTransformerAt(map.value, span.start);
    if (parsed && parsed.end === span.end) this.addFieldOrTransformer(map, parsed.expr, span.start);
  }

  /** Adds the tokens of a field or transformer call; the first token starts at `firstStart`. */
  private addFieldOrTransformer(map: ScalarMap, expr: FieldExpr | TransformerExpr, firstStart: number): void {
    if (expr.kind === 'field') {
      this.out.add(toDocumentSpan(map, { start: firstStart, end: expr.nameSpan.end }), 'field', this.fieldModifiers(expr.name, expr.arg?.value));
      if (expr.arg) this.addFieldArg(map, expr.arg);
      return;
    }
    this.out.add(toDocumentSpan(map, { start: firstStart, end: expr.nameSpan.end }), 'transformer', ['defaultLibrary']);
    for (const arg of expr.args) this.addTransformerArg(map, arg);
    if (expr.index) this.addFieldArg(map, expr.index);
  }

  private addTransformerArg(map: ScalarMap, arg: TransformerArg): void {
    switch (arg.kind) {
      case 'field':
      case 'transformer':
        this.addFieldOrTransformer(map, arg, arg.nameSpan.start);
        return;
      case 'value':
        this.out.add(toDocumentSpan(map, arg.span), arg.quoted ? 'string' : 'number');
        return;
      case 'list':
      case 'transformer-list':
        for (const item of arg.items) this.addTransformerArg(map, item);
        return;
    }
  }

  private addFieldArg(map: ScalarMap, arg: FieldArg): void {
    this.out.add(toDocumentSpan(map, arg.span), !arg.quoted && /^[0-9]+$/.test(arg.value) ? 'number' : 'string');
  }

  // Lists.

  /** List items that name another list, which Falco expands in place. */
  private readListItems(): void {
    const items = this.item.get('items')?.value;
    if (!items || !isSeq(items)) return;
    for (const node of items.items) {
      if (!isScalar(node) || (node as Scalar).type === Scalar.QUOTE_DOUBLE || (node as Scalar).type === Scalar.QUOTE_SINGLE) continue;
      const map = this.item.scalar(node as Scalar);
      if (!map.exact) continue;
      const name = map.value;
      const visible = this.program.definitionsOf('list', name).some((d) => d.fileIndex <= this.fileIndex && d.item !== this.item);
      if (visible) this.out.add(toDocumentSpan(map, { start: 0, end: name.length }), 'list', this.defaultModifier('list', name));
    }
  }

  // Helpers.

  /** Returns the decoded value of a scalar entry, when its offsets are exact. */
  private scalarOf(key: string): ScalarMap | undefined {
    const value = this.item.get(key)?.value;
    if (!value || !isScalar(value)) return undefined;
    const map = this.item.scalar(value as Scalar);
    return map.exact ? map : undefined;
  }

  private defaultModifier(kind: 'macro' | 'list', name: string): SemanticTokenModifier[] {
    const definition = this.program.definitionsOf(kind, name).find((d) => !d.isUpdate);
    return this.isDefault(definition) ? ['defaultLibrary'] : [];
  }

  private isDefault(definition: Definition | undefined): boolean {
    return definition !== undefined && this.program.files[definition.fileIndex]?.document.uri === DEFAULT_RULES_URI;
  }
}

/** Walks a condition's tree for the fields and the right-hand values it holds. */
function collectFacts(expr: Expr | undefined): TreeFacts {
  const facts: TreeFacts = { fields: new Map(), values: new Map() };
  const addOperand = (operand: TransformerArg) => {
    if (operand.kind === 'field') facts.fields.set(operand.nameSpan.start, operand);
    else if (operand.kind === 'transformer') operand.args.forEach(addOperand);
    else if (operand.kind === 'transformer-list') operand.items.forEach(addOperand);
  };
  const pending: Expr[] = expr ? [expr] : [];
  while (pending.length > 0) {
    const node = pending.pop()!;
    switch (node.kind) {
      case 'and':
      case 'or':
        pending.push(...node.operands);
        break;
      case 'not':
        pending.push(node.operand);
        break;
      case 'paren':
        pending.push(node.expr);
        break;
      case 'identifier':
        break;
      case 'check': {
        addOperand(node.left);
        const compared = node.left.kind === 'field' ? node.left.name : undefined;
        const right = node.right;
        if (!right) break;
        if (right.kind === 'transformer') addOperand(right);
        else if (right.kind === 'list') right.items.forEach((value) => facts.values.set(value.span.start, compared));
        else facts.values.set(right.span.start, compared);
        break;
      }
    }
  }
  return facts;
}

/** Returns the scalars of a node that is a scalar or a sequence of scalars. */
function scalarsOf(node: YamlNode | null): Scalar[] {
  if (!node) return [];
  if (isScalar(node)) return [node as Scalar];
  if (isSeq(node)) return node.items.filter((child): child is Scalar => isScalar(child));
  return [];
}

/** Returns the span of `text` without its leading and trailing white space. */
function trimmedSpan(text: string): Span {
  const start = text.length - text.trimStart().length;
  return { start, end: Math.max(start, text.trimEnd().length) };
}
