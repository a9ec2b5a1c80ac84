/**
 * Parser of Falco's condition language, following libs filter/parser.cpp
 * function by function: the same token rules, the same order of attempts,
 * the same recursion-depth accounting and the same error wording, so the
 * first error reported is the one Falco reports.
 *
 * Unlike libs, it does not stop at the first error. It records the error,
 * skips to the next `and`/`or` or closing parenthesis at the same nesting
 * level, and goes on. A check that failed half-way stays in the tree with
 * what could be read (a `CheckExpr` without `operator` or `right`).
 * Recursion is bounded by the depth limit, so deep nesting cannot overflow
 * the stack.
 *
 * It is purely syntactic, so it does not know which fields, macros or lists
 * exist. Nor does it substitute lists: Falco does that on the raw text
 * before parsing, so here a list name reads as an identifier or a value.
 */
import type { Span } from '../types';
import type {
  CheckExpr,
  ConditionParseError,
  ConditionParseResult,
  Expr,
  FieldArg,
  FieldExpr,
  ListExpr,
  NotExpr,
  OperatorToken,
  TransformerExpr,
  TransformerListExpr,
  ValueExpr,
} from './ast';
import {
  ALL_OPERATORS,
  ConditionToken,
  ConditionTokenKind,
  FIELD_TRANSFORMERS,
  LIST_OPERATORS,
  NUMERIC_OPERATORS,
  STRING_OPERATORS,
  STRING_OPERATOR_MODIFIERS,
  UNARY_OPERATORS,
  VAL_TRANSFORMER,
  isAsciiAlnum,
  isBlank,
  isPosixSpace,
  matchBareString,
  matchFieldArgBareString,
  matchFieldName,
  matchHexNumber,
  matchIdentifier,
  matchNotKeyword,
  matchNumber,
  offendingTokenSpan,
  runEnd,
  scanQuotedString,
  unescapeQuotedString,
} from './lexer';

/** Falco's limit on the parser's recursion (libs' own default is 100). */
export const MAX_CONDITION_DEPTH = 1000;
/** libs' default limit, which the output formatter's parser keeps. */
export const MAX_OUTPUT_FIELD_DEPTH = 100;

function quoteEach(items: readonly string[]): string {
  return items.map((item) => `'${item}'`).join(', ');
}

const TRANSFORMERS_WITH_VAL = quoteEach([VAL_TRANSFORMER, ...FIELD_TRANSFORMERS]);

/** libs' error messages, word for word. */
const MESSAGES = {
  empty: 'filter input string is empty',
  unexpectedAfter: (token: string) => `unexpected token after '${token}', expecting 'or', 'and'`,
  missingCloseParen: "expected a ')' token",
  blankAfter: (keyword: string) => `expected blank or '(' after '${keyword}'`,
  check: "expected a '(' token, a field check, or an identifier",
  operator: `expected a valid check operator: one of ${quoteEach(ALL_OPERATORS)}`,
  numberValue: `expected a number value or a field with a valid transformer: ${TRANSFORMERS_WITH_VAL}`,
  stringValue: `expected a string value or a field with a valid transformer: ${TRANSFORMERS_WITH_VAL}`,
  stringValueOnly: 'expected a string value',
  listValue: `expected a list, an identifier, or a field with a valid transformer: ${TRANSFORMERS_WITH_VAL}`,
  listOrIdentifier: 'expected a list or an identifier',
  fieldArg: 'expected a valid field argument: a quoted string or a bare string',
  missingCloseBracket: "expected a ']' token",
  missingCloseTransformer: "expected a ')' token closing the transformer",
  transformerArg: 'expected field transformer argument: field, transformer, quoted string, number, or transformer list',
  transformerListArg: 'expected transformer list argument: field, transformer, quoted string, or number',
  missingCloseTransformerList: "expected ')'",
  valField: `expected a field within '${VAL_TRANSFORMER}' transformer`,
  depth: (max: number) => `exceeded max depth limit of ${max}`,
};

/**
 * Parses a condition. Spans are offsets into `text`. Never throws: syntax
 * errors, with libs' wording, are in `errors`.
 */
export function parseCondition(text: string): ConditionParseResult {
  const cached = recentParses.get(text);
  if (cached) return cached;
  const result = new ConditionParser(text, MAX_CONDITION_DEPTH).parse();
  if (result.errors.length > MAX_REPORTED_ERRORS) result.errors = result.errors.slice(0, MAX_REPORTED_ERRORS);
  if (text.length > RECENT_PARSES_MAX_LENGTH) return result;
  while (recentParses.size >= RECENT_PARSES_MAX || (recentParses.size > 0 && recentParsesLength + text.length > RECENT_PARSES_MAX_LENGTH)) {
    const oldest = recentParses.keys().next().value!;
    recentParses.delete(oldest);
    recentParsesLength -= oldest.length;
  }
  recentParses.set(text, result);
  recentParsesLength += text.length;
  return result;
}

/**
 * Syntax errors kept per condition. Falco reports only the first. Past a
 * hundred, more errors (from a pasted run of `)`, say) would flood the
 * editor and slow down every quick-fix lookup.
 */
export const MAX_REPORTED_ERRORS = 100;

/**
 * The last parse results by text. Checks, fixers and features parse the same
 * condition again and again (once per diagnostic when quick-fixes are
 * collected), which made fix-all quadratic in the number of errors. Results
 * are shared, so callers must not modify them; nothing outside the parser does.
 */
const recentParses = new Map<string, ConditionParseResult>();
const RECENT_PARSES_MAX = 32;
/** Total length of the cached texts, in characters, so that huge conditions cannot pin much memory. */
const RECENT_PARSES_MAX_LENGTH = 256 * 1024;
let recentParsesLength = 0;

/**
 * Splits a condition into tokens, classified by the grammar position they
 * were read in, in text order. Works on incomplete text: an unfinished field
 * such as `proc.` is a `field` token, an unclosed quote a `string` token with
 * `unterminated` set, and text skipped after an error is `unknown`.
 */
export function tokenizeCondition(text: string): ConditionToken[] {
  const parser = new ConditionParser(text, MAX_CONDITION_DEPTH);
  parser.parse();
  return parser.sortedTokens();
}

/**
 * Reads one field (`proc.name`, `proc.aname[2]`) or transformer call
 * (`tolower(proc.name)`) at `start`, as libs' `parse_field_or_transformer`
 * does for an output placeholder. No blank may precede it. An `[arg]` that
 * does not parse is left out, because Falco's formatter then retries with
 * shorter text and the name alone parses. Returns undefined when nothing at
 * `start` parses. Whether the field exists is not checked.
 */
export function parseFieldOrTransformerAt(text: string, start: number): { expr: FieldExpr | TransformerExpr; end: number } | undefined {
  return new ConditionParser(text, MAX_OUTPUT_FIELD_DEPTH).parseFormatterToken(start);
}

/** A syntax error in flight, carrying whatever part of the tree was read before it. */
class ParseFailure {
  partial?: Expr;
  constructor(
    readonly message: string,
    readonly span: Span,
    /** Earliest offset to skip from, for when the cursor is still before the offending text. */
    readonly resumeAt?: number,
    readonly isDepthLimit = false,
  ) {}
}

interface ParserState {
  pos: number;
  lastToken: string;
  lastTokenSpan: Span | undefined;
  tokenCount: number;
}

/** Operands of an n-ary `and`/`or`, with the keyword before each operand after the first. */
class Chain {
  private readonly operands: Expr[] = [];
  private readonly keywordSpans: Span[] = [];

  constructor(private readonly kind: 'and' | 'or') {}

  /** Adds an operand; a missing one (after an error) is dropped together with its keyword. */
  add(operand: Expr | undefined, keywordSpan?: Span): void {
    if (!operand) return;
    if (this.operands.length > 0 && keywordSpan) this.keywordSpans.push(keywordSpan);
    this.operands.push(operand);
  }

  build(): Expr | undefined {
    if (this.operands.length <= 1) return this.operands[0];
    const first = this.operands[0];
    const last = this.operands[this.operands.length - 1];
    return { kind: this.kind, operands: this.operands, keywordSpans: this.keywordSpans, span: { start: first.span.start, end: last.span.end } };
  }
}

class ConditionParser {
  private pos = 0;
  /** libs' recursion depth: one level per guarded parse function, as in parser.cpp. */
  private depth = 0;
  /** The text of the last token read, as libs keeps it for `unexpected token after '...'`. */
  private lastToken = '';
  private lastTokenSpan: Span | undefined;
  /** The opening parenthesis of each `( expr )` group being parsed, innermost last. */
  private readonly openGroups: Span[] = [];
  private depthLimitReported = false;
  private missingCloseReported = false;
  private readonly tokens: ConditionToken[] = [];
  private readonly errors: ConditionParseError[] = [];
  /** Start offsets of the errors recorded, so that each offset is blamed once. */
  private readonly errorStarts = new Set<number>();
  private readonly warnings: ConditionParseError[] = [];

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  parse(): ConditionParseResult {
    if (this.text.length === 0) {
      return { errors: [{ message: MESSAGES.empty, span: { start: 0, end: 0 } }] };
    }
    let expr: Expr | undefined;
    try {
      expr = this.parseOr();
      this.skipBlanks();
      // The and/or loops consume everything at the top level; this only guards against a gap in them.
      if (!this.atEnd()) this.report(MESSAGES.unexpectedAfter(this.lastToken), this.spanAt(this.pos));
    } catch (error) {
      if (error instanceof ParseFailure) {
        this.reportFailure(error);
      } else {
        const reason = error instanceof Error ? error.message : String(error);
        this.errors.push({ message: `internal error while parsing the condition: ${reason}`, span: { start: 0, end: this.text.length } });
      }
    }
    const byStart = (a: ConditionParseError, b: ConditionParseError) => a.span.start - b.span.start;
    const result: ConditionParseResult = { errors: this.errors.sort(byStart) };
    if (expr) result.expr = expr;
    if (this.warnings.length > 0) result.warnings = this.warnings.sort(byStart);
    return result;
  }

  /** Returns the tokens read, in text order, without overlaps. */
  sortedTokens(): ConditionToken[] {
    const sorted = [...this.tokens].sort((a, b) => a.span.start - b.span.start);
    const result: ConditionToken[] = [];
    for (const token of sorted) {
      const previous = result[result.length - 1];
      if (previous && token.span.start < previous.span.end) continue;
      result.push(token);
    }
    return result;
  }

  parseFormatterToken(start: number): { expr: FieldExpr | TransformerExpr; end: number } | undefined {
    this.pos = start;
    try {
      this.enter();
      const fieldEnd = matchFieldName(this.text, this.pos);
      if (fieldEnd !== -1) {
        const field = this.parseField(fieldEnd, { lenientArg: true });
        return { expr: field, end: this.pos };
      }
      const transformer = this.matchTransformerCall();
      if (transformer === undefined) return undefined;
      const nameSpan = this.takeTransformerName(transformer);
      this.skipBlanks();
      const expr = this.parseTransformerRemainder(transformer, nameSpan, { lenientIndex: true });
      // A bad escape inside the call makes libs throw, and no shorter text can close the call.
      if (this.errors.length > 0) return undefined;
      return { expr, end: this.pos };
    } catch (error) {
      if (error instanceof ParseFailure) return undefined;
      throw error;
    }
  }

  // Expressions: `or` > `and` > `not` > check, as parse_or, parse_and, parse_not.

  private parseOr(): Expr | undefined {
    this.enter();
    try {
      this.skipBlanks();
      const chain = new Chain('or');
      chain.add(this.recover(() => this.parseAnd({ continuation: false })));
      for (;;) {
        this.skipBlanks();
        if (!this.text.startsWith('or', this.pos)) break;
        const keywordSpan = this.take('keyword', this.pos + 2);
        if (this.skipBlanks()) {
          chain.add(this.recover(() => this.parseAnd({ continuation: false })), keywordSpan);
        } else if (this.text[this.pos] === '(') {
          const open = this.take('punctuation', this.pos + 1);
          chain.add(this.recover(() => this.parseEmbeddedRemainder(open)), keywordSpan);
        } else {
          this.reportKeywordWithoutBlank('or', keywordSpan);
          // Skipping may have stopped at an `and`, or at a stray `)`: the and-loop handles both.
          chain.add(this.recover(() => this.parseAnd({ continuation: true })), keywordSpan);
        }
      }
      return chain.build();
    } finally {
      this.depth--;
    }
  }

  /**
   * Parses `not-expr { 'and' not-expr }`. With `continuation`, the first
   * operand is skipped because an error already consumed it, and parsing
   * goes on from an `and` (or whatever the skipping stopped at).
   */
  private parseAnd(options: { continuation: boolean }): Expr | undefined {
    this.enter();
    try {
      this.skipBlanks();
      const chain = new Chain('and');
      if (!options.continuation) chain.add(this.recover(() => this.parseNot()));
      for (;;) {
        this.skipBlanks();
        if (this.text.startsWith('and', this.pos)) {
          const keywordSpan = this.take('keyword', this.pos + 3);
          if (this.skipBlanks()) {
            chain.add(this.recover(() => this.parseNot()), keywordSpan);
          } else if (this.text[this.pos] === '(') {
            const open = this.take('punctuation', this.pos + 1);
            chain.add(this.recover(() => this.parseEmbeddedRemainder(open)), keywordSpan);
          } else {
            this.reportKeywordWithoutBlank('and', keywordSpan);
          }
          continue;
        }
        if (this.atEnd() || this.text.startsWith('or', this.pos)) break;
        if (this.text[this.pos] === ')' && this.openGroups.length > 0) break;
        this.reportUnexpectedToken();
      }
      return chain.build();
    } finally {
      this.depth--;
    }
  }

  private parseNot(): Expr | undefined {
    this.enter();
    try {
      this.skipBlanks();
      const keywords: Span[] = [];
      for (;;) {
        const end = matchNotKeyword(this.text, this.pos);
        if (end === -1) break;
        keywords.push(this.take('keyword', this.pos + 3, this.text.slice(this.pos, end)));
        this.pos = end;
      }
      let operand: Expr | undefined;
      try {
        if (this.text.startsWith('not(', this.pos)) {
          keywords.push(this.take('keyword', this.pos + 3));
          const open = this.take('punctuation', this.pos + 1, 'not(');
          operand = this.parseEmbeddedRemainder(open);
        } else {
          operand = this.parseCheck();
        }
      } catch (error) {
        if (error instanceof ParseFailure && error.partial) error.partial = wrapInNots(error.partial, keywords);
        throw error;
      }
      return operand && wrapInNots(operand, keywords);
    } finally {
      this.depth--;
    }
  }

  /** Parses the rest of `( expr )` after its opening parenthesis. */
  private parseEmbeddedRemainder(open: Span): Expr | undefined {
    this.enter();
    this.openGroups.push(open);
    try {
      this.skipBlanks();
      const inner = this.parseOr();
      this.skipBlanks();
      if (this.text[this.pos] === ')') {
        const close = this.take('punctuation', this.pos + 1);
        return inner && { kind: 'paren', expr: inner, span: { start: open.start, end: close.end } };
      }
      // The and-loop reports anything else, so this is the end of the text. Only the innermost
      // unclosed group is reported, since the outer ones are the same mistake, and none after the
      // depth limit, whose recovery skipped the rest of the text.
      if (!this.missingCloseReported && !this.depthLimitReported) {
        this.missingCloseReported = true;
        this.report(MESSAGES.missingCloseParen, this.atEnd() ? open : this.spanAt(this.pos));
      }
      return inner && { kind: 'paren', expr: inner, span: { start: open.start, end: inner.span.end } };
    } finally {
      this.openGroups.pop();
      this.depth--;
    }
  }

  private parseCheck(): Expr | undefined {
    this.enter();
    try {
      this.skipBlanks();
      if (this.text[this.pos] === '(') {
        const open = this.take('punctuation', this.pos + 1);
        return this.parseEmbeddedRemainder(open);
      }
      const fieldEnd = matchFieldName(this.text, this.pos);
      if (fieldEnd !== -1) {
        return this.parseConditionAfter(this.parseField(fieldEnd, { lenientArg: false }));
      }
      const transformer = this.matchTransformerCall();
      if (transformer !== undefined) {
        const nameSpan = this.takeTransformerName(transformer);
        this.skipBlanks();
        return this.parseConditionAfter(this.parseTransformerRemainder(transformer, nameSpan, { lenientIndex: false }));
      }
      const identifierEnd = matchIdentifier(this.text, this.pos);
      if (identifierEnd !== -1) {
        if (this.text[identifierEnd] === '.') throw this.unfinishedFieldFailure(identifierEnd);
        const span = this.take('identifier', identifierEnd);
        return { kind: 'identifier', name: this.text.slice(span.start, span.end), span };
      }
      throw this.failure(MESSAGES.check);
    } finally {
      this.depth--;
    }
  }

  /**
   * `proc.` or `fd.1x`: libs reads the identifier and then fails on the dot
   * with the message below. The error covers the whole dotted word, and the
   * token is a field, for completion.
   */
  private unfinishedFieldFailure(identifierEnd: number): ParseFailure {
    const start = this.pos;
    let end = identifierEnd;
    while (end < this.text.length && /[A-Za-z0-9_.]/.test(this.text[end])) end++;
    const identifier = this.text.slice(start, identifierEnd);
    this.take('field', end, identifier);
    const message = this.openGroups.length > 0 ? MESSAGES.missingCloseParen : MESSAGES.unexpectedAfter(identifier);
    return new ParseFailure(message, { start, end }, end);
  }

  // Fields and transformers.

  /**
   * Reads a field whose name ends at `nameEnd`, and its optional `[arg]`.
   * With `lenientArg`, an argument that fails to parse is left out and the
   * cursor stays after the name.
   */
  private parseField(nameEnd: number, options: { lenientArg: boolean }): FieldExpr {
    const nameSpan = this.take('field', nameEnd);
    const name = this.text.slice(nameSpan.start, nameSpan.end);
    this.enter();
    try {
      const arg = options.lenientArg ? this.parseLenientFieldArg() : this.parseOptionalFieldArg();
      const field: FieldExpr = { kind: 'field', name, nameSpan, span: { start: nameSpan.start, end: this.pos } };
      if (arg) field.arg = arg;
      return field;
    } finally {
      this.depth--;
    }
  }

  private parseOptionalFieldArg(): FieldArg | undefined {
    if (this.text[this.pos] !== '[') return undefined;
    this.take('punctuation', this.pos + 1);
    const start = this.pos;
    let value: string;
    let quoted: boolean;
    const quotedEnd = scanQuotedString(this.text, this.pos);
    if (quotedEnd !== -1) {
      value = this.unescape(start, quotedEnd);
      this.take('field-arg', quotedEnd, value);
      quoted = true;
    } else {
      const bareEnd = matchFieldArgBareString(this.text, this.pos);
      if (bareEnd === -1) throw this.failure(MESSAGES.fieldArg);
      value = this.text.slice(start, bareEnd);
      this.take('field-arg', bareEnd);
      quoted = false;
    }
    const span = { start, end: this.pos };
    if (this.text[this.pos] !== ']') throw this.failure(MESSAGES.missingCloseBracket);
    this.take('punctuation', this.pos + 1);
    return { value, span, quoted };
  }

  /** Reads an optional `[arg]`, or leaves the state untouched when it fails, bad escapes included. */
  private parseLenientFieldArg(): FieldArg | undefined {
    const saved = this.save();
    const errorCount = this.errors.length;
    try {
      const arg = this.parseOptionalFieldArg();
      if (this.errors.length === errorCount) return arg;
    } catch (error) {
      if (!(error instanceof ParseFailure)) throw error;
    }
    this.takeErrorsSince(errorCount);
    this.restore(saved);
    return undefined;
  }

  /** Returns the transformer name whose call starts at the cursor (`tolower(`), if any; `val` excluded. */
  private matchTransformerCall(): string | undefined {
    return FIELD_TRANSFORMERS.find((name) => this.text.startsWith(`${name}(`, this.pos));
  }

  /** Takes `name(` and returns the span of the name. */
  private takeTransformerName(name: string): Span {
    const nameSpan = this.take('transformer', this.pos + name.length);
    this.take('punctuation', this.pos + 1, name);
    return nameSpan;
  }

  /** Parses the arguments and `)` of a transformer call whose `name(` was read, then an optional `[index]`. */
  private parseTransformerRemainder(name: string, nameSpan: Span, options: { lenientIndex: boolean }): TransformerExpr {
    this.enter();
    try {
      this.skipBlanks();
      const args: TransformerExpr['args'] = [];
      do {
        args.push(this.parseTransformerArg());
        this.skipBlanks();
      } while (this.takeIf(','));
      this.skipBlanks();
      if (this.text[this.pos] !== ')') throw this.failure(MESSAGES.missingCloseTransformer);
      this.take('punctuation', this.pos + 1);
      const index = options.lenientIndex ? this.parseLenientFieldArg() : this.parseOptionalFieldArg();
      const transformer: TransformerExpr = { kind: 'transformer', name, nameSpan, args, span: { start: nameSpan.start, end: this.pos } };
      if (index) transformer.index = index;
      return transformer;
    } finally {
      this.depth--;
    }
  }

  private parseTransformerArg(): FieldExpr | TransformerExpr | ValueExpr | TransformerListExpr {
    this.enter();
    try {
      this.skipBlanks();
      const numberEnd = this.matchAnyNumber();
      if (numberEnd !== -1) return this.takeBareValue('number', numberEnd);
      const quotedEnd = scanQuotedString(this.text, this.pos);
      if (quotedEnd !== -1) return this.takeQuotedValue(quotedEnd);
      if (this.text[this.pos] === '(') {
        const open = this.take('punctuation', this.pos + 1);
        return this.parseTransformerList(open);
      }
      const transformer = this.matchTransformerCall();
      if (transformer !== undefined) {
        const nameSpan = this.takeTransformerName(transformer);
        return this.parseTransformerRemainder(transformer, nameSpan, { lenientIndex: false });
      }
      const fieldEnd = matchFieldName(this.text, this.pos);
      if (fieldEnd !== -1) return this.parseField(fieldEnd, { lenientArg: false });
      throw this.failure(MESSAGES.transformerArg);
    } finally {
      this.depth--;
    }
  }

  /** Parses the rest of `(a, b)` given to a multi-value transformer. libs does not count its depth. */
  private parseTransformerList(open: Span): TransformerListExpr {
    const items: TransformerListExpr['items'] = [];
    this.skipBlanks();
    if (this.text[this.pos] !== ')') {
      items.push(this.parseTransformerListArg());
      this.skipBlanks();
      while (this.takeIf(',')) {
        this.skipBlanks();
        items.push(this.parseTransformerListArg());
        this.skipBlanks();
      }
      if (this.text[this.pos] !== ')') throw this.failure(MESSAGES.missingCloseTransformerList);
    }
    const close = this.take('punctuation', this.pos + 1);
    return { kind: 'transformer-list', items, span: { start: open.start, end: close.end } };
  }

  private parseTransformerListArg(): FieldExpr | TransformerExpr | ValueExpr {
    const fieldEnd = matchFieldName(this.text, this.pos);
    if (fieldEnd !== -1) return this.parseField(fieldEnd, { lenientArg: false });
    const transformer = this.matchTransformerCall();
    if (transformer !== undefined) {
      const nameSpan = this.takeTransformerName(transformer);
      this.skipBlanks();
      return this.parseTransformerRemainder(transformer, nameSpan, { lenientIndex: false });
    }
    const quotedEnd = scanQuotedString(this.text, this.pos);
    if (quotedEnd !== -1) return this.takeQuotedValue(quotedEnd);
    const numberEnd = this.matchAnyNumber();
    if (numberEnd !== -1) return this.takeBareValue('number', numberEnd);
    throw this.failure(MESSAGES.transformerListArg);
  }

  // Checks: operator and right-hand side, as parse_condition.

  private parseConditionAfter(left: FieldExpr | TransformerExpr): CheckExpr {
    const check: CheckExpr = { kind: 'check', left, span: left.span };
    try {
      this.parseConditionInto(check);
    } catch (error) {
      if (error instanceof ParseFailure) error.partial = withFullSpan(check);
      throw error;
    }
    return withFullSpan(check);
  }

  /** Reads the operator and the right-hand side into `check`, which keeps what was read if this throws. */
  private parseConditionInto(check: CheckExpr): void {
    this.enter();
    try {
      this.skipBlanks();
      const unary = UNARY_OPERATORS.find((op) => this.text.startsWith(op, this.pos));
      if (unary !== undefined) {
        check.operator = this.takeOperator(unary);
        return;
      }
      this.skipBlanks();

      const numeric = NUMERIC_OPERATORS.find((op) => this.text.startsWith(op, this.pos));
      if (numeric !== undefined) {
        check.operator = this.takeOperator(numeric);
        check.right = this.parseNumValueOrTransformer();
        return;
      }

      const stringOperator = this.matchOperatorFrom(STRING_OPERATORS);
      if (stringOperator !== undefined) {
        check.operator = this.takeOperator(stringOperator);
        // A word operator always has a blank after it; after a symbol the blank is optional, but a modifier needs it.
        const blankAfter = this.skipBlanks();
        const hadBlank = /^[a-z]/.test(stringOperator) || blankAfter;
        const saved = this.save();
        const modifier = hadBlank ? this.matchOperatorFrom(STRING_OPERATOR_MODIFIERS) : undefined;
        if (modifier !== undefined) {
          const modifierSpan = this.take('modifier', this.pos + modifier.length);
          this.skipBlanks();
          if (this.listValueFollows() && !this.boolKeywordFollows()) {
            check.modifier = { text: modifier, span: modifierSpan };
            check.right = this.parseListValue();
            return;
          }
        }
        this.restore(saved);
        check.right = this.parseStrValueOrTransformer({ allowTransformer: true });
        return;
      }

      const listOperator = LIST_OPERATORS.find((op) => this.text.startsWith(op, this.pos));
      if (listOperator !== undefined) {
        check.operator = this.takeOperator(listOperator);
        check.right = this.parseListValueOrTransformer();
        return;
      }
      throw this.failure(MESSAGES.operator);
    } finally {
      this.depth--;
    }
  }

  /**
   * Returns the first of `operators` at the cursor, without taking it. A
   * word operator counts only when a blank follows it (libs' "operator with a
   * trailing space" convention).
   */
  private matchOperatorFrom(operators: readonly string[]): string | undefined {
    return operators.find((op) => {
      if (!this.text.startsWith(op, this.pos)) return false;
      if (!/^[a-z]/.test(op)) return true;
      const next = this.pos + op.length;
      return next < this.text.length && isBlank(this.text.charCodeAt(next));
    });
  }

  private takeOperator(op: string): OperatorToken {
    const span = this.take('operator', this.pos + op.length);
    return { text: op, span };
  }

  private listValueFollows(): boolean {
    return this.text[this.pos] === '(' || matchIdentifier(this.text, this.pos) !== -1;
  }

  /** Returns whether `and`, `or` or `not` follows as a whole word, that is, not followed by an ASCII letter or digit. */
  private boolKeywordFollows(): boolean {
    return ['and', 'or', 'not'].some((keyword) => {
      if (!this.text.startsWith(keyword, this.pos)) return false;
      const next = this.pos + keyword.length;
      return next === this.text.length || !isAsciiAlnum(this.text.charCodeAt(next));
    });
  }

  private parseNumValueOrTransformer(): ValueExpr | TransformerExpr {
    this.enter();
    try {
      this.skipBlanks();
      const transformer = this.tryParseTransformerOrVal();
      if (transformer) return transformer;
      const numberEnd = this.matchAnyNumber();
      if (numberEnd !== -1) return this.takeBareValue('number', numberEnd);
      throw this.failure(MESSAGES.numberValue);
    } finally {
      this.depth--;
    }
  }

  private parseStrValueOrTransformer(options: { allowTransformer: boolean }): ValueExpr | TransformerExpr {
    this.enter();
    try {
      this.skipBlanks();
      if (options.allowTransformer) {
        const transformer = this.tryParseTransformerOrVal();
        if (transformer) return transformer;
      }
      const quotedEnd = scanQuotedString(this.text, this.pos);
      if (quotedEnd !== -1) return this.takeQuotedValue(quotedEnd);
      const bareEnd = matchBareString(this.text, this.pos);
      if (bareEnd !== -1) return this.takeBareValue('bare-string', bareEnd);
      throw this.failure(options.allowTransformer ? MESSAGES.stringValue : MESSAGES.stringValueOnly);
    } finally {
      this.depth--;
    }
  }

  /** Parses a list element: a quoted or bare string, never a transformer. */
  private parseListElement(): ValueExpr {
    return this.parseStrValueOrTransformer({ allowTransformer: false }) as ValueExpr;
  }

  /** Parses `( v, ... )` at the cursor, or returns undefined when no `(` is there. libs does not count its depth. */
  private tryParseListExpr(): ListExpr | undefined {
    if (this.text[this.pos] !== '(') return undefined;
    const open = this.take('punctuation', this.pos + 1);
    const items: ValueExpr[] = [];
    this.skipBlanks();

    // libs catches any failure of the first element and then requires `)` right there:
    // that is how `()` is read, and why a bad escape in the first element goes unreported.
    let firstFailed = false;
    const errorCount = this.errors.length;
    try {
      items.push(this.parseListElement());
    } catch (error) {
      if (!(error instanceof ParseFailure)) throw error;
      firstFailed = true;
    }
    if (this.errors.length > errorCount) {
      this.warnings.push(...this.takeErrorsSince(errorCount));
      items.pop();
      firstFailed = true;
    }

    if (!firstFailed) {
      this.skipBlanks();
      while (this.takeIf(',')) {
        items.push(this.parseListElement());
        this.skipBlanks();
      }
    }
    if (this.text[this.pos] !== ')') throw this.failure(MESSAGES.missingCloseParen);
    const close = this.take('punctuation', this.pos + 1);
    return { kind: 'list', items, parenthesized: true, span: { start: open.start, end: close.end } };
  }

  /** Parses what follows a modifier: a list or a list name. */
  private parseListValue(): ListExpr {
    this.enter();
    try {
      this.skipBlanks();
      const list = this.tryParseListExpr();
      if (list) return list;
      const identifierEnd = matchIdentifier(this.text, this.pos);
      if (identifierEnd !== -1) return this.takeListName(identifierEnd);
      throw this.failure(MESSAGES.listOrIdentifier);
    } finally {
      this.depth--;
    }
  }

  /** Parses what follows `in`, `intersects` or `pmatch`: a list, a list name or a transformer call. */
  private parseListValueOrTransformer(): ListExpr | TransformerExpr {
    this.enter();
    try {
      this.skipBlanks();
      const list = this.tryParseListExpr();
      if (list) return list;
      const transformer = this.tryParseTransformerOrVal();
      if (transformer) return transformer;
      const identifierEnd = matchIdentifier(this.text, this.pos);
      if (identifierEnd !== -1) return this.takeListName(identifierEnd);
      throw this.failure(MESSAGES.listValue);
    } finally {
      this.depth--;
    }
  }

  /** Takes a bare word where a list is expected, which libs reads as a one-element list. */
  private takeListName(end: number): ListExpr {
    const span = this.take('identifier', end);
    const name = this.text.slice(span.start, span.end);
    return { kind: 'list', items: [{ kind: 'value', value: name, raw: name, quoted: false, span }], parenthesized: false, span };
  }

  /** Parses `val(field)` or a transformer call on the right of an operator; undefined when neither starts here. */
  private tryParseTransformerOrVal(): TransformerExpr | undefined {
    this.enter();
    try {
      this.skipBlanks();
      if (this.text.startsWith(`${VAL_TRANSFORMER}(`, this.pos)) {
        const nameSpan = this.takeTransformerName(VAL_TRANSFORMER);
        this.skipBlanks();
        const fieldEnd = matchFieldName(this.text, this.pos);
        if (fieldEnd === -1) throw this.failure(MESSAGES.valField);
        const field = this.parseField(fieldEnd, { lenientArg: false });
        this.skipBlanks();
        if (this.text[this.pos] !== ')') throw this.failure(MESSAGES.missingCloseTransformer);
        this.take('punctuation', this.pos + 1);
        const index = this.parseOptionalFieldArg();
        const val: TransformerExpr = { kind: 'transformer', name: VAL_TRANSFORMER, nameSpan, args: [field], span: { start: nameSpan.start, end: this.pos } };
        if (index) val.index = index;
        return val;
      }
      const transformer = this.matchTransformerCall();
      if (transformer === undefined) return undefined;
      const nameSpan = this.takeTransformerName(transformer);
      this.skipBlanks();
      return this.parseTransformerRemainder(transformer, nameSpan, { lenientIndex: false });
    } finally {
      this.depth--;
    }
  }

  // Values.

  /** libs tries a hexadecimal number first, then a decimal one. */
  private matchAnyNumber(): number {
    const hexEnd = matchHexNumber(this.text, this.pos);
    return hexEnd !== -1 ? hexEnd : matchNumber(this.text, this.pos);
  }

  private takeBareValue(kind: 'number' | 'bare-string', end: number): ValueExpr {
    const span = this.take(kind, end);
    const raw = this.text.slice(span.start, span.end);
    return { kind: 'value', value: raw, raw, quoted: false, span };
  }

  private takeQuotedValue(end: number): ValueExpr {
    const start = this.pos;
    const value = this.unescape(start, end);
    const span = this.take('string', end, value);
    return { kind: 'value', value, raw: this.text.slice(start, end), quoted: true, span };
  }

  /** Unescapes a quoted string and records each bad escape as an error; parsing goes on either way. */
  private unescape(start: number, end: number): string {
    const { value, errors } = unescapeQuotedString(this.text, start, end);
    for (const error of errors) this.report(error.message, error.span);
    return value;
  }

  // Error reporting and recovery.

  /**
   * Runs one operand parse. On a syntax error, records it, skips to the next
   * `and`/`or` or unmatched `)` and returns what was read before the error.
   */
  private recover(parse: () => Expr | undefined): Expr | undefined {
    const tokenCount = this.tokens.length;
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof ParseFailure)) throw error;
      this.reportFailure(error);
      this.skipToSyncPoint(Math.max(this.pos, error.resumeAt ?? this.pos), this.openParenthesesSince(tokenCount));
      return error.partial;
    }
  }

  /** Counts the parentheses opened and not closed by the tokens read since `tokenCount`, such as a list's. */
  private openParenthesesSince(tokenCount: number): number {
    let level = 0;
    for (let i = tokenCount; i < this.tokens.length; i++) {
      const token = this.tokens[i];
      if (token.kind !== 'punctuation') continue;
      if (token.text === '(') level++;
      else if (token.text === ')' && level > 0) level--;
    }
    return level;
  }

  /**
   * Skips from `from` to the next `and` or `or` word, or unmatched `)`, at
   * nesting `level` 0, or to the end. Quoted strings are skipped whole, so
   * nothing inside them stops the skipping.
   */
  private skipToSyncPoint(from: number, level: number): void {
    this.pos = from;
    while (this.pos < this.text.length) {
      const code = this.text.charCodeAt(this.pos);
      if (isBlank(code) || isPosixSpace(code)) {
        this.pos++;
        continue;
      }
      const c = this.text[this.pos];
      if (c === '"' || c === "'") {
        const end = scanQuotedString(this.text, this.pos);
        this.take('string', end === -1 ? this.text.length : end, undefined, end === -1);
        continue;
      }
      if (c === '(') {
        level++;
        this.take('punctuation', this.pos + 1);
        continue;
      }
      if (c === ')') {
        if (level === 0) return;
        level--;
        this.take('punctuation', this.pos + 1);
        continue;
      }
      if (c === ',') {
        this.take('punctuation', this.pos + 1);
        continue;
      }
      const end = runEnd(this.text, this.pos);
      const word = this.text.slice(this.pos, end);
      if (level === 0 && (word === 'and' || word === 'or')) return;
      this.take('unknown', end);
    }
  }

  /** Reports text where `and`, `or`, `)` or the end was expected, then skips it. */
  private reportUnexpectedToken(): void {
    const span = this.spanAt(this.pos);
    const message = this.openGroups.length > 0 ? MESSAGES.missingCloseParen : MESSAGES.unexpectedAfter(this.lastToken);
    this.report(message, span);
    // A stray `)` at the top level would stop the skipping at once.
    if (this.text[this.pos] === ')') this.take('punctuation', this.pos + 1);
    this.skipToSyncPoint(this.pos, 0);
  }

  /** Reports `andx`-like text (the keyword must be followed by a blank or `(`), then skips the word. */
  private reportKeywordWithoutBlank(keyword: 'and' | 'or', keywordSpan: Span): void {
    const wordSpan = offendingTokenSpan(this.text, keywordSpan.start) ?? keywordSpan;
    const span = wordSpan.end > keywordSpan.end ? wordSpan : keywordSpan;
    this.report(MESSAGES.blankAfter(keyword), span);
    this.skipToSyncPoint(Math.max(this.pos, span.end), 0);
  }

  private reportFailure(failure: ParseFailure): void {
    if (failure.isDepthLimit) {
      if (this.depthLimitReported) return;
      this.depthLimitReported = true;
    }
    this.report(failure.message, failure.span);
  }

  /** Records an error, unless one was already recorded at the same offset. */
  private report(message: string, span: Span): void {
    if (this.errorStarts.has(span.start)) return;
    this.errorStarts.add(span.start);
    this.errors.push({ message, span });
  }

  /** Removes and returns the errors recorded after the first `count`. */
  private takeErrorsSince(count: number): ConditionParseError[] {
    const removed = this.errors.splice(count);
    for (const error of removed) this.errorStarts.delete(error.span.start);
    return removed;
  }

  private failure(message: string): ParseFailure {
    return new ParseFailure(message, this.spanAt(this.pos));
  }

  /**
   * Span to blame for an error at `at`: the token there, or at the end of
   * the text the last token read (an empty span when there is none).
   */
  private spanAt(at: number): Span {
    const span = offendingTokenSpan(this.text, at);
    if (span) return span;
    if (this.lastTokenSpan) return this.lastTokenSpan;
    return { start: 0, end: this.text.length };
  }

  /** Counts one level of recursion, as libs' `depth_guard`; callers undo it in `finally`. */
  private enter(): void {
    if (this.depth + 1 >= this.maxDepth) {
      throw new ParseFailure(MESSAGES.depth(this.maxDepth), this.spanAt(this.pos), undefined, true);
    }
    this.depth++;
  }

  // Cursor helpers.

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  /** libs' `lex_blank`: skips blanks and returns whether there were any. */
  private skipBlanks(): boolean {
    const start = this.pos;
    while (this.pos < this.text.length && isBlank(this.text.charCodeAt(this.pos))) this.pos++;
    return this.pos > start;
  }

  private takeIf(literal: string): boolean {
    if (!this.text.startsWith(literal, this.pos)) return false;
    this.take('punctuation', this.pos + literal.length);
    return true;
  }

  /**
   * Records the token from the cursor to `end` and moves the cursor there.
   * `lastToken` is the text libs would keep for its messages, when it is not
   * the source text (an unescaped string, `not(`).
   */
  private take(kind: ConditionTokenKind, end: number, lastToken?: string, unterminated = false): Span {
    const span = { start: this.pos, end };
    const text = this.text.slice(span.start, span.end);
    const token: ConditionToken = { kind, text, span };
    if (unterminated) token.unterminated = true;
    this.tokens.push(token);
    this.lastToken = lastToken ?? text;
    this.lastTokenSpan = span;
    this.pos = end;
    return span;
  }

  private save(): ParserState {
    return { pos: this.pos, lastToken: this.lastToken, lastTokenSpan: this.lastTokenSpan, tokenCount: this.tokens.length };
  }

  private restore(state: ParserState): void {
    this.pos = state.pos;
    this.lastToken = state.lastToken;
    this.lastTokenSpan = state.lastTokenSpan;
    this.tokens.length = state.tokenCount;
  }
}

/**
 * Wraps `operand` in one `not` per keyword, the first keyword outermost. A
 * run of more than two keeps only its parity, as libs toggles a run into at
 * most one `not`: the first keyword, plus the last when the count is even.
 * A tree as deep as the run is long would exhaust the stack of every
 * recursive walk over it.
 */
function wrapInNots(operand: Expr, keywords: Span[]): Expr {
  let kept = keywords;
  if (keywords.length > 2) kept = keywords.length % 2 === 1 ? [keywords[0]!] : [keywords[0]!, keywords[keywords.length - 1]!];
  let result = operand;
  for (let i = kept.length - 1; i >= 0; i--) {
    const not: NotExpr = { kind: 'not', operand: result, keywordSpan: kept[i]!, span: { start: kept[i]!.start, end: result.span.end } };
    result = not;
  }
  return result;
}

/** Sets the check's span to cover everything read into it. */
function withFullSpan(check: CheckExpr): CheckExpr {
  const end = Math.max(check.left.span.end, check.operator?.span.end ?? 0, check.modifier?.span.end ?? 0, check.right?.span.end ?? 0);
  check.span = { start: check.left.span.start, end };
  return check;
}
