/**
 * Fixes of a rule's output text: every Python-style or parenthesised
 * placeholder of one output at once, and a field written without `%`.
 */
import type { Diagnostic } from '../types';
import type { CodeAction, Fixer } from './types';

/**
 * Fixes every placeholder of the diagnostic's output whose fix is safe
 * (`%(proc.name)s` to `%proc.name`), when the output has two or more. Each
 * placeholder's own action comes from its diagnostic's suggestion.
 */
export const outputPlaceholdersFixer: Fixer = ({ workspace, document, uri, diagnostic }) => {
  if (!isSafePlaceholderFix(diagnostic)) return [];
  const output = document.items
    .map((item) => item.get('output'))
    .find((entry) => entry !== undefined && entry.valueSpan.start <= diagnostic.span.start && diagnostic.span.end <= entry.valueSpan.end);
  if (!output) return [];

  const fixes = workspace
    .diagnostics(uri)
    .filter((other) => isSafePlaceholderFix(other) && output.valueSpan.start <= other.span.start && other.span.end <= output.valueSpan.end);
  if (fixes.length < 2) return [];
  return [
    {
      title: 'Fix all placeholders in this output',
      kind: 'quickfix',
      isPreferred: false,
      safe: true,
      edits: fixes.map((fix) => ({ uri, span: fix.span, newText: fix.data!.suggestions![0]! })),
      diagnostic,
    },
  ];
};

function isSafePlaceholderFix(diagnostic: Diagnostic): boolean {
  return diagnostic.code === 'LOAD_ERR_COMPILE_OUTPUT' && diagnostic.data?.fixSafe === true && (diagnostic.data.suggestions?.length ?? 0) > 0;
}

/** Turns `label=field` into `label=%field`: a `%` before the field, whatever the scalar's style. */
export const fieldWithoutPercentFixer: Fixer = ({ document, uri, diagnostic }) => {
  const field = document.text.slice(diagnostic.span.start, diagnostic.span.end);
  const action: CodeAction = {
    title: `Write '%${field}' to print the field's value`,
    kind: 'quickfix',
    isPreferred: true,
    safe: true,
    edits: [{ uri, span: { start: diagnostic.span.start, end: diagnostic.span.start }, newText: '%' }],
    diagnostic,
  };
  return [action];
};
