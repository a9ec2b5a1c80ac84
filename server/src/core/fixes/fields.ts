/**
 * Fix of an unknown field, in a condition or an output: one action per
 * candidate field, best first. Choosing a field changes what the rule
 * matches or prints, so no action is safe. The one candidate that is a known
 * confusion of the written name (`proc.commandline` for `proc.cmdline`) is
 * preferred; with none or several, no action is.
 */
import type { CodeAction, Fixer } from './types';

export const unknownFieldFixer: Fixer = ({ uri, diagnostic }) => {
  const candidates = diagnostic.data?.fieldCandidates ?? [];
  const preferred = diagnostic.data?.knownConfusion;
  return candidates.map((text): CodeAction => ({
    title: `Replace with '${text}'`,
    kind: 'quickfix',
    isPreferred: text === preferred,
    safe: false,
    edits: [{ uri, span: diagnostic.span, newText: text }],
    diagnostic,
  }));
};
