/**
 * The entries of the "Insert PCI-DSS rule template" quick pick, without
 * VS Code types so that tests can run them: a separator per requirement, in
 * the standard's order, followed by the templates whose first tag names it.
 * Each template appears once, so that filtering shows no repeats, and the
 * headings stay short, so that they do not hide the template names.
 */

/** The fields of a `falco/pciTemplates` result that the quick pick shows. */
export interface PciTemplateSummary {
  id: string;
  title: string;
  requirements: Array<{ id: string; title?: string }>;
  description: string;
  snippet: string;
}

export type PciTemplatePickEntry =
  | { kind: 'separator'; label: string }
  | { kind: 'template'; label: string; description: string; detail: string; template: PciTemplateSummary };

/** Returns separators and template entries: the prelude first, then one group per requirement id. */
export function pciTemplatePickEntries(templates: readonly PciTemplateSummary[]): PciTemplatePickEntry[] {
  const entries: PciTemplatePickEntry[] = [];
  const prelude = templates.filter((template) => template.requirements.length === 0);
  if (prelude.length) {
    entries.push({ kind: 'separator', label: 'Shared lists and macros' });
    for (const template of prelude) entries.push(templateEntry(template));
  }

  const groups = new Map<string, PciTemplateSummary[]>();
  for (const template of templates) {
    const primary = template.requirements[0]?.id;
    if (primary === undefined) continue;
    groups.set(primary, [...(groups.get(primary) ?? []), template]);
  }
  for (const id of [...groups.keys()].sort(compareRequirementIds)) {
    entries.push({ kind: 'separator', label: `PCI DSS ${id}` });
    for (const template of groups.get(id)!) entries.push(templateEntry(template));
  }
  return entries;
}

function templateEntry(template: PciTemplateSummary): PciTemplatePickEntry {
  const ids = template.requirements.map((requirement) => requirement.id).join(', ');
  return { kind: 'template', label: template.title, description: ids ? `${template.id} · PCI DSS ${ids}` : template.id, detail: template.description, template };
}

/** Orders requirement ids as the standard does: 2.2.1 before 10.2.1, 10.2.1 before 10.2.1.1, appendices last. */
export function compareRequirementIds(a: string, b: string): number {
  const partsA = a.split('.');
  const partsB = b.split('.');
  for (let i = 0; i < Math.max(partsA.length, partsB.length); i++) {
    if (partsA[i] === undefined) return -1;
    if (partsB[i] === undefined) return 1;
    const numberA = Number(partsA[i]);
    const numberB = Number(partsB[i]);
    // Appendix parts (A1) are not numbers and sort after the twelve requirements.
    if (Number.isNaN(numberA) !== Number.isNaN(numberB)) return Number.isNaN(numberA) ? 1 : -1;
    if (Number.isNaN(numberA)) {
      if (partsA[i] !== partsB[i]) return partsA[i]! < partsB[i]! ? -1 : 1;
      continue;
    }
    if (numberA !== numberB) return numberA - numberB;
  }
  return 0;
}
