import * as assert from 'node:assert/strict';
import { RulesWorkspace } from '../../server/src/core';
import { compileRule, evaluateRule, toSampleEvent } from '../../server/src/core/eval';
import { readFixture } from '../helpers';
import { parseRuleTestFile, isRuleTestsFileName } from '../../server/src/core/rule-tests/format';
import { runRuleTests, validateRuleTestFile, parseAlertJson } from '../../server/src/core/rule-tests/run';
import { generateRuleTests } from '../../server/src/core/rule-tests/generate';

function program(...files: string[]) {
  const workspace = new RulesWorkspace({ useDefaultRules: false });
  files.forEach((text, index) => workspace.setFile(`file:///rules/${index}.yaml`, text));
  return workspace.getProgram();
}

function run(files: string[], event: Record<string, unknown>, rule = 'r') {
  const p = program(...files);
  const compiled = compileRule(p, rule);
  if (!compiled.ok) throw new Error(compiled.message);
  return { compiled: compiled.rule, result: evaluateRule(p, compiled.rule, toSampleEvent(event)) };
}

const RULE = '- rule: r\n  desc: d\n  condition: shell and proc.pname = sshd\n  output: o\n  priority: WARNING\n';
const MACRO = '- macro: shell\n  condition: proc.name in (shells)\n- list: shells\n  items: [bash, sh]\n';

describe('evaluator: compiling rules as Falco does', () => {
  it('expands macros and lists', () => {
    const { result } = run([MACRO + RULE], { 'proc.name': 'sh', 'proc.pname': 'sshd' });
    assert.equal(result.matched, true);
    const macro = result.tree.children[0]!;
    assert.equal(macro.kind, 'macro');
    assert.equal(macro.text, 'shell');
    assert.equal(macro.children[0]!.text, 'proc.name in (shells)');
  });

  it('points each node at its file and text', () => {
    const text = MACRO + RULE;
    const { result } = run([text], { 'proc.name': 'sh', 'proc.pname': 'sshd' });
    const check = result.tree.children[1]!;
    assert.equal(check.location!.uri, 'file:///rules/0.yaml');
    assert.equal(text.slice(check.location!.span.start, check.location!.span.end), 'proc.pname = sshd');
    const inMacro = result.tree.children[0]!.children[0]!;
    assert.equal(text.slice(inMacro.location!.span.start, inMacro.location!.span.end), 'proc.name in (shells)');
  });

  it('applies list appends from a later file', () => {
    const append = '- list: shells\n  items: [zsh]\n  override:\n    items: append\n';
    assert.equal(run([MACRO + RULE, append], { 'proc.name': 'zsh', 'proc.pname': 'sshd' }).result.matched, true);
  });

  it('appends a condition with a space, as the collector does', () => {
    // 'a or b' + ' and c' reads as 'a or (b and c)' (rule_loader_collector.cpp append).
    const base = '- rule: r\n  desc: d\n  condition: proc.name = a or proc.name = b\n  output: o\n  priority: WARNING\n';
    const append = '- rule: r\n  condition: and proc.pid = 1\n  override:\n    condition: append\n';
    const { compiled, result } = run([base, append], { 'proc.name': 'a', 'proc.pid': 2 });
    assert.equal(compiled.condition.located.text, 'proc.name = a or proc.name = b and proc.pid = 1');
    assert.equal(result.matched, true);
  });

  it('replaces a condition with override replace', () => {
    const replace = '- rule: r\n  condition: proc.name = zsh\n  override:\n    condition: replace\n';
    const { compiled } = run([MACRO + RULE, replace], {});
    assert.equal(compiled.condition.located.text, 'proc.name = zsh');
    assert.equal(compiled.condition.located.locate({ start: 0, end: 9 })!.uri, 'file:///rules/1.yaml');
  });

  it('applies appended macro conditions', () => {
    const append = '- macro: shell\n  condition: or proc.name = fish\n  append: true\n';
    assert.equal(run([MACRO + RULE, append], { 'proc.name': 'fish', 'proc.pname': 'sshd' }).result.matched, true);
  });

  it('builds exceptions into the condition text', () => {
    const rule = `${MACRO}- rule: r\n  desc: d\n  condition: shell\n  output: o\n  priority: WARNING\n  exceptions:\n    - name: admin\n      fields: [proc.pname, user.name]\n      values:\n        - [sshd, root]\n    - name: tools\n      fields: proc.pname\n      values: [ansible, "salt minion"]\n`;
    const { compiled, result } = run([rule], { 'proc.name': 'bash', 'proc.pname': 'sshd', 'user.name': 'root' });
    assert.equal(compiled.condition.located.text, '(shell) and not (( proc.pname = sshd and user.name = root)) and not (proc.pname in (ansible, "salt minion"))');
    assert.equal(result.matched, false);
    assert.equal(run([rule], { 'proc.name': 'bash', 'proc.pname': 'salt minion' }).result.matched, false);
    assert.equal(run([rule], { 'proc.name': 'bash', 'proc.pname': 'cron' }).result.matched, true);
  });

  it('appends exception values from a later file', () => {
    const rule = `${MACRO}- rule: r\n  desc: d\n  condition: shell\n  output: o\n  priority: WARNING\n  exceptions:\n    - name: tools\n      fields: proc.pname\n      values: [ansible]\n`;
    const append = '- rule: r\n  exceptions:\n    - name: tools\n      values: [cron]\n  override:\n    exceptions: append\n';
    assert.equal(run([rule, append], { 'proc.name': 'bash', 'proc.pname': 'cron' }).result.matched, false);
  });

  it('uses the last full definition', () => {
    const again = '- rule: r\n  desc: d\n  condition: proc.name = zsh\n  output: o\n  priority: WARNING\n';
    assert.equal(run([MACRO + RULE, again], { 'proc.name': 'zsh' }).result.matched, true);
  });

  it('reads enabled: false from an override', () => {
    const disable = '- rule: r\n  enabled: false\n  override:\n    enabled: replace\n';
    assert.equal(run([MACRO + RULE, disable], {}).compiled.enabled, false);
  });

  it('reports an unknown rule', () => {
    const compiled = compileRule(program(RULE), 'missing');
    assert.deepEqual(compiled, { ok: false, message: "No rule named 'missing' is loaded." });
  });

  it('reports an unknown macro as an error node', () => {
    const { result } = run([RULE], { 'proc.pname': 'sshd' });
    assert.equal(result.tree.children[0]!.kind, 'unknown');
    assert.deepEqual(result.errors, ["'shell' is not a macro that this condition can see."]);
  });
});

const TESTS = `rules: [pci_rules.yaml]
tests:
  - name: shell fires
    rule: r
    event: { proc.name: bash, proc.pname: sshd, proc.pid: 12 }
    expect: match
  - name: near miss
    rule: r
    event: { proc.name: bash, proc.pname: cron }
    expect: no_match
  - name: wrong expectation
    rule: r
    event: { proc.name: python, proc.pname: sshd }
    expect: match
  - name: from an alert
    alert: { rule: r, output_fields: { proc.name: sh, proc.pname: sshd, evt.time: 1700000000000 } }
    expect: match
`;

describe('rule test files', () => {
  it('reads cases with their spans', () => {
    const file = parseRuleTestFile('file:///t.falco-tests.yaml', TESTS);
    assert.deepEqual(file.problems, []);
    assert.deepEqual(file.rules!.map((r) => r.value), ['pci_rules.yaml']);
    assert.deepEqual(file.cases.map((c) => c.name), ['shell fires', 'near miss', 'wrong expectation', 'from an alert']);
    const first = file.cases[0]!;
    assert.equal(TESTS.slice(first.rule!.span.start, first.rule!.span.end), 'r');
    assert.deepEqual(first.fields.map((f) => [f.key, f.value]), [['proc.name', 'bash'], ['proc.pname', 'sshd'], ['proc.pid', 12]]);
    assert.equal(file.cases[3]!.alertRule!.value, 'r');
  });

  it('runs cases and reports failures', () => {
    const file = parseRuleTestFile('file:///t.falco-tests.yaml', TESTS);
    const results = runRuleTests(program(MACRO + RULE), file, () => ({ error: 'no files' }));
    assert.deepEqual(results.map((r) => r.outcome), ['pass', 'pass', 'fail', 'pass']);
    assert.equal(results[2]!.message, 'Expected match, but the rule did not match.');
    assert.equal(results[2]!.evaluation!.tree.children[0]!.value, false);
  });

  it('takes alert files through the reader', () => {
    const text = 'tests:\n  - name: alert\n    alert: alerts/a.json\n    expect: match\n';
    const alert = JSON.stringify({ rule: 'r', output: 'x', output_fields: { 'proc.name': 'bash', 'proc.pname': 'sshd' } });
    const results = runRuleTests(program(MACRO + RULE), parseRuleTestFile('file:///t.falco-tests.yaml', text), (path) => (path === 'alerts/a.json' ? parseAlertJson(alert, path) : { error: 'unexpected path' }));
    assert.equal(results[0]!.outcome, 'pass');
  });

  it('reports an alert without output_fields', () => {
    assert.match((parseAlertJson('{"rule": "r"}', 'a.json') as { error: string }).error, /'a\.json' has no 'output_fields' object/);
  });

  it('reports shape problems with exact spans', () => {
    const text = 'tests:\n  - name: x\n    rul: r\n    expect: maybe\n';
    const file = parseRuleTestFile('file:///t.falco-tests.yaml', text);
    const covered = file.problems.map((p) => [text.slice(p.span.start, p.span.end), p.message]);
    assert.deepEqual(covered, [
      ['rul', "Unknown key 'rul' in a test case. Did you mean 'rule'? The keys are name, rule, event, alert, expect."],
      ['maybe', "'expect' is 'match' or 'no_match', not 'maybe'."],
      ['x', "The test case has no 'event' or 'alert': give the event's fields, such as 'event: {evt.type: execve, proc.name: bash}'."],
      ['x', "The test case has no 'rule': name the rule under test."],
    ]);
  });

  it('never throws on broken YAML', () => {
    const file = parseRuleTestFile('file:///t.falco-tests.yaml', 'tests: [\n');
    assert.equal(file.problems[0]!.code, 'rule-test-yaml');
  });

  it('validates rule names, fields and value types', () => {
    const text = `tests:
  - name: v
    rule: rr
    event: { proc.nam: bash, proc.pid: abc, fd.sip: 10.0.0.0/8, fd.snet: 10.1.1.1, ka.user.name: x }
    expect: match
  - name: w
    rule: r
    event: { fd.sport: http, proc.aname: [bash, sshd] }
    expect: match
`;
    const problems = validateRuleTestFile(program(MACRO + RULE), parseRuleTestFile('file:///t.falco-tests.yaml', text));
    assert.deepEqual(problems.map((p) => [p.code, text.slice(p.span.start, p.span.end)]), [
      ['rule-test-unknown-rule', 'rr'],
      ['rule-test-unknown-field', 'proc.nam'],
      ['rule-test-invalid-value', 'abc'],
      ['rule-test-invalid-value', '10.0.0.0/8'],
      ['rule-test-unknown-field', 'ka.user.name'],
      ['rule-test-invalid-value', 'http'],
    ]);
    assert.equal(problems[0]!.message, "No rule named 'rr' is loaded. Did you mean 'r'? Check the name, or add its file to 'rules'.");
    assert.equal(problems[2]!.message, "'abc' is not a number, but proc.pid is numeric (INT64).");
  });
});

describe('rule test file names', () => {
  it('recognises test files', () => {
    assert.equal(isRuleTestsFileName('/w/pci.falco-tests.yaml'), true);
    assert.equal(isRuleTestsFileName('/w/pci.falco-tests.yml'), true);
    assert.equal(isRuleTestsFileName('/w/pci_rules.yaml'), false);
  });
});

describe('generated rule tests', () => {
  it('builds a matching event from the positive branch and a near miss', () => {
    const rules = `${MACRO}- rule: r\n  desc: d\n  condition: shell and fd.snet = 10.0.0.0/8 and fd.sport > 1023 and not proc.pname in (sshd)\n  output: o\n  priority: WARNING\n`;
    const generated = generateRuleTests(program(rules), 'r');
    assert.ok(generated.ok);
    const [match, nearMiss] = generated.cases;
    assert.deepEqual(match!.event, { 'proc.name': 'bash', 'fd.snet': '10.0.0.1', 'fd.sport': 1024 });
    assert.equal(match!.verified, true);
    assert.equal(nearMiss!.expect, 'no_match');
    assert.deepEqual(nearMiss!.event, { 'proc.name': 'bash', 'fd.snet': '198.51.100.250', 'fd.sport': 1024 });
  });

  it('marks an event it could not make match', () => {
    const rules = '- rule: r\n  desc: d\n  condition: proc.name regex "ba.*"\n  output: o\n  priority: WARNING\n';
    const generated = generateRuleTests(program(rules), 'r');
    assert.ok(generated.ok);
    assert.equal(generated.cases.length, 1);
    assert.equal(generated.cases[0]!.verified, false);
    assert.equal(generated.cases[0]!.name, 'r matches (edit the event: it does not match yet)');
  });
});

describe('rule test file robustness', () => {
  it('reports an alias bomb without throwing', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
    const text = `tests:\n  - name: bomb\n    rule: r\n    expect: match\n    event:\n${lines.map((line) => `      ${line}`).join('\n')}\n`;
    const file = parseRuleTestFile('file:///t.falco-tests.yaml', text);
    assert.equal(file.problems.length, 1);
    assert.equal(file.problems[0]!.code, 'rule-test-yaml');
    assert.match(file.problems[0]!.message, /^The test file could not be read \(ReferenceError: Excessive alias count/);
  });
});

describe('rule test file aliases', () => {
  it('resolves an alias to its anchored value', () => {
    const text = 'tests:\n  - name: n\n    rule: r\n    expect: match\n    event:\n      proc.pname: &shell bash\n      proc.name: *shell\n';
    const fields = parseRuleTestFile('file:///t.falco-tests.yaml', text).cases[0]!.fields;
    assert.deepEqual(fields.map((f) => [f.key, f.value]), [['proc.pname', 'bash'], ['proc.name', 'bash']]);
  });
});

describe('evaluator on the official rules', () => {
  const event = toSampleEvent({ 'evt.type': 'execve', 'proc.name': 'bash', 'fd.name': '/etc/shadow', 'fd.sip': '203.0.113.7', 'proc.aname': ['sshd', 'systemd'], 'container.id': 'abc' });
  for (const [folder, name, useDefaultRules] of [['rules', 'falco_rules.yaml', false], ['rules', 'falco-incubating_rules.yaml', true], ['rules', 'falco-sandbox_rules.yaml', true], ['plugin-rules', 'k8s_audit_rules.yaml', false]] as const) {
    it(`compiles and runs every rule of ${name}`, () => {
      const workspace = new RulesWorkspace({ useDefaultRules });
      const uri = `file:///official/${name}`;
      workspace.setFile(uri, readFixture('official', folder, name));
      const p = workspace.getProgram();
      const failures: string[] = [];
      let count = 0;
      for (const item of workspace.getDocument(uri)!.items) {
        if (item.kind !== 'rule' || item.name === undefined) continue;
        const compiled = compileRule(p, item.name);
        if (!compiled.ok) {
          failures.push(`${item.name}: ${compiled.message}`);
          continue;
        }
        count++;
        const result = evaluateRule(p, compiled.rule, event);
        if (result.errors.length) failures.push(`${item.name}: ${result.errors.join(' ')}`);
      }
      assert.deepEqual(failures, []);
      assert.ok(count >= 20, `only ${count} rules`);
    });
  }
});

describe('explanation locations', () => {
  it('points an exception comparison at its values', () => {
    const text = `${MACRO}- rule: r\n  desc: d\n  condition: shell\n  output: o\n  priority: WARNING\n  exceptions:\n    - name: admin\n      fields: [proc.pname, user.name]\n      values:\n        - [sshd, root]\n`;
    const p = program(text);
    const compiled = compileRule(p, 'r');
    assert.ok(compiled.ok);
    const result = evaluateRule(p, compiled.rule, toSampleEvent({ 'proc.name': 'bash', 'proc.pname': 'sshd', 'user.name': 'root' }));
    const row = result.tree.children[1]!.children[0]!;
    assert.deepEqual(row.children.map((check) => [check.text, text.slice(check.location!.span.start, check.location!.span.end)]), [
      ['proc.pname = sshd', '[sshd, root]'],
      ['user.name = root', '[sshd, root]'],
    ]);
  });

  it('keeps an appended condition in its own file', () => {
    const base = '- rule: r\n  desc: d\n  condition: proc.name = a\n  output: o\n  priority: WARNING\n';
    const append = '- rule: r\n  condition: and proc.pid = 1\n  override:\n    condition: append\n';
    const { result } = run([base, append], { 'proc.name': 'a', 'proc.pid': 1 });
    assert.deepEqual(result.tree.location, { uri: 'file:///rules/0.yaml', span: { start: 33, end: 46 } });
    assert.equal(base.slice(33, 46), 'proc.name = a');
    assert.equal(result.tree.children[1]!.location!.uri, 'file:///rules/1.yaml');
  });
});
