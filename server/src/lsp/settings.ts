/**
 * The `falco.*` settings as the server uses them, normalised with defaults so
 * that whatever the client sends (even null or values of the wrong type)
 * becomes a complete object, and turned into the core's options.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolveLimits } from '../core';
import type { Limits, Severity, WorkspaceOptions } from '../core';
import { parseVersion } from '../core/analysis/environment';

export type BaseRuleset = 'bundled' | 'none' | 'files';

export interface ServerSettings {
  /** Rules loaded before the workspace's: the bundled falco_rules.yaml, none, or `baseRulesetFiles`. Default `bundled`. */
  baseRuleset: BaseRuleset;
  /** Base rules files for `baseRuleset: files`, absolute or relative to the first workspace folder. */
  baseRulesetFiles: string[];
  /** Target engine version as x.y.z; empty for the default (0.62.0, Falco 0.44.x). */
  engineVersion: string;
  /** Loaded plugins as `name` or `name@x.y.z`; empty for the default (container plus declared plugins). */
  plugins: string[];
  /** Files and folders in load order, absolute or relative to the first workspace folder; empty to sort by path. */
  loadOrder: string[];
  /** Severity per diagnostic code (`error`, `warning`, `info`, `hint` or `off`). */
  severity: Record<string, Severity | 'off'>;
  /** `falco.trace.server`: the client traces the protocol, and the server logs each request it handles with its duration. */
  trace: TraceLevel;
  /** `falco.limits.*`: limits on the input the server analyses, each defaulted as in the core's DEFAULT_LIMITS. */
  limits: Limits;
}

export type TraceLevel = 'off' | 'messages' | 'verbose';
const TRACE_LEVELS = new Set(['off', 'messages', 'verbose']);

const SEVERITIES = new Set(['error', 'warning', 'info', 'hint', 'off']);
const BASE_RULESETS = new Set<BaseRuleset>(['bundled', 'none', 'files']);

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : []);

export function normalizeSettings(raw: Record<string, unknown> | null | undefined): ServerSettings {
  const severity: Record<string, Severity | 'off'> = {};
  if (raw?.severity && typeof raw.severity === 'object' && !Array.isArray(raw.severity)) {
    for (const [code, level] of Object.entries(raw.severity as Record<string, unknown>)) {
      if (typeof level === 'string' && SEVERITIES.has(level)) severity[code] = level as Severity | 'off';
    }
  }
  const baseRuleset = typeof raw?.baseRuleset === 'string' && BASE_RULESETS.has(raw.baseRuleset as BaseRuleset) ? (raw.baseRuleset as BaseRuleset) : 'bundled';
  return {
    baseRuleset,
    baseRulesetFiles: strings(raw?.baseRulesetFiles),
    engineVersion: typeof raw?.engineVersion === 'string' && parseVersion(raw.engineVersion) ? raw.engineVersion.trim() : '',
    plugins: strings(raw?.plugins).filter((p) => /^[A-Za-z0-9_.-]+(?:@[0-9]+\.[0-9]+\.[0-9]+.*)?$/.test(p.trim())),
    loadOrder: strings(raw?.loadOrder),
    severity,
    trace: readTrace(raw?.trace),
    limits: resolveLimits(raw?.limits && typeof raw.limits === 'object' ? (raw.limits as Partial<Limits>) : undefined),
  };
}

/**
 * Options a client sends in `initializationOptions` next to the `falco.*`
 * settings. The server reads them once, at `initialize`.
 */
export interface ClientOptions {
  /**
   * Whether completion offers the PCI-DSS rule templates. Default true. The
   * VS Code client sends false because the extension's snippet file offers
   * the same templates.
   */
  pciTemplateCompletion: boolean;
}

/** Reads the client options from `initializationOptions`; a missing or non-boolean value keeps the default. */
export function readClientOptions(raw: unknown): ClientOptions {
  const value = raw && typeof raw === 'object' ? (raw as { pciTemplateCompletion?: unknown }).pciTemplateCompletion : undefined;
  return { pciTemplateCompletion: typeof value === 'boolean' ? value : true };
}

function readTrace(raw: unknown): TraceLevel {
  const level = raw && typeof raw === 'object' ? (raw as { server?: unknown }).server : undefined;
  return typeof level === 'string' && TRACE_LEVELS.has(level) ? (level as TraceLevel) : 'off';
}

/** Resolves a setting's path against the first workspace folder and returns its file URI. */
export function toFileUri(entry: string, rootUri: string | undefined): string {
  if (/^[a-z][a-z0-9+.-]+:/i.test(entry) && !isAbsolute(entry)) return entry;
  const root = rootUri?.startsWith('file:') ? fileURLToPath(rootUri) : undefined;
  const path = isAbsolute(entry) || !root ? entry : resolve(root, entry);
  return pathToFileURL(path).toString();
}

/**
 * Turns settings into core options. `readBase` reads a base rules file by URI
 * and returns undefined when it cannot (the caller logs why).
 */
export function toWorkspaceOptions(settings: ServerSettings, rootUri: string | undefined, readBase: (uri: string) => string | undefined = () => undefined): WorkspaceOptions {
  const options: WorkspaceOptions = { useDefaultRules: settings.baseRuleset !== 'none' };
  if (settings.baseRuleset === 'files') {
    options.baseRules = [];
    for (const entry of settings.baseRulesetFiles) {
      const uri = toFileUri(entry, rootUri);
      const text = readBase(uri);
      if (text !== undefined) options.baseRules.push({ uri, text });
    }
  }
  if (settings.engineVersion) options.engineVersion = settings.engineVersion;
  if (settings.plugins.length) {
    options.plugins = settings.plugins.map((spec) => {
      const [name, version] = spec.trim().split('@');
      return version ? { name: name!, version } : { name: name! };
    });
  }
  // Without an explicit order, files load sorted by path.
  options.loadOrder = settings.loadOrder.map((entry) => toFileUri(entry, rootUri));
  if (Object.keys(settings.severity).length) options.severityOverrides = settings.severity;
  options.limits = settings.limits;
  return options;
}
