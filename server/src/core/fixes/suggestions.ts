/**
 * The generic fixer: a diagnostic whose data carries replacement texts for its
 * span gets one action per text, best first. Only a diagnostic that marks its
 * first suggestion as `fixSafe` gets a preferred action that fix-all applies.
 */
import type { CodeAction, Fixer } from './types';

export const suggestionsFixer: Fixer = ({ diagnostic, uri }) => {
  const suggestions = diagnostic.data?.suggestions ?? [];
  const safe = diagnostic.data?.fixSafe === true && suggestions.length >= 1;
  return suggestions.map((text, index): CodeAction => ({
    title: `Replace with '${text}'`,
    kind: 'quickfix',
    isPreferred: safe && index === 0,
    safe: safe && index === 0,
    edits: [{ uri, span: diagnostic.span, newText: text }],
    diagnostic,
  }));
};
