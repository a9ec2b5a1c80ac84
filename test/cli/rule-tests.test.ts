import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, ROOT } from '../helpers';
import { findRulesFiles, isRulesFileName, readRulesFileIfAny } from '../../server/src/lsp/workspace-files';
import { looksLikeFalcoRules } from '../../server/src/core/detect';

const CLI = join(ROOT, 'out', 'cli.js');
const RULE_TESTS = join(FIXTURES, 'rule-tests');

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonResult {
  file: string;
  line: number;
  name: string;
  rule: string | null;
  expected: string | null;
  actual: string | null;
  outcome: string;
  message?: string;
  explanation?: { kind: string; text: string; value: boolean; file?: string; line?: number; children: Array<{ text: string; value: boolean; fieldValue?: string }> };
}

const TEST_FILE = `tests:
  - name: shell fires
    rule: r
    event: { proc.name: bash, proc.pname: sshd }
    expect: match
  - name: missed
    rule: r
    event: { proc.name: python, proc.pname: sshd }
    expect: match
`;
const RULES = '- rule: r\n  desc: d\n  condition: proc.name in (bash, sh) and proc.pname = sshd\n  output: o\n  priority: WARNING\n';

function tempFolder(): string {
  return mkdtempSync(join(tmpdir(), 'falco-rule-tests-'));
}

describe('falco-pci test', () => {
  it('passes the seed fixtures', () => {
    const result = run('test', RULE_TESTS);
    assert.equal(result.status, 0, result.stdout);
    assert.match(result.stderr, /^(?:1[6-9]|[2-9][0-9]|[0-9]{3}) passed, 0 failed, 0 could not run\n$/);
  });

  it('shows the case the seed rule missed', () => {
    const result = run('test', '--format', 'json', join(RULE_TESTS, 'seed-original.falco-tests.yaml'));
    const parsed = JSON.parse(result.stdout) as { results: JsonResult[] };
    const missed = parsed.results[0]!;
    assert.equal(missed.actual, 'no_match');
    const children = missed.explanation!.children;
    assert.deepEqual(children.map((c) => [c.text, c.value]), [
      ['container', true],
      ['evt.type = "open"', false],
      ['evt.arg.pathname contains "/data/cards" or evt.arg.pathname contains "/app/secrets"', false],
    ]);
    assert.equal(children[1]!.fieldValue, 'openat');
  });

  it('prints the explanation of a failure and exits 1', () => {
    const folder = tempFolder();
    writeFileSync(join(folder, 'pci_rules.yaml'), RULES);
    writeFileSync(join(folder, 'pci.falco-tests.yaml'), `rules: [pci_rules.yaml]\n${TEST_FILE}`);
    const result = run('test', join(folder, 'pci.falco-tests.yaml'));
    assert.equal(result.status, 1);
    const lines = result.stdout.split('\n');
    assert.match(lines[0]!, /^PASS  .*pci\.falco-tests\.yaml:3 shell fires \(rule 'r'\)$/);
    assert.match(lines[1]!, /^FAIL  .*pci\.falco-tests\.yaml:7 missed \(rule 'r'\): Expected match, but the rule did not match\.$/);
    assert.match(lines[2]!, /^ {4}false proc\.name in \(bash, sh\) and proc\.pname = sshd \(.*pci_rules\.yaml:3\)$/);
    assert.match(lines[3]!, /^ {6}false proc\.name in \(bash, sh\) \[proc\.name = python\]/);
    assert.match(lines[4]!, /^ {6}true  proc\.pname = sshd \[proc\.pname = sshd\]/);
    assert.equal(result.stderr, '1 passed, 1 failed, 0 could not run\n');
  });

  it('loads --rules for files without a rules list', () => {
    const folder = tempFolder();
    writeFileSync(join(folder, 'pci_rules.yaml'), RULES);
    writeFileSync(join(folder, 'pci.falco-tests.yaml'), TEST_FILE);
    const result = run('test', '--format', 'json', '--rules', folder, folder);
    const parsed = JSON.parse(result.stdout) as { results: JsonResult[]; passed: number; failed: number; errors: number };
    assert.deepEqual([parsed.passed, parsed.failed, parsed.errors], [1, 1, 0]);
    assert.equal(parsed.results[1]!.explanation!.line, 3);
  });

  it('reports an unknown rule as an error', () => {
    const folder = tempFolder();
    writeFileSync(join(folder, 'x.falco-tests.yaml'), 'tests:\n  - name: n\n    rule: nope\n    event: { proc.name: a }\n    expect: match\n');
    const result = run('test', join(folder, 'x.falco-tests.yaml'));
    assert.equal(result.status, 1);
    assert.match(result.stdout, /x\.falco-tests\.yaml:3:11: error No rule named 'nope' is loaded\./);
    assert.match(result.stdout, /ERROR .*x\.falco-tests\.yaml:2 n \(rule 'nope'\): No rule named 'nope' is loaded\./);
  });

  it('rejects an unknown option with status 2', () => {
    const result = run('test', '--bogus', 'x');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /Unknown option '--bogus'/);
  });
});

describe('rule test files are never rules files', () => {
  it('lint skips them in folders', () => {
    const folder = tempFolder();
    writeFileSync(join(folder, 'pci_rules.yaml'), RULES);
    writeFileSync(join(folder, 'pci.falco-tests.yaml'), TEST_FILE);
    const result = run('lint', '--format', 'json', folder);
    assert.equal(result.status, 0);
    const files = (JSON.parse(result.stdout) as Array<{ file: string }>).map((d) => d.file);
    assert.deepEqual(files.filter((file) => file.endsWith('.falco-tests.yaml')), []);
    assert.equal(files.length, 1);
  });

  it('workspace indexing skips them, also under rules.d', () => {
    const folder = tempFolder();
    mkdirSync(join(folder, 'rules.d'));
    writeFileSync(join(folder, 'rules.d', 'pci.yaml'), RULES);
    writeFileSync(join(folder, 'rules.d', 'pci.falco-tests.yaml'), TEST_FILE);
    const found = findRulesFiles(folder, () => undefined).map((f) => f.path.slice(folder.length));
    assert.deepEqual(found, ['/rules.d/pci.yaml']);
    assert.equal(isRulesFileName(join(folder, 'rules.d', 'pci.falco-tests.yaml')), false);
    assert.equal(readRulesFileIfAny(join(folder, 'rules.d', 'pci.falco-tests.yaml')), undefined);
  });

  it('content detection does not take them for rules', () => {
    assert.equal(looksLikeFalcoRules(readFileSync(join(RULE_TESTS, 'seed.falco-tests.yaml'), 'utf8')), false);
  });

  it('the falco-tests language claims their names', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { languages: Array<{ id: string; filenamePatterns?: string[] }> } };
    const tests = manifest.contributes.languages.find((language) => language.id === 'falco-tests')!;
    const rules = manifest.contributes.languages.find((language) => language.id === 'falco-rules')!;
    assert.deepEqual(tests.filenamePatterns, ['*.falco-tests.yaml', '*.falco-tests.yml', '**/*.falco-tests.yaml', '**/*.falco-tests.yml']);
    // VS Code prefers the longest matching pattern, so the test patterns must outrank every rules pattern.
    const longestRules = Math.max(...rules.filenamePatterns!.map((pattern) => pattern.length));
    assert.ok(tests.filenamePatterns!.some((pattern) => pattern.length > longestRules));
  });
});
