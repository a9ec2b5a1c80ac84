/**
 * Markdown descriptions of PCI DSS tags for hover and completion: the
 * requirement's id and title, what a runtime rule can observe for it, and
 * how its number relates to PCI DSS v3.2.1.
 */
import { PCI_DSS_VERSION, PCI_TAG_PREFIX, findPciRequirement } from './requirements';
import { pciMeaningChange } from './v321';
import { isGenericPciTag, isPciV4Id, isPciV4Section, pciSuccessorIds, pciV4Candidates } from '../checks/tags';

/** Returns markdown for a `PCI_DSS_<id>` or generic PCI tag; undefined for other tags. */
export function describePciTag(tag: string): string | undefined {
  if (isGenericPciTag(tag)) {
    return `**${tag}**: names PCI DSS but no requirement. Tools read requirements only from tags written \`${PCI_TAG_PREFIX}<id>\`, such as \`${PCI_TAG_PREFIX}10.2.1.2\`.`;
  }
  if (!tag.startsWith(PCI_TAG_PREFIX)) return undefined;
  const id = tag.slice(PCI_TAG_PREFIX.length);
  if (!isPciV4Id(id)) return describeUnknownId(tag, id);

  const requirement = findPciRequirement(id);
  const kind = isPciV4Section(id) ? 'section' : 'requirement';
  const lines = [`**PCI DSS v${PCI_DSS_VERSION} ${kind} ${id}**`, ''];
  if (requirement) {
    lines.push(requirement.title, '', `Runtime signal: ${requirement.runtimeSignal}`, '', `Falco support: ${requirement.support}.`);
    lines.push('', requirement.v321 ? `PCI DSS v3.2.1 number: ${requirement.v321}.` : 'New in PCI DSS v4.0.');
  } else {
    lines.push('Not in the catalog of requirements that runtime rules support, so its title is not known here.');
  }
  const change = pciMeaningChange(id);
  if (change) {
    lines.push('', `In v3.2.1, ${id} meant that ${change.v321Meaning}; v4.0.1 numbers that requirement ${change.v4Ids.join(' or ')}. The official Falco rules tag with v3.2.1 numbers.`);
  } else {
    const successors = pciSuccessorIds(id);
    if (successors.length) lines.push('', `In v3.2.1, ${id} was another requirement, which v4.0.1 numbers ${successors.join(' or ')}.`);
  }
  return lines.join('\n');
}

function describeUnknownId(tag: string, id: string): string {
  const lines = [`**${tag}**: ${id} is not a PCI DSS v${PCI_DSS_VERSION} requirement id.`];
  const candidates = pciV4Candidates(id);
  if (candidates.length) {
    lines.push('', 'Tag one of these v4.0.1 ids instead:', '');
    for (const candidate of candidates) {
      const title = findPciRequirement(candidate)?.title;
      lines.push(`- ${candidate}${title ? `: ${title}` : ''}`);
    }
  }
  return lines.join('\n');
}
