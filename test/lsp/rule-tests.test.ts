/** The language server on rule test files: diagnostics and the run request, over stdio. */
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TestClient } from './client';

const RULES_URI = 'file:///work/pci_rules.yaml';
const TESTS_URI = 'file:///work/pci.falco-tests.yaml';
const RULES = '- rule: Shell in container\n  desc: d\n  condition: container.id != host and proc.name in (bash, sh)\n  output: o\n  priority: WARNING\n';
const TESTS = `tests:
  - name: fires
    rule: Shell in container
    event: { container.id: abc, proc.name: bash }
    expect: match
  - name: misses
    rule: Shell in container
    event: { container.id: host, proc.name: bash }
    expect: match
  - name: broken
    rule: Shell in containers
    event: { proc.nme: bash, proc.pid: twelve, fd.sip: 10.0.0.0/8 }
    expect: match
`;

interface RunResult {
  name: string;
  outcome: string;
  actual: string | null;
  explanation: { value: boolean; children: Array<{ text: string; value: boolean; location?: { uri: string; range: { start: { line: number } } } }> } | null;
}

describe('language server: rule test files', function () {
  this.timeout(30000);
  let client: TestClient;

  before(async () => {
    client = new TestClient();
    await client.initialize();
    await client.open(RULES_URI, RULES);
  });

  after(async () => {
    await client.stop();
  });

  it('reports unknown rules, fields and wrong value types at their text', async () => {
    const published = await client.open(TESTS_URI, TESTS);
    const lines = TESTS.split('\n');
    const covered = published.diagnostics.map((d) => [d.code, lines[d.range.start.line]!.slice(d.range.start.character, d.range.end.character)]);
    assert.deepEqual(covered, [
      ['rule-test-unknown-rule', 'Shell in containers'],
      ['rule-test-unknown-field', 'proc.nme'],
      ['rule-test-invalid-value', 'twelve'],
      ['rule-test-invalid-value', '10.0.0.0/8'],
    ]);
  });

  it('keeps test files out of the rules workspace', async () => {
    const symbols = await client.workspaceSymbol('');
    assert.ok(symbols.every((symbol) => symbol.location.uri !== TESTS_URI));
  });

  it('answers rules requests on test files with nothing', async () => {
    const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: TESTS_URI }, position: { line: 3, character: 14 } });
    assert.equal(hover, null);
  });

  it('creates a matching case and a near miss for a rule', async () => {
    const created = (await client.connection.sendRequest('falco/ruleTests/create', { rule: 'Shell in container' })) as { ok: boolean; text: string; verified: boolean };
    assert.equal(created.ok, true);
    assert.equal(created.verified, true);
    assert.equal(created.text, [
      '  - name: Shell in container matches',
      '    rule: Shell in container',
      '    event:',
      '      container.id: other-host',
      '      proc.name: bash',
      '    expect: match',
      '  - name: "Shell in container near miss: other proc.name"',
      '    rule: Shell in container',
      '    event:',
      '      container.id: other-host',
      '      proc.name: other-bash',
      '    expect: no_match',
      '',
    ].join('\n'));
  });

  it('lists cases with their rules', async () => {
    const listed = (await client.connection.sendRequest('falco/ruleTests/list', { uri: TESTS_URI })) as Array<{ name: string; rule: string; range: { start: { line: number } } }>;
    assert.deepEqual(listed.map((c) => [c.name, c.rule, c.range.start.line]), [['fires', 'Shell in container', 1], ['misses', 'Shell in container', 5], ['broken', 'Shell in containers', 9]]);
  });

  it('loads the rules list from disk and reports a missing file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'falco-lsp-rule-tests-'));
    writeFileSync(join(folder, 'other_rules.yaml'), RULES.replace('Shell in container', 'Other rule'));
    const text = 'rules: [other_rules.yaml, missing_rules.yaml]\ntests:\n  - name: n\n    rule: Shell in container\n    event: { proc.name: bash }\n    expect: match\n  - name: m\n    rule: Other rule\n    alert: alerts/missing.json\n    expect: match\n';
    const published = await client.open(pathToFileURL(join(folder, 'x.falco-tests.yaml')).toString(), text);
    const lines = text.split('\n');
    const covered = published.diagnostics.map((d) => [d.code, lines[d.range.start.line]!.slice(d.range.start.character, d.range.end.character)]);
    assert.deepEqual(covered, [
      ['rule-test-unknown-rule', 'Shell in container'],
      ['rule-test-rules-file', 'missing_rules.yaml'],
      ['rule-test-alert-file', 'alerts/missing.json'],
    ]);
    assert.equal(published.diagnostics[2]!.message, "Cannot read 'alerts/missing.json': ENOENT. Check the path, which is relative to this test file.");
  });

  it('runs cases with their explanation', async () => {
    const results = (await client.connection.sendRequest('falco/ruleTests/run', { uri: TESTS_URI, names: ['fires', 'misses'] })) as RunResult[];
    assert.deepEqual(results.map((r) => [r.name, r.outcome, r.actual]), [['fires', 'pass', 'match'], ['misses', 'fail', 'no_match']]);
    const first = results[1]!.explanation!.children[0]!;
    assert.deepEqual([first.text, first.value, first.location!.uri, first.location!.range.start.line], ['container.id != host', false, RULES_URI, 2]);
  });
});
