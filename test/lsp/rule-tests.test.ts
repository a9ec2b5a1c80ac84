/** The language server on rule test files: diagnostics and the run request, over stdio. */
import * as assert from 'node:assert/strict';
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

  it('runs cases with their explanation', async () => {
    const results = (await client.connection.sendRequest('falco/ruleTests/run', { uri: TESTS_URI, names: ['fires', 'misses'] })) as RunResult[];
    assert.deepEqual(results.map((r) => [r.name, r.outcome, r.actual]), [['fires', 'pass', 'match'], ['misses', 'fail', 'no_match']]);
    const first = results[1]!.explanation!.children[0]!;
    assert.deepEqual([first.text, first.value, first.location!.uri, first.location!.range.start.line], ['container.id != host', false, RULES_URI, 2]);
  });
});
