/**
 * The state of every rule after Falco has loaded all files, as far as the
 * PCI DSS coverage report needs it: tags, enabled flag, priority and source,
 * with the items that defined and changed each rule.
 *
 * Follows falco userspace/engine/rule_loader_reader.cpp and
 * rule_loader_collector.cpp (Falco 0.44). A full definition replaces an
 * earlier rule of the same name entirely. `override` appends to or replaces
 * single keys: `tags` may be appended or replaced, `enabled` and `priority`
 * replaced. The deprecated `append: true` appends only the condition and the
 * exceptions. A rule item with none of condition, output, desc and priority
 * sets only `enabled` of the earlier rule.
 *
 * NOTE: Falco's own configuration can also enable or disable rules (the
 * `rules:` section of falco.yaml and `-o` options); rules files cannot show
 * that, so it is not considered.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node as YamlNode, Scalar } from 'yaml';
import type { RulesItem } from '../document/model';
import type { Program } from '../analysis/program';
import { isRuleUpdate, parseYamlCppBool, scalarText } from '../checks/structure';

/** One rules item and the file it is written in. */
export interface PlacedItem {
  item: RulesItem;
  uri: string;
}

export interface RuleState {
  name: string;
  /** The full definition in effect: the last one in load order. */
  definition: PlacedItem;
  /** Later items that change the rule (`override`, `append: true`, an item with only `enabled`), in load order. */
  updates: PlacedItem[];
  /** Tags after every update, each once, in the order first written. */
  tags: string[];
  enabled: boolean;
  /** Priority as written; undefined when the item has none or it is not a scalar. */
  priority: string | undefined;
  source: string;
}

export interface RuleStates {
  /** Rules by name, in the load order of their first full definition. */
  rules: Map<string, RuleState>;
  /** Update items whose rule is not defined before them; Falco rejects them. */
  orphanUpdates: PlacedItem[];
}

/** Replays the rule items of a program in load order and returns each rule's final state. */
export function collectRuleStates(program: Program): RuleStates {
  const rules = new Map<string, RuleState>();
  const orphanUpdates: PlacedItem[] = [];
  for (const file of program.files) {
    const uri = file.document.uri;
    for (const item of file.document.items) {
      if (item.kind !== 'rule' || item.name === undefined) continue;
      const placed = { item, uri };
      const previous = rules.get(item.name);
      if (!isRuleUpdate(item) && hasRuleBody(item)) {
        // A redefinition keeps the rule's place in the order (Map.set keeps the key's position) but nothing else.
        rules.set(item.name, defineRule(item.name, placed));
        continue;
      }
      if (!previous) {
        orphanUpdates.push(placed);
        continue;
      }
      applyUpdate(previous, placed);
    }
  }
  return { rules, orphanUpdates };
}

/** Returns the tags of an item that are scalars, as Falco decodes them. */
export function itemTags(item: RulesItem): string[] {
  const node = item.get('tags')?.value;
  if (!node || !isSeq(node)) return [];
  const tags: string[] = [];
  for (const element of node.items) {
    const text = scalarText(item, element as YamlNode);
    if (text !== undefined && text !== '') tags.push(text);
  }
  return tags;
}

function hasRuleBody(item: RulesItem): boolean {
  return ['condition', 'output', 'desc', 'priority'].some((key) => item.get(key) !== undefined);
}

function defineRule(name: string, placed: PlacedItem): RuleState {
  const { item } = placed;
  const source = scalarText(item, item.get('source')?.value);
  return {
    name,
    definition: placed,
    updates: [],
    tags: [...new Set(itemTags(item))],
    enabled: readBool(item, 'enabled') ?? true,
    priority: scalarText(item, item.get('priority')?.value),
    source: source === undefined || source === '' ? 'syscall' : source,
  };
}

function applyUpdate(state: RuleState, placed: PlacedItem): void {
  const { item } = placed;
  state.updates.push(placed);
  if (!isRuleUpdate(item)) {
    // An item with only `enabled`.
    state.enabled = readBool(item, 'enabled') ?? state.enabled;
    return;
  }
  // `append: true` changes only the condition and the exceptions.
  const operations = overrideOperations(item);
  const tagOperation = operations.get('tags');
  if (tagOperation === 'append') state.tags = [...new Set([...state.tags, ...itemTags(item)])];
  else if (tagOperation === 'replace') state.tags = [...new Set(itemTags(item))];
  if (operations.get('enabled') === 'replace') state.enabled = readBool(item, 'enabled') ?? state.enabled;
  if (operations.get('priority') === 'replace') state.priority = scalarText(item, item.get('priority')?.value) ?? state.priority;
}

/** Reads the `override` map of an item: key to `append` or `replace`; other values are left out. */
function overrideOperations(item: RulesItem): Map<string, 'append' | 'replace'> {
  const operations = new Map<string, 'append' | 'replace'>();
  const node = item.get('override')?.value;
  if (!node || !isMap(node)) return operations;
  for (const pair of node.items) {
    if (!isScalar(pair.key) || !isScalar(pair.value)) continue;
    const operation = (pair.value as Scalar).value;
    if (operation === 'append' || operation === 'replace') operations.set(String((pair.key as Scalar).value), operation);
  }
  return operations;
}

function readBool(item: RulesItem, key: string): boolean | undefined {
  const text = scalarText(item, item.get(key)?.value);
  return text === undefined ? undefined : parseYamlCppBool(text);
}
