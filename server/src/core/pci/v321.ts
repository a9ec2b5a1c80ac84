/**
 * PCI DSS v3.2.1 numbers that v4.0.1 gave to other requirements or dropped,
 * read from `data/pci/v321-changes.json`. The official Falco rules and many
 * articles still tag rules with v3.2.1 numbers.
 */
import changesJson from '../../../../data/pci/v321-changes.json';

/** A v4.0.1 id that named another requirement in v3.2.1. */
export interface PciMeaningChange {
  id: string;
  /** Short paraphrase of the v3.2.1 requirement with this number. */
  v321Meaning: string;
  /** Short paraphrase of the v4.0.1 requirement or section with this number. */
  v4Meaning: string;
  /** The v4.0.1 ids of the v3.2.1 requirement, best first. */
  v4Ids: string[];
}

const meaningChanges = new Map<string, PciMeaningChange>(
  changesJson.meaning_changed.map((entry) => [entry.id, { id: entry.id, v321Meaning: entry.v3_2_1_meaning, v4Meaning: entry.v4_0_1_meaning, v4Ids: entry.v4_0_1_ids }]),
);

const renumbered = new Map<string, string[]>(changesJson.renumbered.map((entry) => [entry.v3_2_1, entry.v4_0_1_ids]));

/** Returns how the meaning of a valid v4.0.1 id changed since v3.2.1, or undefined when it did not (or the data lacks it). */
export function pciMeaningChange(id: string): PciMeaningChange | undefined {
  return meaningChanges.get(id);
}

/** Returns the v4.0.1 ids of a v3.2.1 number that v4.0.1 no longer has, as far as the catalog's `v3_2_1` fields leave them out. */
export function renumberedPciIds(v321Id: string): readonly string[] {
  return renumbered.get(v321Id) ?? [];
}

/** Returns the v4.0.1 ids whose meaning changed since v3.2.1. */
export function meaningChangedIds(): string[] {
  return [...meaningChanges.keys()];
}

/** Returns the v3.2.1 numbers of the renumbering data that v4.0.1 no longer has. */
export function renumberedV321Numbers(): string[] {
  return [...renumbered.keys()];
}
