/**
 * Code lenses of PCI DSS requirements: one above each rule whose tags name
 * requirements as `PCI_DSS_<id>`, with each id and its title from the
 * catalog. The server makes each lens run `falco.showCoverage` for those
 * requirements.
 */
import type { Span } from '../types';
import type { RulesWorkspace } from '../workspace';
import { tagScalars } from '../checks/tags';
import { PCI_TAG_PREFIX, findPciRequirement } from '../pci/requirements';

export interface PciLens {
  /** The rule's `rule` key and name, where the lens is shown. */
  span: Span;
  /** `PCI DSS 10.2.1.2 <title> · 11.5.1 <title>`. */
  title: string;
  /** The requirement ids of the rule's tags, in tag order, without repeats. */
  requirements: string[];
}

/** Returns a lens for each rule of the document `uri` that has `PCI_DSS_<id>` tags. */
export function pciCodeLenses(workspace: RulesWorkspace, uri: string): PciLens[] {
  const document = workspace.getDocument(uri);
  if (!document) return [];
  const lenses: PciLens[] = [];
  for (const item of document.items) {
    if (item.kind !== 'rule') continue;
    const ids = [...new Set(tagScalars(item).filter((tag) => tag.value.startsWith(PCI_TAG_PREFIX)).map((tag) => tag.value.slice(PCI_TAG_PREFIX.length)))].filter((id) => id !== '');
    if (ids.length === 0) continue;
    const entry = item.get('rule');
    const span = entry ? { start: entry.keySpan.start, end: entry.valueSpan.end } : item.span;
    lenses.push({ span, title: lensTitle(ids), requirements: ids });
  }
  return lenses;
}

function lensTitle(ids: string[]): string {
  const parts = ids.map((id) => {
    const title = findPciRequirement(id)?.title;
    return title ? `${id} ${title.replace(/\.$/, '')}` : id;
  });
  return `PCI DSS ${parts.join(' · ')}`;
}
