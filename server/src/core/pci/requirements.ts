/**
 * The PCI DSS v4.0.1 requirements that Falco rules can support, read from
 * `data/pci/requirements.json`, and the `PCI_DSS_<id>` tags that name them.
 */
import requirementsJson from '../../../../data/pci/requirements.json';

/** The degree to which a Falco rule can show that a requirement is met. */
export type PciSupport = 'direct' | 'partial' | 'indirect';

export interface PciRequirement {
  /** Requirement id in PCI DSS v4.0.1 numbering, such as `10.2.1.1`. */
  id: string;
  /** Short summary of the requirement. */
  title: string;
  /** The run-time observation that bears on the requirement. */
  runtimeSignal: string;
  /** Event sources that carry the signal (`syscall`, `k8s_audit`, ...). */
  falcoSources: string[];
  support: PciSupport;
  /** The v3.2.1 number or numbers the requirement replaces, as written (`1.3.1 / 1.3.2`); absent when it is new. */
  v321?: string;
}

/** Prefix of the tags that name a requirement, as in the official Falco rules (`PCI_DSS_10.2.1.1`). */
export const PCI_TAG_PREFIX = 'PCI_DSS_';

interface RawRequirement {
  id: string;
  title: string;
  runtime_signal: string;
  falco_sources: string[];
  support: string;
  v3_2_1: string | null;
}

const requirements: readonly PciRequirement[] = (requirementsJson.requirements as RawRequirement[]).map((raw) => ({
  id: raw.id,
  title: raw.title,
  runtimeSignal: raw.runtime_signal,
  falcoSources: raw.falco_sources,
  support: raw.support as PciSupport,
  ...(raw.v3_2_1 ? { v321: raw.v3_2_1 } : {}),
}));

const requirementsById = new Map(requirements.map((requirement) => [requirement.id, requirement]));

/** PCI DSS version of the catalog (`4.0.1`). */
export const PCI_DSS_VERSION: string = requirementsJson.version;

/** Returns every requirement of the catalog, in the standard's order. */
export function pciRequirements(): readonly PciRequirement[] {
  return requirements;
}

/** Returns the requirement with this id, or undefined when the catalog lacks it. */
export function findPciRequirement(id: string): PciRequirement | undefined {
  return requirementsById.get(id);
}

/** Returns the requirement a `PCI_DSS_<id>` tag names; undefined for other tags and for ids the catalog lacks. */
export function pciRequirementOfTag(tag: string): PciRequirement | undefined {
  return tag.startsWith(PCI_TAG_PREFIX) ? requirementsById.get(tag.slice(PCI_TAG_PREFIX.length)) : undefined;
}

/** Returns the tag that names a requirement: `PCI_DSS_<id>`. */
export function pciTag(requirement: PciRequirement): string {
  return `${PCI_TAG_PREFIX}${requirement.id}`;
}
