/**
 * Requirement ids that a rule's name or description cites, such as
 * "PCI-DSS 10.2.1", "PCI DSS v4.0.1 requirement 10.2.1.1" or
 * "PCI 1.3.2 and 1.3.4". Only ids after a PCI mention count, so version
 * numbers and other dotted numbers in the text are not read as requirements.
 */
import type { Span } from '../types';

export interface PciCitation {
  /** The requirement id as cited, `10.2.1`. */
  id: string;
  /** Offsets of the id in the text, end exclusive. */
  span: Span;
}

/** A requirement id: 1 to 12 or an appendix, then one to three parts that never start with 0. */
const ID = String.raw`(?:[1-9]|1[0-2]|A[1-3])(?:\.[1-9][0-9]*){1,3}`;

/** "PCI", "PCI-DSS", "PCI DSS v4.0.1", then optionally "requirement" or "req.", then the id. */
const CITATION = new RegExp(String.raw`\bpci(?:[\s_-]*dss)?(?:[\s_-]*v?[34](?:\.[0-9]+){0,2})?(?:[\s,:-]+(?:requirements?|req\.?))?[\s_:#-]*(${ID})(?!\.?[0-9])`, 'gi');

/** A further id in a list: ", 10.2.2", " and 10.2.2", "/10.2.2". */
const NEXT_ID = new RegExp(String.raw`(?:\s*[,/&]\s*|\s+(?:and|or)\s+)(${ID})(?!\.?[0-9])`, 'iy');

/** Returns the requirement ids that `text` cites after a PCI mention, in text order. */
export function findPciCitations(text: string): PciCitation[] {
  const citations: PciCitation[] = [];
  CITATION.lastIndex = 0;
  for (let match = CITATION.exec(text); match; match = CITATION.exec(text)) {
    const id = match[1]!;
    const end = match.index + match[0].length;
    citations.push({ id, span: { start: end - id.length, end } });
    NEXT_ID.lastIndex = end;
    for (let next = NEXT_ID.exec(text); next; next = NEXT_ID.exec(text)) {
      const nextEnd = next.index + next[0].length;
      citations.push({ id: next[1]!, span: { start: nextEnd - next[1]!.length, end: nextEnd } });
      CITATION.lastIndex = nextEnd;
    }
  }
  return citations;
}
