/**
 * Fixes of PCI DSS tags. A requirement written in another form becomes
 * `PCI_DSS_<id>`, which is safe because it names the same requirement. An id
 * that PCI DSS v4.0.1 lacks, or whose meaning changed since v3.2.1, gets one
 * action per candidate v4.0.1 requirement, none of them safe or preferred,
 * because picking one is a person's choice. So do generic PCI tags and
 * requirements cited in a rule's name or description.
 */
import { isSeq } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import type { Span } from '../types';
import type { RulesDocument, RulesItem } from '../document/model';
import type { CodeAction, Fixer } from './types';
import { canonicalPciTag, citedPciIds, isPciV4Id, pciMeaningCandidates, pciSuccessorIds, pciV4Candidates, tagAt, tagScalars } from '../checks/tags';
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
    .map((candidate) => replaceAction(uri, diagnostic, candidate));
};

function itemAt(document: RulesDocument, span: Span): RulesItem | undefined {
  return document.items.find((item) => item.span.start <= span.start && span.end <= item.span.end);
}

function tagOf(document: RulesDocument, span: Span) {
  const item = itemAt(document, span);
  return item && tagAt(item, span);
}

/** Offers the v4.0.1 ids of the v3.2.1 requirement in place of a tag whose meaning changed. None is safe, because the tag may be meant as written. */
export const pciMeaningChangedFixer: Fixer = ({ document, uri, diagnostic }) => {
  const item = itemAt(document, diagnostic.span);
  const tag = item && tagAt(item, diagnostic.span);
  if (!item || !tag?.value.startsWith(PCI_TAG_PREFIX)) return [];
  const present = new Set(tagScalars(item).map((other) => other.value));
  return pciMeaningCandidates(tag.value.slice(PCI_TAG_PREFIX.length), item.name)
    .map((id) => PCI_TAG_PREFIX + id)
    .filter((candidate) => !present.has(candidate))
    .map((candidate) => replaceAction(uri, diagnostic, candidate));
};

/**
 * Offers the requirements that the rule's name or description cites in
 * place of a generic PCI tag, or removing the tag when `PCI_DSS_<id>` tags
 * already name the requirements. Neither is safe, because Falco can enable
 * and disable rules by tag, so changing a tag can change which rules run.
 */
export const pciGenericTagFixer: Fixer = ({ document, uri, diagnostic }) => {
  const item = itemAt(document, diagnostic.span);
  const tag = item && tagAt(item, diagnostic.span);
  if (!item || !tag) return [];
  const tags = tagScalars(item);
  const present = new Set(tags.map((other) => other.value));
  const actions = citedPciIds(item)
    .map((id) => PCI_TAG_PREFIX + id)
    .filter((candidate) => !present.has(candidate))
    .map((candidate) => replaceAction(uri, diagnostic, candidate));
  if (tags.some((other) => other.value.startsWith(PCI_TAG_PREFIX))) {
    const removal = removeTagEdit(document.text, item, tag.span);
    if (removal) actions.push({ title: `Remove tag '${tag.value}'`, kind: 'quickfix', isPreferred: false, safe: false, edits: [{ uri, ...removal }], diagnostic });
  }
  return actions;
};

/** Offers adding the tag of a requirement that the name or description cites; for a v3.2.1 number, one action per v4.0.1 id. */
export const pciCitationFixer: Fixer = ({ document, uri, diagnostic }) => {
  const item = itemAt(document, diagnostic.span);
  if (!item) return [];
  const cited = document.text.slice(diagnostic.span.start, diagnostic.span.end);
  const present = new Set(tagScalars(item).map((tag) => tag.value));
  // A v4.0.1 id that was also a v3.2.1 number (10.2.1) may be meant in either sense.
  const ids = isPciV4Id(cited) ? [cited, ...pciSuccessorIds(cited)] : pciV4Candidates(cited);
  const actions: CodeAction[] = [];
  for (const id of ids) {
    const tag = PCI_TAG_PREFIX + id;
    if (present.has(tag)) continue;
    const edit = addTagEdit(document.text, item, tag);
    if (!edit) continue;
    const title = findPciRequirement(id)?.title;
    actions.push({ title: `Add tag '${tag}'${title ? ` (${title})` : ''}`, kind: 'quickfix', isPreferred: ids.length === 1, safe: false, edits: [{ uri, ...edit }], diagnostic });
  }
  return actions;
};

function replaceAction(uri: string, diagnostic: CodeAction['diagnostic'], candidate: string): CodeAction {
  const title = findPciRequirement(candidate.slice(PCI_TAG_PREFIX.length))?.title;
  return {
    title: `Replace with '${candidate}'${title ? ` (${title})` : ''}`,
    kind: 'quickfix',
    isPreferred: false,
    safe: false,
    edits: [{ uri, span: diagnostic.span, newText: candidate }],
    diagnostic,
  };
}

/** Returns the edit that removes the tag at `tagSpan` from the item's `tags` sequence, with its separator or line. */
function removeTagEdit(text: string, item: RulesItem, tagSpan: Span): { span: Span; newText: string } | undefined {
  const node = item.get('tags')?.value;
  if (!node || !isSeq(node)) return undefined;
  const spans = node.items.map((element) => item.spanOf(element as YamlNode));
  const index = spans.findIndex((span) => span.start <= tagSpan.start && tagSpan.end <= span.end);
  if (index === -1) return undefined;
  const element = spans[index]!;
  if (!node.flow) {
    const lineStart = text.lastIndexOf('\n', element.start - 1) + 1;
    const lineEnd = text.indexOf('\n', element.start);
    return { span: { start: lineStart, end: lineEnd === -1 ? text.length : lineEnd + 1 }, newText: '' };
  }
  if (index + 1 < spans.length) return { span: { start: element.start, end: spans[index + 1]!.start }, newText: '' };
  if (index > 0) return { span: { start: spans[index - 1]!.end, end: element.end }, newText: '' };
  return { span: element, newText: '' };
}

/** Returns the edit that appends `tag` to the item's `tags`, or adds a `tags` key after the item's last entry. */
function addTagEdit(text: string, item: RulesItem, tag: string): { span: Span; newText: string } | undefined {
  const entry = item.get('tags');
  if (!entry) {
    const first = item.entries[0];
    const last = item.entries[item.entries.length - 1];
    if (!first || !last) return undefined;
    const indent = first.keySpan.start - (text.lastIndexOf('\n', first.keySpan.start - 1) + 1);
    const end = last.valueSpan.end;
    return { span: { start: end, end }, newText: `\n${' '.repeat(indent)}tags: [${tag}]` };
  }
  const node = entry.value;
  if (!node || !isSeq(node)) return undefined;
  const spans = node.items.map((element) => item.spanOf(element as YamlNode));
  const last = spans[spans.length - 1];
  if (node.flow) {
    if (last) return { span: { start: last.end, end: last.end }, newText: `, ${tag}` };
    const open = text.indexOf('[', entry.valueSpan.start);
    return open === -1 ? undefined : { span: { start: open + 1, end: open + 1 }, newText: tag };
  }
  if (!last) return undefined;
  const lineStart = text.lastIndexOf('\n', last.start - 1) + 1;
  const prefix = text.slice(lineStart, last.start);
  return { span: { start: last.end, end: last.end }, newText: `\n${prefix}${tag}` };
}
