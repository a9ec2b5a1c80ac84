/**
 * The `falco.*` settings as the server uses them, normalised with defaults so
 * that whatever the client sends (even null or values of the wrong type)
 * becomes a complete object.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkspaceOptions } from '../core';
import { parseVersion } from '../core/analysis/environment';

export interface ServerSettings {
  /** Load the bundled falco_rules.yaml before the workspace's files. Default true. */
  useDefaultRules: boolean;
  /** Target engine version as x.y.z; empty for the default (0.62.0, Falco 0.44.x). */
  engineVersion: string;
  /** Loaded plugins as `name` or `name@x.y.z`; empty for the default (container plus declared plugins). */
  plugins: string[];
  /** Files and folders in load order, absolute or relative to the first workspace folder; empty to sort by path. */
  loadOrder: string[];
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : []);

export function normalizeSettings(raw: Partial<Record<keyof ServerSettings, unknown>> | null | undefined): ServerSettings {
  return {
    useDefaultRules: typeof raw?.useDefaultRules === 'boolean' ? raw.useDefaultRules : true,
    engineVersion: typeof raw?.engineVersion === 'string' && parseVersion(raw.engineVersion) ? raw.engineVersion.trim() : '',
    plugins: strings(raw?.plugins).filter((p) => /^[A-Za-z0-9_.-]+(?:@[0-9]+\.[0-9]+\.[0-9]+.*)?$/.test(p.trim())),
    loadOrder: strings(raw?.loadOrder),
  };
}

/** Turns settings into core options; `rootUri` resolves relative load-order entries. */
export function toWorkspaceOptions(settings: ServerSettings, rootUri: string | undefined): WorkspaceOptions {
  const options: WorkspaceOptions = { useDefaultRules: settings.useDefaultRules };
  if (settings.engineVersion) options.engineVersion = settings.engineVersion;
  if (settings.plugins.length) {
    options.plugins = settings.plugins.map((spec) => {
      const [name, version] = spec.trim().split('@');
      return version ? { name: name!, version } : { name: name! };
    });
  }
  const root = rootUri?.startsWith('file:') ? fileURLToPath(rootUri) : undefined;
  const entries = settings.loadOrder.map((entry) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(entry) && !isAbsolute(entry)) return entry;
    const path = isAbsolute(entry) || !root ? entry : resolve(root, entry);
    return pathToFileURL(path).toString();
  });
  // Without an explicit order, files load sorted by path.
  options.loadOrder = entries;
  return options;
}
