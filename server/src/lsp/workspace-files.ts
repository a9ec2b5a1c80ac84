/**
 * Finds the rules files of the workspace folders, so that macros and lists
 * of files the editor has not opened are known too. A file counts when its
 * name matches the falco-rules patterns or its first item is a rule, macro,
 * list or required_engine_version.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { looksLikeFalcoRules } from '../core/detect';
import { isRuleTestsFileName } from '../core/rule-tests/format';
import { compareStrings } from '../core/util/compare';

/** Folders never searched: dependencies, version control, build output. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.hg', '.svn', 'out', 'dist', '.vscode-test']);
/** Limits that keep a huge workspace from stalling the server; files beyond them are not indexed. */
const MAX_FILES = 5000;
const MAX_FILE_BYTES = 10 * 1024 * 1024;
const NAME_PATTERN = /(?:_rules|\.falco)\.ya?ml$/;

export function isRulesFileName(path: string): boolean {
  if (isRuleTestsFileName(path)) return false;
  return NAME_PATTERN.test(path) || /[\\/]rules\.d[\\/][^\\/]+\.ya?ml$/.test(path);
}

/** Reads `path` when it is a rules file of acceptable size; undefined otherwise. */
export function readRulesFileIfAny(path: string): string | undefined {
  if (!/\.ya?ml$/.test(path) || isRuleTestsFileName(path)) return undefined;
  const stats = statSync(path);
  if (!stats.isFile() || stats.size > MAX_FILE_BYTES) return undefined;
  const text = readFileSync(path, 'utf8');
  return isRulesFileName(path) || looksLikeFalcoRules(text) ? text : undefined;
}

/**
 * Lists the rules files under `root`, sorted by path. `onError` receives the
 * folders and files that could not be read; the search goes on without them.
 */
export function findRulesFiles(root: string, onError: (path: string, error: unknown) => void): Array<{ path: string; text: string }> {
  const found: Array<{ path: string; text: string }> = [];
  const pending = [root];
  while (pending.length && found.length < MAX_FILES) {
    const folder = pending.pop()!;
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      onError(folder, error);
      continue;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith('.')) pending.push(path);
        continue;
      }
      if (!entry.isFile()) continue;
      try {
        const text = readRulesFileIfAny(path);
        if (text !== undefined) found.push({ path, text });
      } catch (error) {
        onError(path, error);
      }
      if (found.length >= MAX_FILES) break;
    }
  }
  return found.sort((a, b) => compareStrings(a.path, b.path));
}
