/**
 * Syntax of a rule's `output` text. Spans are offsets into the output string
 * (the decoded YAML value).
 */
import type { Span } from '../types';
import type { FieldExpr, TransformerExpr } from '../condition/ast';

export type OutputSegment = OutputLiteral | OutputPlaceholder | BrokenPlaceholder;

export interface OutputLiteral {
  kind: 'literal';
  text: string;
  span: Span;
}

/** `%proc.name`, `%10proc.name`, `%proc.aname[2]`, `%tolower(proc.name)`. */
export interface OutputPlaceholder {
  kind: 'placeholder';
  /** Field width digits after `%`, if any. */
  width?: number;
  expr: FieldExpr | TransformerExpr;
  /** From the `%` to the end of the field or transformer call. */
  span: Span;
}

/**
 * A `%` that Falco cannot read as a placeholder: `%(proc.name)s`,
 * `%(container.name)`, `%ாளர்.name`, a trailing `%`, digits at the end.
 */
export interface BrokenPlaceholder {
  kind: 'broken';
  /** From the `%` to the end of what the author meant as one placeholder. */
  span: Span;
  /** Which form it is, so checks and fixes can explain it. */
  form: 'python-style' | 'parenthesised' | 'trailing-percent' | 'trailing-width' | 'invalid-name' | 'other';
  /** The field or transformer text the author most likely meant (`proc.name` for `%(proc.name)s`), if any. */
  intended?: string;
  /** Span of `intended` inside the output string. */
  intendedSpan?: Span;
}

export interface OutputParseResult {
  segments: OutputSegment[];
}
