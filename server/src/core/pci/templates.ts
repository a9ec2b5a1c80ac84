/**
 * The PCI-DSS rule templates, generated from `data/pci/templates.yaml` into
 * templates.json by `npm run snippets`, the same definitions that become the
 * VS Code snippets.
 */
import templatesJson from './templates.json';
import { findPciRequirement } from './requirements';
import { expandSnippet } from '../util/snippet';

/** A dependency loaded before a template: the prelude's macros, or the k8saudit plugin and its rules. */
export type PciTemplateNeed = 'prelude' | 'k8s_audit';

export interface PciTemplate {
  /** `prelude`, or the template number `T01` to `T18`. */
  id: string;
  title: string;
  /** Prefix of the VS Code snippet, such as `pci-shell-in-cde`. */
  prefix: string;
  /** PCI DSS v4.0.1 ids of the `PCI_DSS_<id>` tags, in the order of the tags. */
  requirements: string[];
  needs: PciTemplateNeed[];
  description: string;
  /** Top-level items in snippet syntax, to insert at column 0. */
  snippet: string;
}

const templates: readonly PciTemplate[] = templatesJson.templates as PciTemplate[];

/** Returns the prelude first, then T01 to T18. */
export function pciTemplates(): readonly PciTemplate[] {
  return templates;
}

/** Returns the template with this id (`T03`, `prelude`), or undefined. */
export function findPciTemplate(id: string): PciTemplate | undefined {
  return templates.find((template) => template.id === id);
}

/** Returns the template's text with every placeholder at its default. */
export function pciTemplateText(template: PciTemplate): string {
  return expandSnippet(template.snippet);
}

/** Returns the label of a template: `PCI-DSS 10.2.1.2, 11.5.1 – Shell spawned in a CDE container`. */
export function pciTemplateLabel(template: PciTemplate): string {
  const ids = template.requirements.length ? template.requirements.join(', ') : 'prelude';
  return `PCI-DSS ${ids} – ${template.title}`;
}

/** Returns markdown describing a template: what it detects, its requirements with titles, and what it needs. */
export function describePciTemplate(template: PciTemplate): string {
  const lines = [`**${template.title}**`, '', template.description];
  if (template.requirements.length) {
    lines.push('', 'PCI DSS v4.0.1 requirements:', '');
    for (const id of template.requirements) {
      const title = findPciRequirement(id)?.title;
      lines.push(`- ${id}${title ? `: ${title}` : ''}`);
    }
  }
  const needs: string[] = [];
  if (template.needs.includes('prelude')) needs.push('the PCI-DSS prelude (`pci_cde_container` and the CDE lists) loaded before it');
  if (template.needs.includes('k8s_audit')) needs.push('the k8saudit plugin and its `k8s_audit_rules.yaml`');
  if (needs.length) lines.push('', `Needs ${needs.join(', and ')}.`);
  return lines.join('\n');
}

/** A template as the `falco/pciTemplates` request returns it. */
export interface PciTemplateInfo {
  id: string;
  title: string;
  /** `PCI-DSS 10.2.1.2, 11.5.1 – Shell spawned in a CDE container`. */
  label: string;
  requirements: Array<{ id: string; title?: string }>;
  needs: PciTemplateNeed[];
  description: string;
  /** Markdown: the description, the requirements with titles, and what the template needs. */
  documentation: string;
  /** The items in snippet syntax, to insert at column 0. */
  snippet: string;
  /** The items with every placeholder at its default, for editors without snippets. */
  text: string;
}

/** Returns every template with its requirements' titles and its plain text: the prelude first, then T01 to T18. */
export function pciTemplateList(): PciTemplateInfo[] {
  return templates.map((template) => ({
    id: template.id,
    title: template.title,
    label: pciTemplateLabel(template),
    requirements: template.requirements.map((id) => {
      const title = findPciRequirement(id)?.title;
      return title ? { id, title } : { id };
    }),
    needs: template.needs,
    description: template.description,
    documentation: describePciTemplate(template),
    snippet: template.snippet,
    text: pciTemplateText(template),
  }));
}
