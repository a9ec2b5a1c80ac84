/**
 * The Falco a rules file is checked for: its engine version and the plugins
 * it has loaded. Falco compares `required_engine_version` with its engine
 * version (libs userspace/libsinsp/version.h `compatible_with`: same major,
 * and at least the required version), and checks `required_plugin_versions`
 * against its loaded plugins after all files are loaded (falco
 * userspace/engine/falco_engine.cpp `check_plugin_requirements`).
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node as YamlNode, Pair, Scalar, YAMLMap } from 'yaml';
import type { Diagnostic } from '../types';
import type { RulesDocument, RulesItem } from '../document/model';
import { catalog } from '../catalog';

export type Version = [number, number, number];

/** Engine version of Falco 0.44.x (falco userspace/engine/falco_engine_version.h at tag 0.44.1). */
export const DEFAULT_ENGINE_VERSION = '0.62.0';

/** Plugins Falco's packaged configuration loads: the container plugin, at the version bundled with Falco 0.44.x. */
export const DEFAULT_PLUGINS: ReadonlyArray<{ name: string; version: string }> = [{ name: 'container', version: '0.7.1' }];

export interface PluginSpec {
  name: string;
  /** Loaded version; undefined satisfies every requirement. */
  version?: string;
}

export interface EnvironmentOptions {
  /** Target engine version as x.y.z. Default: 0.62.0 (Falco 0.44.x). */
  engineVersion?: string;
  /**
   * The plugins loaded, exactly. When absent, the container plugin plus every
   * plugin a checked file declares in `required_plugin_versions` count as loaded,
   * since a file that declares a plugin is meant to run with it.
   */
  plugins?: PluginSpec[];
}

/**
 * Reads a version as Falco's engine-version check does: `%u.%u.%u`, trailing
 * text ignored (`1.2.3-rc1` is 1.2.3; `0.26` and `v1.2.3` are not versions).
 */
export function parseVersion(text: string): Version | undefined {
  const match = /^\s*\+?([0-9]+)\.\s*\+?([0-9]+)\.\s*\+?([0-9]+)/.exec(text);
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** True when `have` satisfies `required`: same major version and not older. */
export function isCompatible(have: Version, required: Version): boolean {
  if (have[0] !== required[0]) return false;
  if (have[1] !== required[1]) return have[1] > required[1];
  return have[2] >= required[2];
}

const formatVersion = (v: Version) => v.join('.');

export class LoadEnvironment {
  readonly engineVersion: Version;
  /** Loaded plugins by name. */
  readonly plugins = new Map<string, Version | undefined>();
  /** True when the user named the loaded plugins, so unmet requirements are reported. */
  readonly explicitPlugins: boolean;
  private readonly pluginBySource = new Map(catalog.sources.map((s) => [s.name, s.plugin]));

  constructor(options: EnvironmentOptions, documents: readonly RulesDocument[]) {
    this.engineVersion = parseVersion(options.engineVersion ?? DEFAULT_ENGINE_VERSION) ?? parseVersion(DEFAULT_ENGINE_VERSION)!;
    this.explicitPlugins = options.plugins !== undefined;
    const plugins = options.plugins ?? [...DEFAULT_PLUGINS, ...declaredPlugins(documents)];
    for (const plugin of plugins) {
      this.plugins.set(plugin.name, plugin.version === undefined ? undefined : parseVersion(plugin.version));
    }
  }

  pluginLoaded(name: string): boolean {
    return this.plugins.has(name);
  }

  /** True for `syscall` and for every source whose plugin is loaded. */
  sourceLoaded(source: string): boolean {
    if (source === 'syscall') return true;
    const plugin = this.pluginBySource.get(source);
    return plugin !== undefined && this.pluginLoaded(plugin);
  }

  /** Returns the loaded sources, for suggestions. */
  loadedSources(): string[] {
    return catalog.sources.map((s) => s.name).filter((s) => this.sourceLoaded(s));
  }

  /** LOAD_ERR_VALIDATE when the file needs a newer (or another major) engine. */
  checkEngineRequirement(item: RulesItem): Diagnostic[] {
    const entry = item.get('required_engine_version');
    if (!entry?.value || !isScalar(entry.value)) return [];
    const text = item.scalarValue(entry.value as Scalar).trim();
    // A plain number N means 0.N.0 (falco rule_loader_reader.cpp reads it as an unsigned integer first).
    const required = /^\+?[0-9]+$/.test(text) ? ([0, Number(text), 0] as Version) : parseVersion(text);
    if (!required || isCompatible(this.engineVersion, required)) return [];
    return [{
      span: entry.valueSpan,
      severity: 'error',
      code: 'LOAD_ERR_VALIDATE',
      message: `Rules require engine version ${formatVersion(required)}, but engine version is ${formatVersion(this.engineVersion)}. Check the file with a newer target engine version, or run it on a Falco whose engine is at least ${formatVersion(required)}.`,
    }];
  }

  /** Unmet plugin requirements, reported only when the loaded plugins were named exactly. */
  checkPluginRequirements(item: RulesItem): Diagnostic[] {
    const entry = item.get('required_plugin_versions');
    if (!this.explicitPlugins || !entry?.value || !isSeq(entry.value)) return [];
    const problems: Diagnostic[] = [];
    for (const element of entry.value.items) {
      const requirement = element as YamlNode | null;
      if (!requirement || !isMap(requirement)) continue;
      const alternatives = [readRequirement(item, requirement), ...readAlternatives(item, requirement)].filter((r) => r !== undefined);
      const satisfied = alternatives.some((r) => {
        if (!this.plugins.has(r.name)) return false;
        const loaded = this.plugins.get(r.name);
        const required = parseVersion(r.version);
        return loaded === undefined || required === undefined || isCompatible(loaded, required);
      });
      if (satisfied || alternatives.length === 0) continue;
      const alternativesText = alternatives.map((r) => `${r.name} (>= ${r.version})`).join(', ');
      problems.push({
        span: item.spanOf(requirement),
        severity: 'error',
        code: 'LOAD_ERR_VALIDATE',
        message: `Plugin requirement not satisfied, must load one of: ${alternativesText}. Load the plugin in Falco (and name it among the loaded plugins here), or remove the requirement.`,
      });
    }
    return problems;
  }
}

interface Requirement {
  name: string;
  version: string;
}

function mapValue(map: YAMLMap, key: string): YamlNode | undefined {
  const pair = map.items.find((p: Pair) => isScalar(p.key) && (p.key as Scalar).value === key);
  return (pair?.value as YamlNode | null | undefined) ?? undefined;
}

function readRequirement(item: RulesItem, map: YAMLMap): Requirement | undefined {
  const name = mapValue(map, 'name');
  const version = mapValue(map, 'version');
  if (!name || !isScalar(name) || !version || !isScalar(version)) return undefined;
  return { name: item.scalarValue(name as Scalar), version: item.scalarValue(version as Scalar) };
}

function readAlternatives(item: RulesItem, map: YAMLMap): Array<Requirement | undefined> {
  const alternatives = mapValue(map, 'alternatives');
  if (!alternatives || !isSeq(alternatives)) return [];
  return alternatives.items.map((node) => (isMap(node) ? readRequirement(item, node as YAMLMap) : undefined));
}

const requirementItems = new WeakMap<RulesDocument, RulesItem[]>();

/** The `required_plugin_versions` items of a file, found once per version of the file. */
function requirementItemsOf(document: RulesDocument): RulesItem[] {
  let items = requirementItems.get(document);
  if (!items) {
    items = document.items.filter((item) => item.kind === 'required_plugin_versions');
    requirementItems.set(document, items);
  }
  return items;
}

/** Every plugin the documents declare, with the highest version required of it. */
function declaredPlugins(documents: readonly RulesDocument[]): PluginSpec[] {
  const declared = new Map<string, string>();
  for (const document of documents) {
    for (const item of requirementItemsOf(document)) {
      const entry = item.get('required_plugin_versions');
      if (!entry?.value || !isSeq(entry.value)) continue;
      for (const element of entry.value.items) {
        if (!isMap(element)) continue;
        for (const requirement of [readRequirement(item, element as YAMLMap), ...readAlternatives(item, element as YAMLMap)]) {
          if (!requirement) continue;
          const previous = declared.get(requirement.name);
          const newer = previous === undefined || compareVersions(requirement.version, previous) > 0;
          declared.set(requirement.name, newer ? requirement.version : previous);
        }
      }
    }
  }
  return [...declared].map(([name, version]) => ({ name, version }));
}

function compareVersions(a: string, b: string): number {
  const va = parseVersion(a) ?? [0, 0, 0];
  const vb = parseVersion(b) ?? [0, 0, 0];
  return va[0] - vb[0] || va[1] - vb[1] || va[2] - vb[2];
}
