/**
 * Lookups over the generated catalog (`catalog.json`, built by `npm run catalog`): fields per
 * event source, event names and the libs event codes they select, event parameters,
 * operators, priorities, sources and transformers.
 *
 * Every index is built once when the module loads; the lookups allocate nothing but their
 * result objects. The catalog describes libs and the official plugins only, so it contains
 * nothing about third-party plugins, their sources or their async event names.
 */
import catalogJson from './catalog.json';
import type { Catalog, EventDef, EventParam, FieldDef, FieldType, OperatorDef, PriorityDef, EventSourceDef, TransformerDef } from './types';

export type * from './types';

export const catalog = catalogJson as Catalog;

const fieldsByName = new Map<string, FieldDef>(catalog.fields.map((field) => [field.name, field]));

/** Fields that take a dotted argument, longest name first so `evt.type.is` wins over shorter prefixes. */
const dottedFields = catalog.fields
  .filter((field) => field.argForms.includes('dotted'))
  .sort((a, b) => b.name.length - a.name.length);

const genericFields = catalog.fields.filter((field) => field.generic === true);

const fieldsBySource = new Map<string, FieldDef[]>();
for (const field of catalog.fields) {
  for (const source of field.sources) {
    let list = fieldsBySource.get(source);
    if (!list) fieldsBySource.set(source, (list = []));
    list.push(field);
  }
}

const fieldSourceSets = new Map<FieldDef, ReadonlySet<string>>(catalog.fields.map((field) => [field, new Set(field.sources)]));

const eventsByName = new Map<string, EventDef>(catalog.events.map((event) => [event.name, event]));
const genericSyscalls = new Set(catalog.genericSyscalls);

const eventParamsByName = new Map<string, EventParam>(catalog.eventParams.map((param) => [param.name, param]));
const eventParamNames = catalog.eventParams.map((param) => param.name);
const longestEventParam = Math.max(...eventParamNames.map((name) => name.length));

const operatorsByName = new Map<string, OperatorDef>(catalog.operators.map((op) => [op.name, op]));
const transformersByName = new Map<string, TransformerDef>(catalog.transformers.map((t) => [t.name, t]));
const sourcesByName = new Map<string, EventSourceDef>(catalog.sources.map((source) => [source.name, source]));
const sourceNames = catalog.sources.map((source) => source.name);

const prioritiesBySpelling = new Map<string, PriorityDef>();
for (const priority of catalog.priorities) {
  prioritiesBySpelling.set(priority.name.toLowerCase(), priority);
  for (const alias of priority.aliases) prioritiesBySpelling.set(alias.toLowerCase(), priority);
}

/** Operators of types outside every libs comparison group (UID, SOCKTUPLE, DYNAMIC, ...): libs filter_compare.cpp accepts only `exists`. */
const EXISTS_ONLY: readonly string[] = ['exists'];

// ---------------------------------------------------------------------------
// Fields

/** Returns the field with this exact catalog name (`proc.name`, `evt.arg`, `container.label`). */
export function findField(name: string): FieldDef | undefined {
  return fieldsByName.get(name);
}

/**
 * Returns the fields a rule of `source` can use. A source the catalog does not list (a
 * third-party plugin's) gets libs' generic `evt` fields only.
 */
export function fieldsForSource(source: string): readonly FieldDef[] {
  return fieldsBySource.get(source) ?? genericFields;
}

/** Tells whether `field` (a FieldDef or an exact catalog name) can be used with `source`. */
export function isFieldInSource(field: FieldDef | string, source: string): boolean {
  const def = typeof field === 'string' ? fieldsByName.get(field) : field;
  if (!def) return false;
  if (def.generic) return true;
  return fieldSourceSets.get(def)?.has(source) ?? def.sources.includes(source);
}

/** Why a written argument does not fit the field. */
export type InvalidArgumentReason =
  /** An index argument that is not a number (`proc.aname[x]`, `evt.arg[x]`). */
  | 'not-a-number'
  /** `evt.arg.<x>`: no event parameter name is a prefix of x. Falco reports `unknown event argument x`. */
  | 'unknown-event-argument'
  /** `evt.arg.<x>`: an event parameter is a proper prefix of x (`names` → `name`). Falco reports a nonexistent field. */
  | 'partial-event-argument'
  /** `evt.type.is.<x>`: x is neither an event table name nor a number. */
  | 'unknown-event-type'
  /** The argument is written in a form the field does not take (`evt.type.is[open]`, `evt.abspath.foo`). */
  | 'bad-form';

/** Outcome of `resolveField`. */
export type FieldResolution =
  | {
      kind: 'found';
      field: FieldDef;
      /** Type of the value: the field's type, or for `evt.rawarg.<param>` the parameter's type. */
      type: FieldType;
      dottedArg?: string;
      bracketArg?: string;
      /** The event parameter an `evt.arg.<param>` or `evt.rawarg.<param>` argument names. */
      eventParam?: EventParam;
    }
  | { kind: 'not-found' }
  /** The field exists, but not for this source (`ka.user.name` in a syscall rule). */
  | { kind: 'other-source'; field: FieldDef }
  /** The field takes no argument but one was written (`proc.name[1]`). */
  | { kind: 'unexpected-argument'; field: FieldDef; arg: string }
  /** The field requires an argument but none was written (`evt.arg`, `container.label`). */
  | { kind: 'missing-argument'; field: FieldDef }
  | { kind: 'invalid-argument'; field: FieldDef; arg: string; reason: InvalidArgumentReason; eventParam?: EventParam };

/**
 * Resolves a field as written in a condition or output: `name` is the dotted text
 * (`proc.name`, `evt.arg.flags`, `evt.type.is.open`, `thread.cgroup.cpu`, `evt.abspath.src`)
 * and `bracketArg` the text between brackets, if any (`proc.aname[2]` gives `'2'`).
 *
 * Follows libs' field parsing (sinsp_filtercheck_*.cpp parse_field_name, plugin_filtercheck.cpp):
 * a name must be a catalog field, or a field that takes a dotted argument followed by `.` and
 * that argument.
 */
export function resolveField(name: string, source: string, bracketArg?: string): FieldResolution {
  const exact = fieldsByName.get(name);
  if (exact) {
    if (!isFieldInSource(exact, source)) return { kind: 'other-source', field: exact };
    return resolveBracketArgument(exact, bracketArg);
  }

  const field = dottedFields.find((candidate) => name.startsWith(candidate.name + '.'));
  if (!field) return { kind: 'not-found' };
  if (!isFieldInSource(field, source)) return { kind: 'other-source', field };
  const arg = name.slice(field.name.length + 1);
  if (bracketArg !== undefined) return { kind: 'invalid-argument', field, arg: bracketArg, reason: 'bad-form' };
  return resolveDottedArgument(field, arg);
}

function resolveBracketArgument(field: FieldDef, arg: string | undefined): FieldResolution {
  if (arg === undefined) {
    if (field.arg === 'required') return { kind: 'missing-argument', field };
    return { kind: 'found', field, type: field.type };
  }
  if (field.arg === 'none') return { kind: 'unexpected-argument', field, arg };

  const index = field.argForms.includes('index');
  const key = field.argForms.includes('key');
  if (!index && !key) return { kind: 'invalid-argument', field, arg, reason: 'bad-form' };
  // An argument that can be an index or a key is a key whenever it is not a valid index.
  if (index && !key && !isIndexArgument(field, arg)) return { kind: 'invalid-argument', field, arg, reason: 'not-a-number' };
  return { kind: 'found', field, type: field.type, bracketArg: arg };
}

/**
 * Tells whether `arg` is a valid index. Plugin indexes are digits without a leading zero
 * (libs plugin_filtercheck.cpp extract_arg_index). Libs' own fields parse theirs with
 * sscanf("%d"), which also takes leading blanks and a sign (sinsp_numparser::parsed32).
 */
function isIndexArgument(field: FieldDef, arg: string): boolean {
  return field.plugin !== undefined ? /^(?:0|[1-9][0-9]*)$/.test(arg) : /^\s*[+-]?[0-9]+$/.test(arg);
}

function resolveDottedArgument(field: FieldDef, arg: string): FieldResolution {
  switch (field.dottedArg) {
    case 'event-param': {
      const resolved = resolveEventArg(arg);
      if (resolved.kind === 'unknown') return { kind: 'invalid-argument', field, arg, reason: 'unknown-event-argument' };
      const eventParam = eventParamsByName.get(resolved.param)!;
      if (resolved.kind === 'proper-prefix') {
        return { kind: 'invalid-argument', field, arg, reason: 'partial-event-argument', eventParam };
      }
      // evt.rawarg takes the parameter's type; evt.arg renders every parameter as text.
      const type = field.type === 'DYNAMIC' ? eventParam.type : field.type;
      return { kind: 'found', field, type, dottedArg: arg, eventParam };
    }
    case 'event-type':
      // libs extract_type: an event table name (not a generic syscall name) or an event code.
      if (eventsByName.has(arg) || /^[0-9]+$/.test(arg)) return { kind: 'found', field, type: field.type, dottedArg: arg };
      return { kind: 'invalid-argument', field, arg, reason: 'unknown-event-type' };
    case 'cgroup-subsystem':
      if (/^[A-Za-z_]+$/.test(arg)) return { kind: 'found', field, type: field.type, dottedArg: arg };
      return { kind: 'invalid-argument', field, arg, reason: 'bad-form' };
    case 'src-dst':
      if (arg === 'src' || arg === 'dst') return { kind: 'found', field, type: field.type, dottedArg: arg };
      return { kind: 'invalid-argument', field, arg, reason: 'bad-form' };
    default:
      return { kind: 'found', field, type: field.type, dottedArg: arg };
  }
}

// ---------------------------------------------------------------------------
// Events

/** Returns the event with this libs event table name (`open`, `execve`, `procexit`, `NA`). */
export function findEvent(name: string): EventDef | undefined {
  return eventsByName.get(name);
}

/**
 * Tells whether `evt.type` accepts the name: an event table name or a libs syscall name
 * (case-sensitive). Async event names of loaded third-party plugins are not covered.
 */
export function isKnownEventName(name: string): boolean {
  return eventsByName.has(name) || genericSyscalls.has(name);
}

/**
 * Returns the libs event codes `evt.type = <name>` selects (libs events/sinsp_events.cpp
 * names_to_event_set): an event's own codes, the two generic codes for a syscall name without
 * an event of that name, and none for an unknown name. `syscall` itself selects none.
 */
export function codesForEventName(name: string): readonly number[] {
  const event = eventsByName.get(name);
  if (event) return event.codes;
  return genericSyscalls.has(name) ? catalog.genericCodes : [];
}

/** Returns every parameter name of every event code, old versions included, in table order. */
export function allEventParams(): readonly string[] {
  return eventParamNames;
}

/** Outcome of `resolveEventArg`; `type` is the parameter's type at its first occurrence in the event table. */
export type EventArgResolution =
  | { kind: 'exact'; param: string; type: FieldType }
  | { kind: 'proper-prefix'; param: string; type: FieldType }
  | { kind: 'unknown' };

/**
 * Resolves `<name>` in `evt.arg.<name>` as libs utils.cpp find_longest_matching_evt_param
 * does: the longest parameter name of any event that is a prefix of `name`. An exact match is
 * usable; a proper prefix (`names` → `name`) makes Falco report a nonexistent field; no match
 * makes it report `unknown event argument`.
 */
export function resolveEventArg(name: string): EventArgResolution {
  for (let length = Math.min(name.length, longestEventParam); length > 0; length--) {
    const param = eventParamsByName.get(name.slice(0, length));
    if (param) {
      return { kind: length === name.length ? 'exact' : 'proper-prefix', param: param.name, type: param.type };
    }
  }
  return { kind: 'unknown' };
}

// ---------------------------------------------------------------------------
// Operators, priorities, sources, transformers

/** Returns the operator with this spelling (`=`, `contains`, `in`). */
export function findOperator(name: string): OperatorDef | undefined {
  return operatorsByName.get(name);
}

/** Returns the operators a non-list value of `type` accepts, `exists` included (libs filter_compare.cpp flt_is_comparable). */
export function operatorsForType(type: FieldType): readonly string[] {
  return catalog.operatorsByType[type] ?? EXISTS_ONLY;
}

/**
 * Returns the operators a field accepts: list fields take `in`, `intersects` and `exists`
 * when libs supports their element type, else `exists` only. For `evt.rawarg.<param>`, pass
 * the type `resolveField` returns to `operatorsForType` instead.
 */
export function operatorsForField(field: FieldDef): readonly string[] {
  if (!field.isList) return operatorsForType(field.type);
  return catalog.listOperators.elementTypes.includes(field.type) ? catalog.listOperators.operators : EXISTS_ONLY;
}

/** Returns the priority a rule's `priority:` text names, matched case-insensitively (`info` is Informational). */
export function findPriority(text: string): PriorityDef | undefined {
  return prioritiesBySpelling.get(text.toLowerCase());
}

/** Returns the event sources of libs and the official plugins (`syscall`, `k8s_audit`, ...). */
export function knownSources(): readonly string[] {
  return sourceNames;
}

/** Returns the source definition with this name. */
export function findSource(name: string): EventSourceDef | undefined {
  return sourcesByName.get(name);
}

/** Returns the transformer with this name (`tolower`, `basename`, `val`). */
export function findTransformer(name: string): TransformerDef | undefined {
  return transformersByName.get(name);
}
