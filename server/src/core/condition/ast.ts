/**
 * Syntax tree of Falco's condition language (the libs filter grammar).
 *
 * Every span is a pair of offsets into the condition string that was parsed
 * (the decoded YAML value), never into the document: the caller maps them
 * back through the scalar's offset table.
 */
import type { Span } from '../types';

export type Expr = BinaryExpr | NotExpr | ParenExpr | CheckExpr | IdentifierExpr;

/** `a and b and c` or `a or b`: n-ary, as in libs. */
export interface BinaryExpr {
  kind: 'and' | 'or';
  operands: Expr[];
  /** Span of each `and`/`or` keyword, one fewer than operands. */
  keywordSpans: Span[];
  span: Span;
}

export interface NotExpr {
  kind: 'not';
  operand: Expr;
  keywordSpan: Span;
  span: Span;
}

/** A parenthesised sub-expression; kept so ranges and fixes see the parentheses. */
export interface ParenExpr {
  kind: 'paren';
  expr: Expr;
  span: Span;
}

/** A bare word in check position: a macro reference (or a misused list name). */
export interface IdentifierExpr {
  kind: 'identifier';
  name: string;
  span: Span;
}

/** `field op value`, `field exists`, `tolower(field) = value` and the like. */
export interface CheckExpr {
  kind: 'check';
  left: FieldExpr | TransformerExpr;
  /** Absent only when parsing failed right after the left operand. */
  operator?: OperatorToken;
  /** `oneof`, `anyof` or `allof` after a string operator (Falco 0.44+). */
  modifier?: { text: string; span: Span };
  /** Absent for `exists`, or when parsing failed before the value. */
  right?: ValueExpr | ListExpr | TransformerExpr;
  span: Span;
}

export interface OperatorToken {
  /** As written: `=`, `==`, `!=`, `<`, `in`, `contains`, ... */
  text: string;
  span: Span;
}

/** A field such as `proc.name`, `proc.aname[2]`, `evt.arg.flags` or `evt.arg[0]`. */
export interface FieldExpr {
  kind: 'field';
  /** The dotted name as written, without any `[arg]`. */
  name: string;
  nameSpan: Span;
  /** The bracketed argument, if any. */
  arg?: FieldArg;
  span: Span;
}

export interface FieldArg {
  /** The argument's value, unquoted and unescaped. */
  value: string;
  /** Span of the text between the brackets. */
  span: Span;
  quoted: boolean;
}

/** `tolower(x)`, `val(proc.pname)`, `join(",", fd.types)`, `getopt(proc.args, "a:")[a]`. */
export interface TransformerExpr {
  kind: 'transformer';
  name: string;
  nameSpan: Span;
  args: Array<FieldExpr | TransformerExpr | ValueExpr | ListExpr | TransformerListExpr>;
  /** `[c]` after a transformer call, as `getopt(...)[c]` takes. */
  index?: FieldArg;
  span: Span;
}

/**
 * A parenthesised argument list of a multi-value transformer:
 * `join("-", (fd.name, tolower(fd.directory), "x"))`. Unlike a `ListExpr`, its
 * items may be fields and transformers; bare strings are not allowed.
 */
export interface TransformerListExpr {
  kind: 'transformer-list';
  items: Array<FieldExpr | TransformerExpr | ValueExpr>;
  span: Span;
}

/** A constant: a number, a bare string or a quoted string. */
export interface ValueExpr {
  kind: 'value';
  /** Unquoted and unescaped. Bare strings are never unescaped. */
  value: string;
  /** The source text, quotes included. */
  raw: string;
  quoted: boolean;
  span: Span;
}

/**
 * The right-hand side of a list operator: `(a, b)`; or a single bare word after
 * `in`, which libs reads as a one-element list (then `parenthesized` is false).
 */
export interface ListExpr {
  kind: 'list';
  items: ValueExpr[];
  parenthesized: boolean;
  span: Span;
}

export interface ConditionParseError {
  /** Falco's wording where libs has it (`expected a ')' token`, ...). */
  message: string;
  span: Span;
}

export interface ConditionParseResult {
  /** As much of the expression as could be read; absent when nothing could. */
  expr?: Expr;
  /** Every syntax error found, in text order; the parser recovers after each. */
  errors: ConditionParseError[];
  /**
   * Problems Falco lets pass, in text order. Today only one kind: a bad escape
   * in the first element of a list, which libs swallows (`in ("\d")` loads as
   * an empty list).
   */
  warnings?: ConditionParseError[];
}
