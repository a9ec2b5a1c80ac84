/**
 * Types shared by every part of the language core.
 *
 * Positions inside the core are UTF-16 offsets into the document text (the
 * unit of JavaScript strings and of LSP positions). Conversion to line and
 * column happens only at the edges: in the CLI and in the LSP adapter.
 */

/** A half-open range of offsets, `end` exclusive. */
export interface Span {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** One problem found in a rules file. */
export interface Diagnostic {
  /** Offsets into the document that the diagnostic belongs to. */
  span: Span;
  severity: Severity;
  /** Falco's LOAD_* code where Falco has the check, else a kebab-case code of ours. */
  code: string;
  message: string;
  /** Extra facts for quick-fixes, such as suggested replacements. */
  data?: DiagnosticData;
}

export interface DiagnosticData {
  /** Replacement texts for `span`, best first. */
  suggestions?: string[];
  /**
   * True for errors whose Falco message `skip-if-unknown-filter: true` turns
   * into a LOAD_UNKNOWN_FILTER warning (nonexistent field, unknown event type,
   * unknown output filter).
   */
  unknownFilter?: boolean;
  /** True when the first suggestion is the one sensible fix, safe for fix-all. */
  fixSafe?: boolean;
  /**
   * For an unknown field: replacement texts for `span`, best first. Unlike
   * `suggestions`, they go to a fixer that may prefer one without making it safe.
   */
  fieldCandidates?: string[];
  /** The one entry of `fieldCandidates` that is a known confusion of the written name, when exactly one is. */
  knownConfusion?: string;
  /** For an item that lacks a required key: that key. */
  missingKey?: string;
  /** True for a key of an item written at column 0 under its `- rule:` line, which belongs indented into the item. */
  outdentedKey?: boolean;
  /** For a CIDR compared with an address field: the network field to compare instead (`fd.snet` for `fd.sip`). */
  networkField?: string;
  /** For an event selected without its newer variants: the variants to select too (`openat` and `openat2` for `open`). */
  missingVariants?: string[];
}
