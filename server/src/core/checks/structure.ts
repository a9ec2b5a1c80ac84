/**
 * Item structure: kinds, required keys, value shapes, unknown keys and
 * priorities, decided item by item as Falco's rules reader decides them
 * (falco userspace/engine/rule_loader_reader.cpp). Checks that need other
 * items, such as whether an appended rule exists, live in the program analysis.
 */
import { isMap, isScalar, isSeq, Scalar } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import type { Diagnostic, DiagnosticData, Span } from '../types';
import type { ItemEntry, RulesItem } from '../document/model';
import { ITEM_KINDS } from '../document/model';
import { findKey, ITEM_KEYS, KeyDef, RULE_DEFINITION_KEYS } from '../schema/items';
import { findPriority, catalog } from '../catalog';
import { didYouMean, suggest } from '../util/suggest';

const YAML_CPP_TRUE = /^(?:true|True|TRUE|yes|Yes|YES|on|On|ON|y|Y)$/;
const YAML_CPP_FALSE = /^(?:false|False|FALSE|no|No|NO|off|Off|OFF|n|N)$/;

/** Returns the decoded text of a scalar node, or undefined for other nodes. */
export function scalarText(item: RulesItem, node: YamlNode | null | undefined): string | undefined {
  if (!node || !isScalar(node)) return undefined;
  return item.scalarValue(node as Scalar);
}

/** Reads a yaml-cpp boolean (`true`, `yes`, `on`, `y` in three casings). */
export function parseYamlCppBool(text: string): boolean | undefined {
  if (YAML_CPP_TRUE.test(text)) return true;
  if (YAML_CPP_FALSE.test(text)) return false;
  return undefined;
}

/** True when a rule item only modifies an earlier rule (override or `append: true`). */
export function isRuleUpdate(item: RulesItem): boolean {
  if (item.get('override')) return true;
  const append = scalarText(item, item.get('append')?.value);
  return append !== undefined && parseYamlCppBool(append) === true;
}

export function checkItemStructure(item: RulesItem): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const error: ErrorSink = (span, message, code = 'LOAD_ERR_YAML_VALIDATE', data) => problems.push({ span, severity: 'error', code, message, ...(data ? { data } : {}) });

  if (item.kind === undefined) {
    const first = item.entries[0];
    const kinds = [...ITEM_KINDS];
    const hint = first ? didYouMean(suggest(first.key, kinds, 1)) : '';
    problems.push({
      span: first?.keySpan ?? item.span,
      severity: 'warning',
      code: 'LOAD_UNKNOWN_ITEM',
      message: `Unknown top level item: Falco ignores it. An item starts with one of ${kinds.map((k) => `'${k}:'`).join(', ')}.${hint}`,
    });
    return problems;
  }

  const kind = item.kind;
  const seen = new Set<string>();
  for (const entry of item.entries) {
    const def = findKey(kind, entry.key);
    if (!def) {
      const close = suggest(entry.key, ITEM_KEYS[kind].map((k) => k.name), 2);
      // A key the item already has is no rename target: the item would then have it twice.
      const suggestions = close.filter((name) => !item.get(name));
      problems.push({
        span: entry.keySpan,
        severity: 'warning',
        code: 'LOAD_UNKNOWN_KEY',
        message: `Unknown key '${entry.key}' for a ${kind} item. The key will be ignored.${didYouMean(close)}`,
        data: { suggestions, ...(suggestions.length === 1 ? { fixSafe: true } : {}) },
      });
    } else if (seen.has(entry.key)) {
      problems.push({ span: entry.keySpan, severity: 'warning', code: 'duplicate-key', message: `Key '${entry.key}' appears twice in this ${kind}; only one of the values is used. Remove one of them.` });
    }
    seen.add(entry.key);
  }

  const nameEntry = item.get(kind)!;
  if (kind === 'rule' || kind === 'macro' || kind === 'list') {
    checkScalarValue(item, nameEntry, true, error);
  }

  switch (kind) {
    case 'rule':
      checkRule(item, error, problems);
      break;
    case 'macro':
      checkRequired(item, ['condition'], item.get('override') || isAppend(item) ? [] : ['condition'], error);
      checkNameWarning(item, problems, /^[a-zA-Z]+[a-zA-Z0-9_]*$/, 'LOAD_INVALID_MACRO_NAME', 'Macro has an invalid name. Macro names should match a regular expression: ([a-zA-Z]+[a-zA-Z0-9_]*), or conditions cannot refer to it.');
      break;
    case 'list':
      checkRequired(item, ['items'], ['items'], error);
      checkNameWarning(item, problems, /^[^()"'\s=,]+$/, 'LOAD_INVALID_LIST_NAME', 'List has an invalid name. List names should match a regular expression: ([^()"\'[:space:]=,]+).');
      break;
    case 'required_engine_version':
      checkEngineVersion(item, nameEntry, error);
      break;
    case 'required_plugin_versions':
      checkPluginVersions(item, nameEntry, error);
      break;
  }

  for (const entry of item.entries) {
    const def = findKey(kind, entry.key);
    if (def && entry !== nameEntry) checkShape(item, entry, def, error);
  }

  if (isAppend(item)) {
    problems.push({
      span: item.get('append')!.keySpan,
      severity: 'warning',
      code: 'LOAD_DEPRECATED_ITEM',
      message: `'append' key is deprecated. Add an 'override' key instead, such as 'override: { ${kind === 'list' ? 'items' : 'condition'}: append }'.`,
    });
    if (item.get('override')) {
      error(item.get('append')!.keySpan, "Keys 'override' and 'append: true' cannot be used together. Remove 'append: true'.");
    }
  }
  return problems;
}

function isAppend(item: RulesItem): boolean {
  const text = scalarText(item, item.get('append')?.value);
  return text !== undefined && parseYamlCppBool(text) === true;
}

type ErrorSink = (span: Span, message: string, code?: string, data?: DiagnosticData) => void;

function checkRule(item: RulesItem, error: ErrorSink, problems: Diagnostic[]): void {
  const update = isRuleUpdate(item);
  const isDefinition = !update && RULE_DEFINITION_KEYS.some((key) => item.get(key));
  if (isDefinition) {
    checkRequired(item, RULE_DEFINITION_KEYS, RULE_DEFINITION_KEYS, error);
  } else if (!update) {
    // The deprecated form that only enables or disables an earlier rule.
    const enabled = item.get('enabled');
    if (!enabled) {
      error(item.nameSpan ?? item.span, "Item has no mapping for key 'condition': a rule needs 'condition', 'output', 'desc' and 'priority' (or 'override' to change an earlier rule).");
    } else {
      problems.push({
        span: enabled.keySpan,
        severity: 'warning',
        code: 'LOAD_DEPRECATED_ITEM',
        message: "A rule item with only 'enabled' is deprecated. Add 'override: { enabled: replace }' instead.",
      });
    }
  }
  const source = item.get('source');
  if (source) checkScalarValue(item, source, true, error);
}

function checkRequired(item: RulesItem, order: readonly string[], required: readonly string[], error: ErrorSink): void {
  for (const key of order) {
    if (!required.includes(key) || item.get(key)) continue;
    error(item.nameSpan ?? item.span, `Item has no mapping for key '${key}'. Add '${key}:' to this ${item.kind}.`, 'LOAD_ERR_YAML_VALIDATE', { missingKey: key });
  }
}

function checkNameWarning(item: RulesItem, problems: Diagnostic[], pattern: RegExp, code: string, message: string): void {
  if (item.name === undefined || pattern.test(item.name)) return;
  problems.push({ span: item.nameSpan!, severity: 'warning', code, message });
}

/** §1.3 of the reader: empty, not a scalar, empty string. Returns the text when it is usable. */
function checkScalarValue(item: RulesItem, entry: ItemEntry, required: boolean, error: ErrorSink): string | undefined {
  if (entry.value === null) {
    error(entry.keySpan, `Mapping for key '${entry.key}' is empty. Write a value after '${entry.key}:'.`);
    return undefined;
  }
  if (!isScalar(entry.value)) {
    error(entry.valueSpan, `Value for '${entry.key}' is not a scalar value: write a single string, not a list or a map.`);
    return undefined;
  }
  const text = scalarText(item, entry.value) ?? '';
  if (required && text === '') {
    error(entry.valueSpan.start === entry.valueSpan.end ? entry.keySpan : entry.valueSpan, `Value for '${entry.key}' must be non-empty.`);
    return undefined;
  }
  return text;
}

function checkShape(item: RulesItem, entry: ItemEntry, def: KeyDef, error: ErrorSink): void {
  switch (def.shape) {
    case 'string':
      checkScalarValue(item, entry, entry.key === 'condition' || entry.key === 'source' || entry.key === 'output' || entry.key === 'desc', error);
      return;
    case 'bool': {
      const text = checkScalarValue(item, entry, true, error);
      if (text !== undefined && parseYamlCppBool(text) === undefined) {
        error(entry.valueSpan, `Can't decode YAML scalar value '${text}' for '${entry.key}': write true or false.`);
      }
      return;
    }
    case 'uint32': {
      const text = checkScalarValue(item, entry, true, error);
      if (text !== undefined && !/^\+?[0-9]+$/.test(text.trim())) {
        error(entry.valueSpan, `Can't decode YAML scalar value '${text}' for '${entry.key}': write a whole number.`);
      }
      return;
    }
    case 'priority': {
      const text = checkScalarValue(item, entry, true, error);
      if (text !== undefined && !findPriority(text)) {
        const names = catalog.priorities.map((p) => p.name);
        const hint = didYouMean(suggest(text, names, 1));
        error(entry.valueSpan, `Invalid priority '${text}'. Use one of ${names.join(', ')} (any case, or 'info').${hint}`);
      }
      return;
    }
    case 'sequence':
      checkSequenceOfScalars(item, entry, error);
      return;
    case 'override':
      checkOverride(item, entry, error);
      return;
    default:
      return;
  }
}

function checkSequenceOfScalars(item: RulesItem, entry: ItemEntry, error: ErrorSink): void {
  if (entry.value === null || !isSeq(entry.value)) {
    error(entry.value === null ? entry.keySpan : entry.valueSpan, `Value for '${entry.key}' is not a sequence: write a YAML list, such as '${entry.key}: [a, b]'.`);
    return;
  }
  for (const element of entry.value.items) {
    const node = element as YamlNode | null;
    // yaml-cpp's decode_seq rejects empty elements too: a null is not a scalar to it.
    if (!node || !isScalar(node) || node.value === null) {
      error(node ? item.spanOf(node) : entry.valueSpan, `Each element of '${entry.key}' must be a non-empty scalar (sequence value is not scalar). Remove the empty or nested element.`);
    }
  }
}

function checkOverride(item: RulesItem, entry: ItemEntry, error: ErrorSink): void {
  if (entry.value === null || !isMap(entry.value)) {
    error(entry.value === null ? entry.keySpan : entry.valueSpan, "Value for 'override' must be a map from keys to 'append' or 'replace', such as 'override: { condition: append }'.");
    return;
  }
  const kind = item.kind!;
  for (const pair of entry.value.items) {
    if (!isScalar(pair.key)) continue;
    const key = String((pair.key as Scalar).value);
    const def = findKey(kind, key);
    const operation = isScalar(pair.value) ? scalarText(item, pair.value as YamlNode) : undefined;
    const keySpan = item.spanOf(pair.key as Scalar);
    const opSpan = pair.value ? item.spanOf(pair.value as YamlNode) : keySpan;
    const allowed = def?.override ?? [];
    if (operation !== 'append' && operation !== 'replace') {
      error(opSpan, `Invalid override operation for key '${key}': '${operation ?? ''}'. Allowed values are: ${allowed.join(', ') || 'none'}.`);
    } else if (allowed.length === 0) {
      error(keySpan, `Key '${key}' cannot be ${operation === 'append' ? 'appended to' : 'replaced'} in a ${kind}.`);
    } else if (!allowed.includes(operation)) {
      error(opSpan, operation === 'append' ? `Key '${key}' cannot be appended to, use 'replace' instead.` : `Key '${key}' cannot be replaced.`);
    } else if (!item.get(key)) {
      error(keySpan, `An ${operation} override for '${key}' was specified but '${key}' is not defined. Add '${key}:' to this ${kind}.`);
    }
  }
  if (kind === 'rule') {
    for (const other of item.entries) {
      const def = findKey(kind, other.key);
      if (!def?.override) continue;
      const named = entry.value.items.some((pair) => isScalar(pair.key) && (pair.key as Scalar).value === other.key);
      if (!named) error(other.keySpan, `Unexpected key '${other.key}': no corresponding entry under 'override' is defined. Add '${other.key}: append' or '${other.key}: replace' under 'override'.`);
    }
  }
}

function checkEngineVersion(item: RulesItem, entry: ItemEntry, error: ErrorSink): void {
  const text = checkScalarValue(item, entry, true, error);
  if (text === undefined) return;
  if (/^\s*\+?[0-9]+\s*$/.test(text)) return;
  if (!/^\s*[0-9]+\.[0-9]+\.[0-9]+/.test(text)) {
    error(entry.valueSpan, `Unable to parse engine version '${text}' as a semver string. Expected "x.y.z" semver format, such as '0.57.0'.`);
  }
}

function checkPluginVersions(item: RulesItem, entry: ItemEntry, error: ErrorSink): void {
  if (entry.value === null || !isSeq(entry.value)) {
    error(entry.value === null ? entry.keySpan : entry.valueSpan, "Value of required_plugin_versions must be a sequence of '{name, version}' entries.");
    return;
  }
  for (const element of entry.value.items) {
    const node = element as YamlNode | null;
    if (!node || !isMap(node)) {
      error(entry.valueSpan, "Plugin version must be a mapping with 'name' and 'version'.");
      continue;
    }
    for (const key of ['name', 'version']) {
      const pair = node.items.find((p) => isScalar(p.key) && (p.key as Scalar).value === key);
      if (!pair) error(entry.valueSpan, `Item has no mapping for key '${key}' in a required_plugin_versions entry.`);
      else if (key === 'version') {
        const version = isScalar(pair.value) ? scalarText(item, pair.value as YamlNode) : undefined;
        if (version === undefined || !/^[0-9]+\.[0-9]+\.[0-9]+/.test(version)) {
          error(entry.valueSpan, `Invalid required version '${version ?? ''}' for a plugin: write it as x.y.z.`, 'LOAD_ERR_VALIDATE');
        }
      }
    }
  }
}
