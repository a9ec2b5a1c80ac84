/**
 * Checks of a rule's `tags` that name PCI DSS requirements. Tools that read
 * Falco rules (the official rules' overview generator among them) take a tag
 * as a PCI requirement only in the form `PCI_DSS_<id>`, and the id is read as
 * PCI DSS v4.0.1 numbering. Falco itself loads any tag, so these are warnings.
 */
import { isScalar, isSeq } from 'yaml';
import type { Scalar } from 'yaml';
import type { Diagnostic, Span } from '../types';
import type { RulesItem } from '../document/model';
import { toDocumentSpan } from '../yaml/scalar-map';
import { PCI_TAG_PREFIX, pciRequirements } from '../pci/requirements';
import requirementsJson from '../../../../data/pci/requirements.json';
import v4IdsJson from '../../../../data/pci/v4-requirement-ids.json';

/** Requirement and section ids of PCI DSS v4.0.1; a tag may name a section (`PCI_DSS_10.2`) as well as a requirement. */
const V4_IDS = new Set<string>([...v4IdsJson.ids, ...v4IdsJson.section_ids]);

/** A requirement number as authors write it: `10.2.1`, `10_2_1`, `A1.1.1`. */
const ID = String.raw`((?:[1-9]|1[0-2]|A[1-3])(?:[._][0-9]+){1,3})`;

/** Tags that name a requirement in another form: `pci_dss_10.2.1`, `PCI-DSS-10.2.1`, `pci dss v10.2.1`, `pci 10.2.1`. */
const LOOSE_PCI_TAG = new RegExp(String.raw`^pci(?:[\s_-]*dss)?(?:[\s_-]*v)?[\s_:-]*` + ID + '$', 'i');

export interface TagScalar {
  /** The decoded tag. */
  value: string;
  /** Document span of the tag's text, inside any quotes. */
  span: Span;
}

/** Returns the scalar tags of an item, with the document span of each tag's text. */
export function tagScalars(item: RulesItem): TagScalar[] {
  const node = item.get('tags')?.value;
  if (!node || !isSeq(node)) return [];
  const tags: TagScalar[] = [];
  for (const element of node.items) {
    if (!isScalar(element) || (element as Scalar).value === null) continue;
    const map = item.scalar(element as Scalar);
    if (!map.exact) continue;
    tags.push({ value: map.value, span: toDocumentSpan(map, { start: 0, end: map.value.length }) });
  }
  return tags;
}

/** Returns the `PCI_DSS_<id>` form of a tag that names a requirement in another form, or undefined. */
export function canonicalPciTag(tag: string): string | undefined {
  const match = LOOSE_PCI_TAG.exec(tag.trim());
  if (!match) return undefined;
  const canonical = PCI_TAG_PREFIX + match[1]!.replace(/_/g, '.').toUpperCase();
  return canonical === tag ? undefined : canonical;
}

/**
 * Returns the v4.0.1 ids that replace `id`, best first: the requirements
 * whose v3.2.1 predecessor it is, then the ids suggested for the official
 * rules' use of the tag, then the nearest enclosing v4.0.1 id.
 */
export function pciV4Candidates(id: string): string[] {
  const candidates: string[] = [];
  for (const requirement of pciRequirements()) {
    if (requirement.v321 && v321Ids(requirement.v321).includes(id)) candidates.push(requirement.id);
  }
  for (const usage of requirementsJson.tag_convention_details.official_usages) {
    if (usage.tag === PCI_TAG_PREFIX + id) candidates.push(...usage.suggested_v4_0_1);
  }
  if (candidates.length === 0) {
    const parts = id.split('.');
    while (parts.length > 2) {
      parts.pop();
      if (V4_IDS.has(parts.join('.'))) {
        candidates.push(parts.join('.'));
        break;
      }
    }
  }
  return [...new Set(candidates)].filter((candidate) => V4_IDS.has(candidate));
}

/** True when `id` is the v3.2.1 predecessor of a v4.0.1 requirement of the catalog. */
function isKnownV321Id(id: string): boolean {
  return pciRequirements().some((requirement) => requirement.v321 !== undefined && v321Ids(requirement.v321).includes(id));
}

/** Expands a catalog's v3.2.1 field such as `1.2.1 / 1.3.4` or `10.3.1-10.3.6` into single ids. */
function v321Ids(text: string): string[] {
  const ids: string[] = [];
  for (const part of text.split('/').map((p) => p.trim())) {
    const range = /^([0-9.]+)\.([0-9]+)-\1\.([0-9]+)$/.exec(part);
    if (range) {
      for (let n = Number(range[2]); n <= Number(range[3]); n++) ids.push(`${range[1]}.${n}`);
    } else if (part) {
      ids.push(part);
    }
  }
  return ids;
}

/** Warns on tags that name a PCI DSS requirement in another form, and on `PCI_DSS_` ids that v4.0.1 lacks. */
export function checkTags(item: RulesItem, problems: Diagnostic[]): void {
  const tags = tagScalars(item);
  const present = new Set(tags.map((tag) => tag.value));
  for (const tag of tags) {
    const canonical = canonicalPciTag(tag.value);
    if (canonical) {
      problems.push({
        span: tag.span,
        severity: 'warning',
        code: 'pci-tag-format',
        message: `Tag '${tag.value}' names PCI DSS requirement ${canonical.slice(PCI_TAG_PREFIX.length)}, but tools read a requirement only from tags written '${PCI_TAG_PREFIX}<id>'. Write '${canonical}'.`,
      });
      continue;
    }
    if (!tag.value.startsWith(PCI_TAG_PREFIX)) continue;
    const id = tag.value.slice(PCI_TAG_PREFIX.length);
    if (V4_IDS.has(id)) continue;
    const candidates = pciV4Candidates(id).filter((candidate) => !present.has(PCI_TAG_PREFIX + candidate));
    const why = isKnownV321Id(id) ? `${id} is a PCI DSS v3.2.1 number, and v4.0.1 renumbered the requirement` : `${id} is not a v4.0.1 requirement id`;
    const instead = candidates.length ? ` Tag the v4.0.1 requirement instead, such as ${candidates.map((c) => `'${PCI_TAG_PREFIX}${c}'`).join(' or ')}.` : ' Tag a v4.0.1 requirement instead.';
    problems.push({
      span: tag.span,
      severity: 'warning',
      code: 'pci-unknown-requirement',
      message: `Tag '${tag.value}' names no PCI DSS v4.0.1 requirement: ${why}.${instead}`,
    });
  }
}

/** Returns the tag of `item` whose text span is `span`. */
export function tagAt(item: RulesItem, span: Span): TagScalar | undefined {
  return tagScalars(item).find((tag) => tag.span.start === span.start && tag.span.end === span.end);
}
