/**
 * The diagnostic code table: every code the sources report has an entry, and
 * every entry reads well enough to be shown as SARIF rule help.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DIAGNOSTIC_CODES, describeCode } from '../../server/src/core/codes';
import { RulesWorkspace } from '../../server/src/core';
import { FIXTURES, ROOT } from '../helpers';

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function yamlFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/**
 * Codes written where a diagnostic is built: `code: 'X'`, a default
 * `code = 'X'`, a code next to a severity argument, or the code argument of a
 * reporter's `warning(span, 'X', ...)`.
 */
function codesInSources(): Map<string, string> {
  const code = "'(LOAD_[A-Z]+(?:_[A-Z]+)*|[a-z]+(?:-[a-z0-9]+)+|schema)'";
  const patterns = [
    new RegExp(`\\bcode: ${code}`, 'g'),
    new RegExp(`\\bcode = ${code}`, 'g'),
    new RegExp(`${code}, '(?:error|warning|info|hint)'`, 'g'),
    new RegExp(`'(?:error|warning|info|hint)', ${code}`, 'g'),
    new RegExp(`\\.(?:error|warning|info|hint)\\([^;]*?, ${code}`, 'g'),
  ];
  const found = new Map<string, string>();
  for (const file of sourceFiles(join(ROOT, 'server', 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.set(match[1]!, file);
    // Every whole LOAD_* literal is a Falco code, except a prefix given to startsWith.
    for (const match of text.matchAll(/(?<!startsWith\()'(LOAD_[A-Z]+(?:_[A-Z]+)*)'/g)) found.set(match[1]!, file);
  }
  return found;
}

describe('diagnostic code table', () => {
  it('has every code the sources report', () => {
    const found = codesInSources();
    // The scan must see codes of every kind, or it proves nothing.
    for (const expected of ['LOAD_ERR_COMPILE_OUTPUT', 'LOAD_UNUSED_MACRO', 'evt-type-open-only', 'exception-value-split', 'schema', 'internal-error']) {
      assert.ok(found.has(expected), `scan missed ${expected}`);
    }
    for (const [code, file] of found) assert.ok(describeCode(code), `${code} (in ${file}) has no entry in server/src/core/codes.ts`);
  });

  it('has every code the fixtures produce', () => {
    const files = [...yamlFiles(FIXTURES), join(ROOT, 'examples', 'pci_rules.yaml')];
    const produced = new Set<string>();
    for (const file of files) {
      const workspace = new RulesWorkspace({ useDefaultRules: true });
      workspace.setFile(file, readFileSync(file, 'utf8'));
      for (const d of workspace.diagnostics(file)) produced.add(d.code);
    }
    assert.ok(produced.size >= 5, `only ${[...produced].join(', ')}`);
    for (const code of produced) assert.ok(describeCode(code), `${code} has no entry in server/src/core/codes.ts`);
  });

  it("lists all of Falco's load result codes", () => {
    const falcoCodes = Object.entries(DIAGNOSTIC_CODES).filter(([, info]) => info.falco).map(([code]) => code);
    assert.equal(falcoCodes.length, 22);
    assert.equal(falcoCodes.filter((c) => c.startsWith('LOAD_ERR_')).length, 7);
    for (const code of falcoCodes) assert.match(code, /^LOAD_/);
    for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) assert.equal(code.startsWith('LOAD_'), info.falco !== undefined, code);
  });

  it('entries are complete sentences', () => {
    for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
      assert.ok(info.title.length > 3, `${code} title`);
      assert.ok(!info.title.endsWith('.'), `${code} title`);
      assert.match(info.description, /^[A-Z'"].*\.$/s, `${code} description`);
      // Rule test files are ours alone, so their problems may be errors.
      if (code.startsWith('LOAD_ERR_')) assert.equal(info.severity, 'error', code);
      else if (!code.startsWith('rule-test-')) assert.notEqual(info.severity, 'error', `${code}: only LOAD_ERR_* codes are errors, because Falco loads the rest`);
    }
  });

  it('describeCode ignores inherited names', () => {
    assert.equal(describeCode('toString'), undefined);
    assert.equal(describeCode('LOAD_NO_EVTTYPE')?.title, 'Condition selects too many event types');
  });
});

describe('README code table', () => {
  it('lists every code with its severity and title', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Diagnostic codes\n'));
    const rows = [...section.matchAll(/^\| `([^`]+)` \| (\w+) \| (.+) \|$/gm)].map((m) => ({ code: m[1]!, severity: m[2]!, title: m[3]! }));
    assert.deepEqual(rows.map((r) => r.code), Object.keys(DIAGNOSTIC_CODES));
    for (const row of rows) {
      assert.equal(row.severity, DIAGNOSTIC_CODES[row.code]!.severity, row.code);
      assert.equal(row.title, DIAGNOSTIC_CODES[row.code]!.title, row.code);
    }
  });
});
