/**
 * Shape of the generated catalog (`catalog.json`, written by
 * `npm run catalog` from the upstream tables under `data/`).
 */

/** Libs' field types as spelled in the upstream tables (`CHARBUF`, `UINT64`, `IPADDR`, ...). */
export type FieldType = string;

export type ArgumentMode = 'none' | 'optional' | 'required';

/** How a field's argument is written. */
export type ArgumentForm = 'index' | 'key' | 'dotted';

/**
 * Rule for a dotted argument: an event parameter name (`evt.arg.<param>`), an event table
 * name or code (`evt.type.is.<event>`), letters and `_` (`thread.cgroup.<subsystem>`), or
 * `src`/`dst` (`evt.abspath.src`).
 */
export type DottedArgKind = 'event-param' | 'event-type' | 'cgroup-subsystem' | 'src-dst';

export interface FieldDef {
  name: string;
  /** Upper-case libs type name; plugin types are mapped (`string` to CHARBUF, `uint64` to UINT64, ...). */
  type: FieldType;
  description: string;
  /** Field class heading in the upstream table (`process`, `fd`, `container (plugin)`, ...). */
  fieldClass: string;
  /** Event sources the field can be used with (`syscall`, `k8s_audit`, `aws_cloudtrail`, ...). */
  sources: string[];
  /** Plugin that provides the field, absent for libs' own fields. */
  plugin?: string;
  arg: ArgumentMode;
  argForms: ArgumentForm[];
  /** Rule for the dotted argument, present when `argForms` includes `dotted`. */
  dottedArg?: DottedArgKind;
  /** True for fields Falco accepts only in conditions, never in outputs (`fd.ip`, `fd.net`, ...). */
  filterOnly: boolean;
  /** True for fields that cannot take a transformer. */
  noTransformer: boolean;
  /** True for fields that cannot be used on the right-hand side through `val()`. */
  noRhs: boolean;
  /** True for list-valued fields (only `in`, `intersects`, `exists`). */
  isList: boolean;
  /** Why the field is deprecated; absent for fields that are not. */
  deprecated?: string;
  /**
   * Origin of the deprecation. With `libs`, libs flags the field EPF_DEPRECATED and Falco warns
   * when a rule uses it (LOAD_DEPRECATED_ITEM). With `plugin`, only the plugin's documentation
   * calls it deprecated, so Falco loads it silently.
   */
  deprecatedBy?: 'libs' | 'plugin';
  /** True for libs' source-agnostic `evt` fields, which every event source has, including plugin sources the catalog does not list. */
  generic?: boolean;
  /** True for fields libs accepts but leaves out of its field listings (EPF_TABLE_ONLY, EPF_PRINT_ONLY). */
  hidden?: boolean;
}

export interface EventParam {
  name: string;
  type: FieldType;
}

export interface EventDef {
  name: string;
  /**
   * Event category from the libs event table: `iter` for kernel-iterator events and `unknown`
   * for the `NA` placeholder entries. The others match the sections of the upstream events table.
   */
  category: 'syscall' | 'tracepoint' | 'plugin' | 'meta' | 'iter' | 'unknown';
  /** Parameters of the exit event (`<`), or of the only direction the event has. */
  params: EventParam[];
  /** Parameters of the enter event (`>`), when it differs. */
  enterParams?: EventParam[];
  /** Libs event codes (enter, exit and old versions) that `evt.type = <name>` selects. */
  codes: number[];
}

export interface OperatorDef {
  name: string;
  /** `unary`, `numeric`, `equality`, `string`, `list` as in libs' operator tables. */
  kind: 'unary' | 'numeric' | 'equality' | 'string' | 'list';
  /** True for word operators, which need a blank after them (`contains`, `startswith`, ...). */
  word: boolean;
  description: string;
  /** Falco version that added the operator. */
  since?: string;
}

export interface PriorityDef {
  /** Canonical spelling, as Falco prints it (`Critical`). */
  name: string;
  /** Other accepted spellings, matched case-insensitively (`info`). */
  aliases: string[];
}

export interface EventSourceDef {
  name: string;
  /** Plugin that provides the source; absent for `syscall`. */
  plugin?: string;
  /** Other plugins the official rules accept in place of `plugin` (`required_plugin_versions` alternatives). */
  alternatives?: string[];
}

export interface TransformerDef {
  name: string;
  description: string;
  /** Falco version that added the transformer. */
  since: string;
  /** Field types a single-argument transformer accepts; absent for multi-argument ones. */
  inputTypes?: string[];
  /** True for `val()`, which only marks a field operand on the right-hand side. */
  rhsOnly?: boolean;
}

export interface Catalog {
  /** libs commit the event tables were extracted from. */
  libsCommit: string;
  fields: FieldDef[];
  events: EventDef[];
  /**
   * Names of libs' ppm_sc syscall table that are not event names. `evt.type` accepts them, and
   * they select the generic event codes, even for syscalls whose events carry another name
   * (`pread64`, whose event is `pread`).
   */
  genericSyscalls: string[];
  /** Event codes that a generic syscall name selects. */
  genericCodes: number[];
  /** Number of event codes in libs' table: the universe for LOAD_NO_EVTTYPE. */
  eventCodeCount: number;
  /**
   * Every parameter name of every event code (old versions included), in table order, with the
   * type of its first occurrence: what `evt.arg.<name>` and `evt.rawarg.<name>` resolve against.
   */
  eventParams: EventParam[];
  operators: OperatorDef[];
  /** For each field type, the operators it accepts (`exists` always allowed). */
  operatorsByType: Record<FieldType, string[]>;
  /** Operators of list fields, and the element types libs supports for lists. */
  listOperators: { elementTypes: FieldType[]; operators: string[] };
  priorities: PriorityDef[];
  sources: EventSourceDef[];
  /** Transformers and the Falco version that added each. */
  transformers: TransformerDef[];
}
