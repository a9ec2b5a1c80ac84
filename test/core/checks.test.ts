import * as assert from 'node:assert/strict';
import { check } from '../helpers';

/** A full rule around `condition` and `output`. */
function rule(condition: string, output = 'event (proc=%proc.name)', extra = ''): string {
  return `- rule: Test rule\n  desc: test\n  condition: ${condition}\n  output: ${output}\n  priority: WARNING\n${extra}`;
}

/** `[code, covered text, severity]` of every diagnostic. */
function summary(text: string, options: { useDefaultRules?: boolean } = {}): Array<[string, string, string]> {
  return check(text, options).map((d) => [d.code, d.covered, d.severity]);
}

describe('checks: conditions', () => {
  const cases: Array<{ name: string; condition: string; expected: Array<[string, string, string]> }> = [
    { name: 'clean spawned_process rule', condition: 'spawned_process and proc.name = bash', expected: [] },
    { name: 'unknown field', condition: 'spawned_process and proc.nme = bash', expected: [['LOAD_ERR_COMPILE_CONDITION', 'proc.nme', 'error']] },
    { name: 'field of another source', condition: 'spawned_process and ka.user.name = bob', expected: [['LOAD_ERR_COMPILE_CONDITION', 'ka.user.name', 'error']] },
    { name: 'number for numeric field', condition: 'spawned_process and proc.pid = abc', expected: [['LOAD_ERR_COMPILE_CONDITION', 'abc', 'error']] },
    { name: 'hex for numeric field', condition: 'spawned_process and proc.pid = 0x10', expected: [['LOAD_ERR_COMPILE_CONDITION', '0x10', 'error']] },
    { name: 'boolean spelling', condition: 'spawned_process and evt.failed = yes', expected: [['LOAD_ERR_COMPILE_CONDITION', 'yes', 'error']] },
    { name: 'CIDR with an address field', condition: 'outbound and fd.sip = "10.0.0.0/8"', expected: [['LOAD_ERR_COMPILE_CONDITION', '"10.0.0.0/8"', 'error']] },
    { name: 'CIDR with a network field', condition: 'outbound and fd.snet in ("10.0.0.0/8", "192.168.0.0/16")', expected: [] },
    { name: 'address with a network field', condition: 'outbound and fd.net = 10.0.0.1', expected: [['LOAD_ERR_COMPILE_CONDITION', '10.0.0.1', 'error']] },
    { name: 'string operator on an address', condition: 'outbound and fd.ip contains 10.', expected: [['LOAD_ERR_COMPILE_CONDITION', 'contains', 'error']] },
    { name: 'bcontains on a string', condition: 'spawned_process and proc.name bcontains 6261', expected: [['LOAD_ERR_COMPILE_CONDITION', 'bcontains', 'error']] },
    { name: 'unknown event type', condition: 'evt.type = opn', expected: [['LOAD_ERR_COMPILE_CONDITION', 'opn', 'error']] },
    { name: 'syscall name without an event', condition: 'evt.type = getpid', expected: [] },
    { name: 'undefined macro', condition: 'spawned_proces and proc.name = bash', expected: [['LOAD_ERR_VALIDATE', 'spawned_proces', 'error']] },
    { name: 'list as a condition term', condition: 'spawned_process and shell_binaries', expected: [['LOAD_ERR_COMPILE_CONDITION', 'shell_binaries', 'error']] },
    { name: 'macro inside in', condition: 'spawned_process and proc.name in (bash, container)', expected: [['macro-in-list', 'container', 'warning']] },
    { name: 'list inside in', condition: 'spawned_process and proc.name in (shell_binaries)', expected: [] },
    { name: 'transformer on the left', condition: 'spawned_process and tolower(proc.name) = bash', expected: [] },
    { name: 'val on the right', condition: 'spawned_process and proc.name = val(proc.pname)', expected: [] },
    { name: 'field name as a string value', condition: 'spawned_process and proc.name = proc.pname', expected: [['LOAD_COMPILE_CONDITION', 'proc.pname', 'warning']] },
    { name: 'deprecated field', condition: 'spawned_process and evt.dir = <', expected: [['LOAD_DEPRECATED_ITEM', 'evt.dir', 'warning']] },
    { name: 'no event type', condition: 'proc.name = bash', expected: [['LOAD_NO_EVTTYPE', 'condition', 'warning']] },
    { name: 'negated event type', condition: 'evt.type != execve', expected: [['LOAD_NO_EVTTYPE', 'condition', 'warning']] },
    { name: 'contradicting event types', condition: 'evt.type = open and evt.type = close', expected: [['LOAD_NO_EVTTYPE', 'condition', 'warning']] },
    { name: 'event type and a negated check', condition: 'evt.type = execve and not proc.name = foo', expected: [] },
    { name: 'argument the event lacks', condition: 'evt.type = connect and evt.arg.name = x', expected: [['evt-arg-not-in-events', 'evt.arg.name', 'warning']] },
    { name: 'argument the event has', condition: 'evt.type = mount and evt.arg.dir = /etc', expected: [] },
    { name: 'argument no event has', condition: 'evt.type = mount and evt.arg.bogus = x', expected: [['LOAD_ERR_COMPILE_CONDITION', 'evt.arg.bogus', 'error']] },
    { name: 'argument that extends a real one', condition: 'evt.type = open and evt.arg.names = x', expected: [['evt-type-open-only', 'open', 'warning'], ['LOAD_ERR_COMPILE_CONDITION', 'evt.arg.names', 'error']] },
    { name: 'open alone', condition: 'evt.type = open and fd.name = /etc/shadow', expected: [['evt-type-open-only', 'open', 'warning']] },
    { name: 'open with openat', condition: 'evt.type in (open, openat, openat2) and fd.name = /etc/shadow', expected: [] },
    { name: 'two syntax errors', condition: 'evt.type = execve and proc.name !~ "x" and proc.pid > "5"', expected: [['LOAD_ERR_COMPILE_CONDITION', '!~', 'error'], ['LOAD_ERR_COMPILE_CONDITION', '"5"', 'error']] },
    { name: 'operator typo', condition: 'spawned_process and proc.name endwith sh', expected: [['LOAD_ERR_COMPILE_CONDITION', 'endwith', 'error']] },
    { name: 'argument on a field without one', condition: 'spawned_process and proc.name[1] = x', expected: [['LOAD_ERR_COMPILE_CONDITION', 'proc.name[1]', 'error']] },
  ];
  for (const { name, condition, expected } of cases) {
    it(name, () => {
      assert.deepEqual(summary(rule(condition)), expected);
    });
  }

  it('points into a folded block scalar', () => {
    const text = rule('>\n    spawned_process\n    and proc.nme = bash');
    assert.deepEqual(summary(text), [['LOAD_ERR_COMPILE_CONDITION', 'proc.nme', 'error']]);
  });

  it('points through escapes of a double-quoted scalar', () => {
    const text = rule('"outbound and fd.ip = \\"10.0.0.0/8\\""');
    assert.deepEqual(summary(text), [['LOAD_ERR_COMPILE_CONDITION', '\\"10.0.0.0/8\\"', 'error']]);
  });
});

describe('checks: outputs', () => {
  const cases: Array<{ name: string; output: string; expected: Array<[string, string, string]> }> = [
    { name: 'clean output', output: 'shell (user=%user.name cmd=%proc.cmdline gparent=%proc.aname[2])', expected: [] },
    { name: 'python-style placeholder', output: 'shell %(proc.name)s here', expected: [['LOAD_ERR_COMPILE_OUTPUT', '%(proc.name)s', 'error']] },
    { name: 'unknown field', output: 'shell %notafield.x', expected: [['LOAD_ERR_COMPILE_OUTPUT', '%notafield.x', 'error']] },
    { name: 'trailing percent', output: 'done 100%', expected: [['LOAD_ERR_COMPILE_OUTPUT', '%', 'error']] },
    { name: 'longest field prefix', output: 'name %proc.namex', expected: [['output-field-prefix', 'proc.namex', 'warning']] },
    { name: 'filter-only field', output: 'ip %fd.ip', expected: [['filter-only-field-in-output', '%fd.ip', 'warning']] },
    { name: 'transformer', output: 'name %tolower(proc.name)', expected: [] },
    { name: 'deprecated field', output: 'latency %evt.latency', expected: [['LOAD_DEPRECATED_ITEM', 'evt.latency', 'warning']] },
    { name: 'deprecated container.info', output: 'shell %container.info', expected: [['LOAD_DEPRECATED_ITEM', '%container.info', 'warning']] },
  ];
  for (const { name, output, expected } of cases) {
    it(name, () => {
      assert.deepEqual(summary(rule('spawned_process', output)), expected);
    });
  }
});

describe('checks: item structure', () => {
  it('accepts every priority spelling Falco accepts', () => {
    for (const priority of ['critical', 'WARNING', 'Informational', 'info', 'INFO', 'debug', 'EMERGENCY']) {
      const text = `- rule: r\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: ${priority}\n`;
      assert.deepEqual(summary(text), [], priority);
    }
  });

  it('rejects an invalid priority', () => {
    const text = '- rule: r\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: WARN\n';
    assert.deepEqual(summary(text), [['LOAD_ERR_YAML_VALIDATE', 'WARN', 'error']]);
  });

  it('reports a missing key of a full rule', () => {
    const text = '- rule: r\n  desc: d\n  condition: spawned_process\n  priority: WARNING\n';
    const [problem] = check(text);
    assert.equal(problem!.code, 'LOAD_ERR_YAML_VALIDATE');
    assert.equal(problem!.covered, 'r');
    assert.match(problem!.message, /'output'/);
  });

  it('warns on an unknown key with a suggestion', () => {
    const text = '- rule: r\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: WARNING\n  tagz: [a]\n';
    const [problem] = check(text);
    assert.equal(problem!.code, 'LOAD_UNKNOWN_KEY');
    assert.equal(problem!.covered, 'tagz');
    assert.match(problem!.message, /Did you mean 'tags'\?/);
  });

  it('warns on an unknown top-level item', () => {
    assert.deepEqual(summary('- rulez: r\n  desc: d\n'), [['LOAD_UNKNOWN_ITEM', 'rulez', 'warning']]);
  });

  it('rejects a non-map element and a map document', () => {
    assert.deepEqual(summary('- just a string\n'), [['LOAD_ERR_YAML_VALIDATE', 'just a string', 'error']]);
    assert.equal(summary('rule: r\n')[0]![0], 'LOAD_ERR_YAML_VALIDATE');
  });

  it('rejects an empty condition and a non-boolean enabled', () => {
    const text = '- rule: r\n  desc: d\n  condition:\n  output: o\n  priority: WARNING\n  enabled: maybe\n';
    assert.deepEqual(summary(text).map((s) => [s[0], s[1]]), [['LOAD_ERR_YAML_VALIDATE', 'condition'], ['LOAD_ERR_YAML_VALIDATE', 'maybe']]);
  });

  it('accepts yaml-cpp booleans', () => {
    const text = '- rule: r\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: WARNING\n  enabled: yes\n';
    assert.deepEqual(summary(text), []);
  });

  it('requires an earlier macro for an append', () => {
    const text = '- macro: nowhere_defined\n  condition: and proc.name = x\n  override:\n    condition: append\n';
    assert.deepEqual(summary(text), [['LOAD_ERR_VALIDATE', 'nowhere_defined', 'error']]);
  });

  it('accepts an override of a default macro', () => {
    const text = '- macro: user_known_system_user_login\n  condition: or proc.name = x\n  override:\n    condition: append\n';
    assert.deepEqual(summary(text), []);
  });

  it('keeps reading after a YAML error in one item', () => {
    const text = '- rule: a\n  desc: "unterminated\n  condition: x\n\n- rule: b\n  desc: d\n  condition: proc.nme = x and spawned_process\n  output: o\n  priority: WARNING\n';
    const problems = summary(text);
    assert.ok(problems.some(([code]) => code === 'LOAD_ERR_YAML_PARSE'));
    assert.ok(problems.some(([code, covered]) => code === 'LOAD_ERR_COMPILE_CONDITION' && covered === 'proc.nme'));
  });
});

describe('checks: macro visibility', () => {
  it('lets a rule use a macro defined later in the file', () => {
    const text = `${rule('my_process')}\n- macro: my_process\n  condition: spawned_process and proc.name = x\n`;
    assert.deepEqual(summary(text), []);
  });

  it('rejects a macro that uses a later macro', () => {
    const text = '- macro: first\n  condition: second\n\n- macro: second\n  condition: spawned_process\n\n' + rule('first');
    assert.deepEqual(summary(text), [['LOAD_ERR_VALIDATE', 'second', 'error']]);
  });

  it('needs the default rules for their macros', () => {
    assert.deepEqual(summary(rule('spawned_process'), { useDefaultRules: false }), [['LOAD_ERR_VALIDATE', 'spawned_process', 'error']]);
  });
});

describe('checks: YAML features', () => {
  it('reads several documents', () => {
    const text = `${rule('spawned_process')}---\n- macro: m\n  condition: proc.nme = x\n---\n${rule('m and evt.type = execve').replace('Test rule', 'Other')}`;
    assert.deepEqual(summary(text), [['LOAD_ERR_COMPILE_CONDITION', 'proc.nme', 'error']]);
  });

  it('resolves anchors across items', () => {
    const text = '- list: shells\n  items: &shells [bash, sh]\n\n- list: more_shells\n  items: *shells\n\n' + rule('spawned_process and proc.name in (shells, more_shells)');
    assert.deepEqual(summary(text), []);
  });

  it('maps ranges through CRLF line ends', () => {
    const text = rule('spawned_process and proc.nme = bash').replace(/\n/g, '\r\n');
    assert.deepEqual(summary(text), [['LOAD_ERR_COMPILE_CONDITION', 'proc.nme', 'error']]);
  });

  it('maps ranges in a literal block after comments', () => {
    const text = '# header\n- rule: r # trailing\n  desc: d\n  condition: |\n    spawned_process and\n      proc.nme = x\n  output: o\n  priority: INFO\n';
    assert.deepEqual(summary(text), [['LOAD_ERR_COMPILE_CONDITION', 'proc.nme', 'error']]);
  });
});

describe('checks: regex values', () => {
  const cases: Array<[string, Array<[string, string, string]>]> = [
    ['spawned_process and proc.name regex "ba(sh|zsh)"', []],
    ['spawned_process and proc.cmdline regex "curl [[:alnum:]]+.*"', []],
    ['spawned_process and proc.cmdline regex "(?i)curl.*"', [['LOAD_ERR_COMPILE_CONDITION', '"(?i)curl.*"', 'error']]],
    ['spawned_process and proc.name regex "ba\\\\d"', [['LOAD_ERR_COMPILE_CONDITION', '"ba\\\\d"', 'error']]],
    ['spawned_process and proc.name regex "(a)\\\\1"', [['LOAD_ERR_COMPILE_CONDITION', '"(a)\\\\1"', 'error']]],
    ['spawned_process and proc.name regex "a(?=b)"', [['LOAD_ERR_COMPILE_CONDITION', '"a(?=b)"', 'error']]],
    ['spawned_process and proc.name regex "(unclosed"', [['LOAD_ERR_COMPILE_CONDITION', '"(unclosed"', 'error']]],
    ['spawned_process and proc.name regex "^bash$"', [['LOAD_COMPILE_CONDITION', '"^bash$"', 'warning']]],
    ['spawned_process and proc.name regex ".*bash"', [['LOAD_COMPILE_CONDITION', '".*bash"', 'warning']]],
  ];
  for (const [condition, expected] of cases) {
    it(condition.replace('spawned_process and ', ''), () => {
      assert.deepEqual(summary(rule(condition)), expected);
    });
  }
});

describe('checks: transformers and pasted lists', () => {
  const cases: Array<[string, Array<[string, string, string]>]> = [
    ['spawned_process and proc.pid = val(proc.ppid)', []],
    ['spawned_process and proc.name = val(proc.pid)', [['LOAD_ERR_COMPILE_CONDITION', 'val(proc.pid)', 'error']]],
    ['spawned_process and basename(proc.pid) = x', [['LOAD_ERR_COMPILE_CONDITION', 'proc.pid', 'error']]],
    ['spawned_process and len(proc.args) > 5', []],
    ['spawned_process and proc.name regex val(proc.pname)', [['LOAD_ERR_COMPILE_CONDITION', 'val(proc.pname)', 'error']]],
    ['spawned_process and proc.name = shell_binaries', [['LOAD_ERR_COMPILE_CONDITION', 'shell_binaries', 'error']]],
    ['spawned_process and proc.name in shell_binaries', [['LOAD_ERR_COMPILE_CONDITION', 'shell_binaries', 'error']]],
    ['spawned_process and proc.name in (shell_binaries)', []],
  ];
  for (const [condition, expected] of cases) {
    it(condition.replace('spawned_process and ', ''), () => {
      assert.deepEqual(summary(rule(condition)), expected);
    });
  }
});
