/**
 * Fixes of PCI DSS tags. A requirement written in another form becomes
 * `PCI_DSS_<id>`, which is safe because it names the same requirement. An id
 * that PCI DSS v4.0.1 lacks gets one action per candidate v4.0.1 requirement,
 * none of them safe or preferred, because picking one is a person's choice.
 */
import type { Span } from '../types';
import type { RulesDocument, RulesItem } from '../document/model';
import type { CodeAction, Fixer } from './types';
import { canonicalPciTag, pciV4Candidates, tagAt, tagScalars } from '../checks/tags';
import { findPciRequirement, PCI_TAG_PREFIX } from '../pci/requirements';

export const pciTagFormatFixer: Fixer = ({ document, uri, diagnostic }) => {
  const tag = tagOf(document, diagnostic.span);
  const canonical = tag && canonicalPciTag(tag.value);
  if (!canonical) return [];
  const action: CodeAction = {
    title: `Replace with '${canonical}'`,
    kind: 'quickfix',
    isPreferred: true,
    safe: true,
    edits: [{ uri, span: diagnostic.span, newText: canonical }],
    diagnostic,
  };
  return [action];
};

export const pciRequirementFixer: Fixer = ({ document, uri, diagnostic }) => {
  const item = itemAt(document, diagnostic.span);
  const tag = item && tagAt(item, diagnostic.span);
  if (!item || !tag?.value.startsWith(PCI_TAG_PREFIX)) return [];
  const present = new Set(tagScalars(item).map((other) => other.value));
  return pciV4Candidates(tag.value.slice(PCI_TAG_PREFIX.length))
    .map((id) => PCI_TAG_PREFIX + id)
    .filter((candidate) => !present.has(candidate))
    .map((candidate): CodeAction => {
      const title = findPciRequirement(candidate.slice(PCI_TAG_PREFIX.length))?.title;
      return {
        title: `Replace with '${candidate}'${title ? ` (${title})` : ''}`,
        kind: 'quickfix',
        isPreferred: false,
        safe: false,
        edits: [{ uri, span: diagnostic.span, newText: candidate }],
        diagnostic,
      };
    });
};

function itemAt(document: RulesDocument, span: Span): RulesItem | undefined {
  return document.items.find((item) => item.span.start <= span.start && span.end <= item.span.end);
}

function tagOf(document: RulesDocument, span: Span) {
  const item = itemAt(document, span);
  return item && tagAt(item, span);
}
