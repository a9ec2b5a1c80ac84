// Wraps the official falco_rules.yaml (data/rules/) into a JSON module that the
// language core imports, so the CLI and the server carry it without file I/O.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';

const text = readFileSync('data/rules/falco_rules.yaml', 'utf8');
mkdirSync('server/src/core/default-rules', { recursive: true });
writeFileSync(
  'server/src/core/default-rules/falco_rules.json',
  JSON.stringify({ name: 'falco_rules.yaml', provenance: 'falcosecurity/rules rules/falco_rules.yaml @ c72713ee2e6330195979124de4f656546ad1e0fd, Apache-2.0', text }) + '\n',
);
