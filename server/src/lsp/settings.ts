/**
 * The `falco.*` settings as the server uses them, normalised with defaults so
 * that whatever the client sends (even null) becomes a complete object.
 */
export interface ServerSettings {
  /** Load the bundled falco_rules.yaml before the workspace's files. Default true. */
  useDefaultRules: boolean;
}

export function normalizeSettings(raw: Partial<ServerSettings> | null | undefined): ServerSettings {
  return {
    useDefaultRules: typeof raw?.useDefaultRules === 'boolean' ? raw.useDefaultRules : true,
  };
}
