/**
 * The keys each kind of top-level item accepts, with their value shapes: the
 * one table that structure checks, completion and hover read.
 * Facts from Falco's rules loader (falco userspace/engine/rule_loader_reader.cpp,
 * `read_item` and `warn_unknown_keys`, Falco 0.44).
 */
import type { ItemKind } from '../document/model';

export type ValueShape = 'string' | 'bool' | 'uint32' | 'sequence' | 'map' | 'priority' | 'exceptions' | 'override' | 'plugin-versions' | 'engine-version';

export interface KeyDef {
  name: string;
  shape: ValueShape;
  /** Required in a full definition of the item. */
  required: boolean;
  description: string;
  /** Override operations the key accepts, for rules, macros and lists. */
  override?: Array<'append' | 'replace'>;
}

const RULE_KEYS: KeyDef[] = [
  { name: 'rule', shape: 'string', required: true, description: 'Name of the rule. Spaces are allowed; a later full definition with the same name replaces this one.' },
  { name: 'desc', shape: 'string', required: true, description: 'Longer description of what the rule detects.', override: ['append', 'replace'] },
  { name: 'condition', shape: 'string', required: true, description: 'Filter expression that events must match for the rule to fire.', override: ['append', 'replace'] },
  { name: 'output', shape: 'string', required: true, description: 'Message printed when the rule fires; `%field` placeholders are replaced with event values.', override: ['append', 'replace'] },
  { name: 'priority', shape: 'priority', required: true, description: 'Severity of the event: emergency, alert, critical, error, warning, notice, informational (or info), debug.', override: ['replace'] },
  { name: 'source', shape: 'string', required: false, description: 'Event source the rule applies to (default `syscall`).' },
  { name: 'enabled', shape: 'bool', required: false, description: 'Whether the rule is loaded into the default ruleset (default true). Disabled rules are still compiled.', override: ['replace'] },
  { name: 'tags', shape: 'sequence', required: false, description: 'Tags used to group and select rules (for example `PCI_DSS_10.2.1`, `mitre_execution`).', override: ['append', 'replace'] },
  { name: 'exceptions', shape: 'exceptions', required: false, description: 'Named sets of field values for which the rule does not fire.', override: ['append', 'replace'] },
  { name: 'warn_evttypes', shape: 'bool', required: false, description: 'Set to false to silence the warning about a condition that selects no specific event type (default true).', override: ['replace'] },
  { name: 'skip-if-unknown-filter', shape: 'bool', required: false, description: 'Skip the rule with a warning, instead of failing the file, when it uses a field this Falco does not know (default false).', override: ['replace'] },
  { name: 'capture', shape: 'bool', required: false, description: 'Record a capture file when the rule fires (Falco 0.42 and later, default false).', override: ['replace'] },
  { name: 'capture_duration', shape: 'uint32', required: false, description: 'Length of the capture in milliseconds (Falco 0.42 and later).', override: ['replace'] },
  { name: 'override', shape: 'override', required: false, description: 'Modifies an earlier rule of the same name: maps each key to `append` or `replace`.' },
  { name: 'append', shape: 'bool', required: false, description: 'Deprecated: appends to an earlier rule of the same name. Use `override` instead.' },
];

const MACRO_KEYS: KeyDef[] = [
  { name: 'macro', shape: 'string', required: true, description: 'Name of the macro, used as a bare word in conditions.' },
  { name: 'condition', shape: 'string', required: true, description: 'Filter expression the macro stands for.', override: ['append', 'replace'] },
  { name: 'override', shape: 'override', required: false, description: 'Modifies an earlier macro of the same name: `condition: append` or `condition: replace`.' },
  { name: 'append', shape: 'bool', required: false, description: 'Deprecated: appends to an earlier macro of the same name. Use `override` instead.' },
];

const LIST_KEYS: KeyDef[] = [
  { name: 'list', shape: 'string', required: true, description: 'Name of the list, used inside `in (...)` and other list operators.' },
  { name: 'items', shape: 'sequence', required: true, description: 'Values of the list. An item that names an earlier list is replaced by that list\'s items.', override: ['append', 'replace'] },
  { name: 'override', shape: 'override', required: false, description: 'Modifies an earlier list of the same name: `items: append` or `items: replace`.' },
  { name: 'append', shape: 'bool', required: false, description: 'Deprecated: appends to an earlier list of the same name. Use `override` instead.' },
];

export const ITEM_KEYS: Record<ItemKind, KeyDef[]> = {
  rule: RULE_KEYS,
  macro: MACRO_KEYS,
  list: LIST_KEYS,
  required_engine_version: [
    { name: 'required_engine_version', shape: 'engine-version', required: true, description: 'Minimum Falco engine version the file needs, as `x.y.z` (or a single number N meaning 0.N.0).' },
  ],
  required_plugin_versions: [
    { name: 'required_plugin_versions', shape: 'plugin-versions', required: true, description: 'Plugins the file needs: a list of `{name, version}` entries, each with optional `alternatives`.' },
  ],
};

/** Keys whose presence makes a rule item a full definition. */
export const RULE_DEFINITION_KEYS = ['condition', 'output', 'desc', 'priority'] as const;

export function findKey(kind: ItemKind, key: string): KeyDef | undefined {
  return ITEM_KEYS[kind].find((k) => k.name === key);
}
