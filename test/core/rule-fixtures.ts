/**
 * Reads the `condition` and `output` strings of every item in the official
 * rules files under test/fixtures/official, and of the seed case files.
 * Loads only `yaml`, so parser tests do not depend on the rest of the core.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The repository root, from out/tsc/test/core/ or test/core/. */
const ROOT = path.join(__dirname, __dirname.includes(path.join('out', 'tsc')) ? '../../../..' : '../..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');

export interface ItemText {
  /** `file: item name`, for assertion messages. */
  where: string;
  text: string;
}

/** Returns every string value of `key` in the items of the YAML file `relativePath` under test/fixtures. */
export function itemStrings(relativePath: string, key: 'condition' | 'output'): ItemText[] {
  const source = fs.readFileSync(path.join(FIXTURES, relativePath), 'utf8');
  const found: ItemText[] = [];
  for (const document of parseAllDocuments(source)) {
    const items: unknown = document.toJS();
    if (!Array.isArray(items)) continue;
    for (const item of items) {
      if (typeof item !== 'object' || item === null) continue;
      const record = item as Record<string, unknown>;
      const value = record[key];
      if (typeof value !== 'string') continue;
      const name = record.rule ?? record.macro ?? record.list ?? '?';
      found.push({ where: `${relativePath}: ${String(name)}`, text: value });
    }
  }
  return found;
}

/** Lists the official rules files, as paths under test/fixtures. */
export function officialRuleFiles(): string[] {
  const official = path.join(FIXTURES, 'official');
  return fs.readdirSync(official, { withFileTypes: true }).flatMap((entry) => {
    if (!entry.isDirectory()) return [];
    return fs
      .readdirSync(path.join(official, entry.name))
      .filter((name) => name.endsWith('.yaml'))
      .map((name) => `official/${entry.name}/${name}`);
  });
}
