/**
 * Checks of a rule's `tags` that name PCI DSS requirements. Tools that read
 * Falco rules (the official rules' overview generator among them) take a tag
 * as a PCI requirement only in the form `PCI_DSS_<id>`, and the id is read as
 * PCI DSS v4.0.1 numbering. Falco itself loads any tag, so these are at most
 * warnings: a tag in another form or with an id v4.0.1 lacks. A v4.0.1 id
 * that meant another requirement in v3.2.1, a generic `pci_dss` tag, and a
 * name or description citing a requirement the tags do not name are
 * information, because the author may mean exactly what is written. The
 * changed meaning is not reported when another tag of the rule exists only
 * in v4.0.1 numbering.
 */
import { isScalar, isSeq } from 'yaml';
import type { Scalar } from 'yaml';
import type { Diagnostic, Span } from '../types';
import type { RulesItem } from '../document/model';
import { toDocumentSpan } from '../yaml/scalar-map';
import type { ScalarMap } from '../yaml/scalar-map';
import { PCI_TAG_PREFIX, pciRequirements } from '../pci/requirements';
import { meaningChangedIds, pciMeaningChange, renumberedPciIds, renumberedV321Numbers } from '../pci/v321';
import { findPciCitations } from '../pci/citations';
import requirementsJson from '../../../../data/pci/requirements.json';
import v4IdsJson from '../../../../data/pci/v4-requirement-ids.json';

/** Requirement and section ids of PCI DSS v4.0.1; a tag may name a section (`PCI_DSS_10.2`) as well as a requirement. */
const V4_IDS = new Set<string>([...v4IdsJson.ids, ...v4IdsJson.section_ids]);
const V4_SECTION_IDS = new Set<string>(v4IdsJson.section_ids);

/** A requirement number as authors write it: `10.2.1`, `10_2_1`, `A1.1.1`. */
const ID = String.raw`((?:[1-9]|1[0-2]|A[1-3])(?:[._][0-9]+){1,3})`;

/** Tags that name a requirement in another form: `pci_dss_10.2.1`, `PCI-DSS-10.2.1`, `pci dss v10.2.1`, `pci 10.2.1`. */
const LOOSE_PCI_TAG = new RegExp(String.raw`^pci(?:[\s_-]*dss)?(?:[\s_-]*v)?[\s_:-]*` + ID + '$', 'i');

/**
 * Tags that name PCI DSS but no requirement: `pci`, `pci_dss`, `PCI-DSS`, `pci_dss_v4`, `PCI DSS 4.0.1`.
 * A version needs its `v` unless it starts with 4, because `pci 3.2.1` may name requirement 3.2.1.
 */
const GENERIC_PCI_TAG = /^pci(?:[\s_-]*dss)?(?:[\s_-]*(?:v(?:3\.2(?:\.1)?|4(?:\.0(?:\.1)?)?)|4(?:\.0(?:\.1)?)?))?$/i;

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
  if (isGenericPciTag(tag)) return undefined;
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
  candidates.push(...renumberedPciIds(id));
  for (const usage of requirementsJson.tag_convention_details.official_usages) {
    if (usage.tag === PCI_TAG_PREFIX + id) candidates.push(...usage.suggested_v4_0_1);
  }
  if (candidates.length === 0) {
    // Nothing maps the id, so offer the requirement or section it falls under.
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

/** Returns the v4.0.1 ids of the requirement that had the v3.2.1 number `id`, from the catalog and the renumbering data only. */
export function pciSuccessorIds(id: string): string[] {
  const successors = pciRequirements()
    .filter((requirement) => requirement.id !== id && requirement.v321 !== undefined && v321Ids(requirement.v321).includes(id))
    .map((requirement) => requirement.id);
  return [...new Set([...successors, ...renumberedPciIds(id)])].filter((candidate) => V4_IDS.has(candidate));
}

/**
 * Returns the v4.0.1 ids for a valid v4.0.1 id that the rule may use in its
 * v3.2.1 meaning, best first: the ids suggested for the official rule of
 * that name, then those of the v3.2.1 requirement. Empty when the meaning
 * did not change.
 */
export function pciMeaningCandidates(id: string, ruleName: string | undefined): string[] {
  const change = pciMeaningChange(id);
  if (!change) return [];
  const candidates: string[] = [];
  for (const usage of requirementsJson.tag_convention_details.official_usages) {
    if (usage.tag === PCI_TAG_PREFIX + id && usage.rule === ruleName) candidates.push(...usage.suggested_v4_0_1);
  }
  candidates.push(...change.v4Ids);
  return [...new Set(candidates)].filter((candidate) => V4_IDS.has(candidate));
}

/** True when `id` is a PCI DSS v4.0.1 section heading, such as `10.2`. */
export function isPciV4Section(id: string): boolean {
  return V4_SECTION_IDS.has(id);
}

/** True when `id` is a PCI DSS v4.0.1 requirement or section id. */
export function isPciV4Id(id: string): boolean {
  return V4_IDS.has(id);
}

/** True when `tag` names PCI DSS without a requirement, such as `pci_dss`. */
export function isGenericPciTag(tag: string): boolean {
  return GENERIC_PCI_TAG.test(tag.trim());
}

/** Every v3.2.1 number that the catalog and the renumbering data mention. */
let v321Numbers: Set<string> | undefined;

/**
 * True when a tag with this id shows that the rule numbers by v4.0.1: the
 * catalog requirement is new in v4.0, or it had another v3.2.1 number and
 * its own number is no v3.2.1 number the data lists (10.2.1.2, 5.3.2).
 */
function isV4OnlyNumber(id: string): boolean {
  const requirement = pciRequirements().find((candidate) => candidate.id === id);
  if (!requirement) return false;
  if (requirement.v321 === undefined) return true;
  v321Numbers ??= new Set([
    ...pciRequirements().flatMap((candidate) => (candidate.v321 ? v321Ids(candidate.v321) : [])),
    ...renumberedV321Numbers(),
    ...meaningChangedIds(),
  ]);
  return !v321Numbers.has(id);
}

/** True when `id` is the v3.2.1 predecessor of a v4.0.1 requirement of the catalog or of the renumbering data. */
function isKnownV321Id(id: string): boolean {
  return renumberedPciIds(id).length > 0 || pciRequirements().some((requirement) => requirement.v321 !== undefined && v321Ids(requirement.v321).includes(id));
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

/**
 * Reports PCI DSS tags in another form, `PCI_DSS_` ids that v4.0.1 lacks or
 * that meant another requirement in v3.2.1, generic PCI tags, and
 * requirements that the name or description cites but no tag names.
 */
export function checkTags(item: RulesItem, problems: Diagnostic[]): void {
  const tags = tagScalars(item);
  const present = new Set(tags.map((tag) => tag.value));
  const usesV4Numbering = pciIdsOf(tags).some(isV4OnlyNumber);
  for (const tag of tags) {
    if (isGenericPciTag(tag.value)) {
      problems.push(genericTagProblem(tag, pciIdsOf(tags), citedPciIds(item)));
      continue;
    }
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
    if (V4_IDS.has(id)) {
      const change = usesV4Numbering ? undefined : pciMeaningChange(id);
      const candidates = pciMeaningCandidates(id, item.name).filter((candidate) => !present.has(PCI_TAG_PREFIX + candidate));
      if (change) problems.push(meaningChangedProblem(tag, change.v321Meaning, change.v4Meaning, candidates));
      continue;
    }
    const candidates = pciV4Candidates(id).filter((candidate) => !present.has(PCI_TAG_PREFIX + candidate));
    const why = isKnownV321Id(id) ? `${id} is a PCI DSS v3.2.1 number, and v4.0.1 renumbered the requirement` : `${id} is not a v4.0.1 requirement id`;
    const instead = candidates.length ? ` Tag the v4.0.1 requirement instead, such as ${quotedTags(candidates)}.` : ' Tag a v4.0.1 requirement instead.';
    problems.push({
      span: tag.span,
      severity: 'warning',
      code: 'pci-unknown-requirement',
      message: `Tag '${tag.value}' names no PCI DSS v4.0.1 requirement: ${why}.${instead}`,
    });
  }
  checkCitations(item, pciIdsOf(tags), problems);
}

function quotedTags(ids: string[]): string {
  return ids.map((id) => `'${PCI_TAG_PREFIX}${id}'`).join(' or ');
}

/** Returns the ids of the `PCI_DSS_<id>` tags. */
function pciIdsOf(tags: TagScalar[]): string[] {
  return tags.filter((tag) => tag.value.startsWith(PCI_TAG_PREFIX)).map((tag) => tag.value.slice(PCI_TAG_PREFIX.length));
}

function meaningChangedProblem(tag: TagScalar, v321Meaning: string, v4Meaning: string, candidates: string[]): Diagnostic {
  const id = tag.value.slice(PCI_TAG_PREFIX.length);
  return {
    span: tag.span,
    severity: 'info',
    code: 'pci-requirement-meaning-changed',
    message:
      `Tag '${tag.value}' names PCI DSS v4.0.1 ${id}: ${v4Meaning}. In v3.2.1, ${id} meant that ${v321Meaning}, and the official Falco rules tag with v3.2.1 numbers. ` +
      (candidates.length ? `If the rule supports the v3.2.1 requirement, tag ${quotedTags(candidates)} instead.` : 'If the rule supports the v3.2.1 requirement, tag its v4.0.1 id instead.'),
  };
}

function genericTagProblem(tag: TagScalar, pciIds: string[], cited: string[]): Diagnostic {
  const example = cited.length ? quotedTags(cited) : `'${PCI_TAG_PREFIX}10.2.1.2'`;
  const advice = pciIds.length
    ? `The rule's ${quotedTags(pciIds).replace(/ or /g, ', ')} tags already name its requirements, so this tag adds nothing.`
    : `Tag each requirement the rule supports as '${PCI_TAG_PREFIX}<id>', such as ${example}, so that coverage reports can count the rule.`;
  return {
    span: tag.span,
    severity: 'info',
    code: 'pci-tag-without-requirement',
    message: `Tag '${tag.value}' names PCI DSS but no requirement, and tools read requirements only from tags written '${PCI_TAG_PREFIX}<id>'. ${advice}`,
  };
}

/** True when a requirement the text cites is one a tag names, encloses or lies inside, or is the v3.2.1 number of one. */
function citationMatchesTags(cited: string, pciIds: string[]): boolean {
  const related = new Set([cited, ...(V4_IDS.has(cited) ? pciMeaningCandidates(cited, undefined) : pciV4Candidates(cited))]);
  return pciIds.some((id) => [...related].some((other) => id === other || id.startsWith(`${other}.`) || other.startsWith(`${id}.`)));
}

/** Returns the scalar values of a rule's name and description, with offset maps; inexact maps are left out. */
function citingTexts(item: RulesItem): Array<{ key: 'rule' | 'desc'; map: ScalarMap }> {
  const texts: Array<{ key: 'rule' | 'desc'; map: ScalarMap }> = [];
  if (item.kind !== 'rule') return texts;
  for (const key of ['rule', 'desc'] as const) {
    const node = item.get(key)?.value;
    if (!node || !isScalar(node)) continue;
    // Most names and descriptions cite nothing; mapping their offsets would be wasted.
    if (findPciCitations(item.scalarValue(node as Scalar)).length === 0) continue;
    const map = item.scalar(node as Scalar);
    if (map.exact) texts.push({ key, map });
  }
  return texts;
}

/** Returns the v4.0.1 ids that a rule's name and description cite, v3.2.1 numbers replaced by their v4.0.1 ids. */
export function citedPciIds(item: RulesItem): string[] {
  const ids: string[] = [];
  for (const { map } of citingTexts(item)) {
    for (const citation of findPciCitations(map.value)) ids.push(...(V4_IDS.has(citation.id) ? [citation.id] : pciV4Candidates(citation.id)));
  }
  return [...new Set(ids)];
}

/** Reports requirement ids that the rule's name or description cites and that no `PCI_DSS_<id>` tag names. */
function checkCitations(item: RulesItem, pciIds: string[], problems: Diagnostic[]): void {
  const reported = new Set<string>();
  for (const { key, map } of citingTexts(item)) {
    for (const citation of findPciCitations(map.value)) {
      if (reported.has(citation.id) || citationMatchesTags(citation.id, pciIds)) continue;
      reported.add(citation.id);
      const where = key === 'rule' ? 'name' : 'description';
      const v4 = V4_IDS.has(citation.id);
      const candidates = v4 ? [citation.id] : pciV4Candidates(citation.id);
      const renumbered = v4 ? '' : ` ${citation.id} is not a PCI DSS v4.0.1 requirement id${candidates.length ? `; its v4.0.1 ${candidates.length === 1 ? 'id is' : 'ids are'} ${candidates.join(', ')}` : ''}.`;
      const tagged = pciIds.length ? `its PCI tags name ${pciIds.join(', ')}` : `no tag names it, so tools that read '${PCI_TAG_PREFIX}<id>' tags do not count the rule for it`;
      const advice = candidates.length ? ` Add the tag ${quotedTags(candidates)}, or correct the ${where}.` : ` Correct the ${where}.`;
      problems.push({
        span: toDocumentSpan(map, citation.span),
        severity: 'info',
        code: 'pci-requirement-mismatch',
        message: `The rule's ${where} cites PCI DSS ${citation.id}, but ${tagged}.${renumbered}${advice}`,
      });
    }
  }
}

/** Returns the tag of `item` whose text span is `span`. */
export function tagAt(item: RulesItem, span: Span): TagScalar | undefined {
  return tagScalars(item).find((tag) => tag.span.start === span.start && tag.span.end === span.end);
}
