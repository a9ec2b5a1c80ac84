import * as assert from 'node:assert/strict';
import { RulesWorkspace, getCodeActions, applyEdits, fixAllText } from '../../server/src/core';
import type { CodeAction, Diagnostic } from '../../server/src/core';
import { findEvent } from '../../server/src/core/catalog';
import { ARG_SYNONYMS } from '../../server/src/core/fixes/events';
import { networkFromRegex, toFullMatchRegex } from '../../server/src/core/fixes/regex';
import { readFixture } from '../helpers';

const URI = 'file:///fixes_conditions_rules.yaml';

interface Covered extends Diagnostic {
  covered: string;
}

function diagnosticsOf(text: string): Covered[] {
  const workspace = new RulesWorkspace();
  workspace.setFile(URI, text);
  return workspace.diagnostics(URI).map((d) => ({ ...d, covered: text.slice(d.span.start, d.span.end) }));
}

/** Returns the actions offered for the diagnostic of `code` that covers exactly `covered` (the `nth` one, from 0). */
function actionsFor(text: string, code: string, covered: string, nth = 0): { diagnostic: Covered; actions: CodeAction[] } {
  const workspace = new RulesWorkspace();
  workspace.setFile(URI, text);
  const diagnostic = workspace.diagnostics(URI).map((d) => ({ ...d, covered: text.slice(d.span.start, d.span.end) })).filter((d) => d.code === code && d.covered === covered)[nth];
  assert.ok(diagnostic, `no ${code} diagnostic on '${covered}'`);
  return { diagnostic, actions: getCodeActions(workspace, URI, diagnostic.span, [diagnostic]) };
}

interface Fixed {
  text: string;
  action: CodeAction;
  before: Covered[];
  after: Covered[];
}

/** Applies the action whose title matches `title` (the first action without one) for the diagnostic of `code` on `covered`. */
function applyFix(text: string, code: string, covered: string, title?: RegExp, nth = 0): Fixed {
  const { actions } = actionsFor(text, code, covered, nth);
  const action = title ? actions.find((a) => title.test(a.title)) : actions[0];
  assert.ok(action, `no action${title ? ` matching ${title}` : ''} for '${covered}'; offered: ${actions.map((a) => a.title).join(' | ')}`);
  const fixed = applyEdits(text, action.edits.filter((e) => e.uri === URI));
  return { text: fixed, action, before: diagnosticsOf(text), after: diagnosticsOf(fixed) };
}

/** Asserts that one diagnostic of `code` went away and that every error left was there before the fix. */
function assertFixedCleanly(fixed: Fixed, code: string, covered: string): void {
  const count = (list: Covered[]) => list.filter((d) => d.code === code).length;
  assert.equal(count(fixed.after), count(fixed.before) - 1, `the ${code} diagnostic is still there`);
  assert.ok(!fixed.after.some((d) => d.code === code && d.covered === covered && count(fixed.before) === 1));
  const known = new Set(fixed.before.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`));
  const added = fixed.after.filter((d) => d.severity === 'error' && !known.has(`${d.code} ${d.message}`));
  assert.deepEqual(added.map((d) => `${d.code} '${d.covered}': ${d.message}`), []);
}

const rule = (condition: string, output = 'o') => `- rule: R\n  desc: d\n  condition: ${condition}\n  output: ${output}\n  priority: INFO\n`;

describe('quick-fixes: operators', () => {
  const typos: Array<[string, string]> = [
    ['endwith', 'endswith'],
    ['startwith', 'startswith'],
    ['beginswith', 'startswith'],
    ['contain', 'contains'],
    ['icontain', 'icontains'],
  ];
  for (const [typo, operator] of typos) {
    it(`replaces ${typo} with ${operator}`, () => {
      const fixed = applyFix(rule(`spawned_process and proc.name ${typo} sh`), 'LOAD_ERR_COMPILE_CONDITION', typo);
      assert.equal(fixed.text, rule(`spawned_process and proc.name ${operator} sh`));
      assert.equal(fixed.action.safe, true);
      assert.equal(fixed.action.isPreferred, true);
      assertFixedCleanly(fixed, 'LOAD_ERR_COMPILE_CONDITION', typo);
    });
  }

  it('rewrites =~ as a whole-value regex', () => {
    const fixed = applyFix(rule('spawned_process and proc.name =~ "^ba[sz]h"'), 'LOAD_ERR_COMPILE_CONDITION', '"^ba[sz]h"', /regex/);
    assert.equal(fixed.text, rule('spawned_process and proc.name regex "ba[sz]h.*"'));
    assert.equal(fixed.action.safe, true);
    assertFixedCleanly(fixed, 'LOAD_ERR_COMPILE_CONDITION', '"^ba[sz]h"');
  });

  it('rewrites !~ with not and doubles the escape', () => {
    const fixed = applyFix(rule('spawned_process and proc.cmdline !~ "^10\\."'), 'LOAD_ERR_COMPILE_CONDITION', '!~', /regex/);
    assert.equal(fixed.text, rule('spawned_process and not proc.cmdline regex "10\\\\..*"'));
    // The literal prefix makes `startswith` the safe rewrite; the regex one stays on offer.
    assert.equal(fixed.action.safe, false);
    assertFixedCleanly(fixed, 'LOAD_ERR_COMPILE_CONDITION', '!~');
  });

  it('escapes the new pattern again in a double-quoted scalar', () => {
    const before = rule('"spawned_process and fd.name !~ \\"/etc/.*\\\\.conf$\\""');
    const fixed = applyFix(before, 'LOAD_ERR_COMPILE_CONDITION', '!~');
    assert.equal(fixed.text, rule('"spawned_process and not fd.name regex \\".*/etc/.*\\\\\\\\.conf\\""'));
    assertFixedCleanly(fixed, 'LOAD_ERR_COMPILE_CONDITION', '!~');
  });

  it('keeps a single-quoted scalar single-quoted', () => {
    const fixed = applyFix(rule("'spawned_process and proc.cmdline !~ \"^10\\.\"'"), 'LOAD_ERR_COMPILE_CONDITION', '!~', /regex/);
    assert.equal(fixed.text, rule("'spawned_process and not proc.cmdline regex \"10\\\\..*\"'"));
  });

  it('cancels a not before !~', () => {
    const fixed = applyFix(rule('spawned_process and not proc.name !~ "^ba"'), 'LOAD_ERR_COMPILE_CONDITION', '!~', /regex/);
    assert.equal(fixed.text, rule('spawned_process and proc.name regex "ba.*"'));
  });

  it('translates Perl classes and alternatives', () => {
    const fixed = applyFix(rule('spawned_process and proc.name =~ "^python\\d|sh$"'), 'LOAD_ERR_COMPILE_CONDITION', '"^python\\d|sh$"', /regex/);
    assert.equal(fixed.text, rule('spawned_process and proc.name regex "python[0-9].*|.*sh"'));
  });

  it('prefers the plain operator for a literal pattern', () => {
    const { actions } = actionsFor(rule('spawned_process and fd.name =~ "^/tmp/"'), 'LOAD_ERR_COMPILE_CONDITION', '"^/tmp/"');
    const simple = actions.find((a) => a.title.includes('startswith'))!;
    assert.equal(simple.safe, true);
    assert.equal(simple.isPreferred, true);
    assert.equal(actions[0], simple);
    const fixed = applyEdits(rule('spawned_process and fd.name =~ "^/tmp/"'), simple.edits);
    assert.equal(fixed, rule('spawned_process and fd.name startswith "/tmp/"'));
  });

  it('offers nothing for ==, which Falco accepts', () => {
    const text = rule('spawned_process and proc.name == bash');
    const workspace = new RulesWorkspace();
    workspace.setFile(URI, text);
    assert.deepEqual(getCodeActions(workspace, URI, { start: 0, end: text.length }), []);
  });
});

describe('quick-fixes: address patterns and networks', () => {
  const patterns: Array<[string, string, boolean]> = [
    ['^10\\.', 'not fd.net = 10.0.0.0/8', true],
    ['^192\\.168\\.', 'not fd.net = 192.168.0.0/16', true],
    ['^172\\.(1[6-9]|2\\d|3[0-1])\\.', 'not fd.net = 172.16.0.0/12', false],
  ];
  for (const [pattern, expected, safe] of patterns) {
    it(`turns fd.ip !~ "${pattern}" into ${expected}`, () => {
      const fixed = applyFix(rule(`evt.type = connect and fd.ip !~ "${pattern}"`), 'LOAD_ERR_COMPILE_CONDITION', '!~');
      assert.equal(fixed.text, rule(`evt.type = connect and ${expected}`));
      assert.equal(fixed.action.safe, safe);
      assert.equal(fixed.action.isPreferred, true);
      assertFixedCleanly(fixed, 'LOAD_ERR_COMPILE_CONDITION', '!~');
    });
  }

  it('turns fd.sip =~ into a positive network check', () => {
    const fixed = applyFix(rule('evt.type = connect and fd.sip =~ "^10\\.1\\."'), 'LOAD_ERR_COMPILE_CONDITION', '"^10\\.1\\."');
    assert.equal(fixed.text, rule('evt.type = connect and fd.snet = 10.1.0.0/16'));
  });

  it('derives networks only from octet prefixes', () => {
    assert.deepEqual(networkFromRegex('^10\\.0\\.0\\.1$'), { cidr: '10.0.0.1/32', exact: true });
    assert.deepEqual(networkFromRegex('^10\\.(0|1)\\.'), { cidr: '10.0.0.0/15', exact: false });
    assert.equal(networkFromRegex('^10\\.1'), undefined);
    assert.equal(networkFromRegex('10\\.'), undefined);
    assert.equal(networkFromRegex('^10\\.(1|3)\\.'), undefined);
  });

  it('anchors patterns for a whole-value match', () => {
    assert.equal(toFullMatchRegex('^10\\.'), '10\\..*');
    assert.equal(toFullMatchRegex('bash'), '.*bash.*');
    assert.equal(toFullMatchRegex('^/tmp/.*$'), '/tmp/.*');
    assert.equal(toFullMatchRegex('(?:a|b)+?x'), '.*(a|b)+x.*');
    assert.equal(toFullMatchRegex('(?i)bash'), undefined);
    assert.equal(toFullMatchRegex('(^a|b)'), undefined);
  });

  const fields: Array<[string, string]> = [
    ['fd.ip', 'fd.net'],
    ['fd.sip', 'fd.snet'],
    ['fd.cip', 'fd.cnet'],
    ['fd.lip', 'fd.lnet'],
    ['fd.rip', 'fd.rnet'],
  ];
  for (const [address, network] of fields) {
    it(`compares ${network} for a CIDR on ${address}`, () => {
      const fixed = applyFix(rule(`evt.type = connect and ${address} != "10.0.0.0/8"`), 'LOAD_ERR_COMPILE_CONDITION', '"10.0.0.0/8"');
      assert.equal(fixed.text, rule(`evt.type = connect and ${network} != "10.0.0.0/8"`));
      assert.equal(fixed.action.safe, true);
      assertFixedCleanly(fixed, 'LOAD_ERR_COMPILE_CONDITION', '"10.0.0.0/8"');
    });
  }

  it('adds /32 to the addresses of a renamed list', () => {
    const fixed = applyFix(rule('evt.type = connect and fd.sip in ("10.0.0.0/8", 1.2.3.4)'), 'LOAD_ERR_COMPILE_CONDITION', '"10.0.0.0/8"');
    assert.equal(fixed.text, rule('evt.type = connect and fd.snet in ("10.0.0.0/8", 1.2.3.4/32)'));
    assertFixedCleanly(fixed, 'LOAD_ERR_COMPILE_CONDITION', '"10.0.0.0/8"');
  });

  it('renames the field for a list of networks', () => {
    const text = `- list: private_nets\n  items: ["10.0.0.0/8", "192.168.0.0/16"]\n${rule('evt.type = connect and not fd.sip in (private_nets)')}`;
    const fixed = applyFix(text, 'LOAD_ERR_COMPILE_CONDITION', 'private_nets');
    assert.equal(fixed.text, text.replace('fd.sip', 'fd.snet'));
    assert.deepEqual(fixed.after.filter((d) => d.severity === 'error'), []);
  });

  it('combines != comparisons into one not in', () => {
    const before = rule('evt.type = connect and fd.sip != "192.168.1.0/24" and fd.sport > 1023 and fd.sip != \'10.0.0.0/8\' and fd.sip != 1.2.3.4');
    const fixed = applyFix(before, 'LOAD_ERR_COMPILE_CONDITION', '"192.168.1.0/24"', /Combine/);
    assert.equal(fixed.text, rule('evt.type = connect and not fd.snet in ("192.168.1.0/24", \'10.0.0.0/8\', 1.2.3.4/32) and fd.sport > 1023'));
    assert.equal(fixed.action.safe, false);
    assert.equal(fixed.action.isPreferred, false);
    assert.deepEqual(fixed.after.filter((d) => d.severity === 'error'), []);
  });

  it('combines = comparisons under or into one in', () => {
    const before = rule('evt.type = connect and (fd.rip = "10.0.0.0/8" or fd.rip = "172.16.0.0/12")');
    const fixed = applyFix(before, 'LOAD_ERR_COMPILE_CONDITION', '"172.16.0.0/12"', /Combine/);
    assert.equal(fixed.text, rule('evt.type = connect and (fd.rnet in ("10.0.0.0/8", "172.16.0.0/12"))'));
    assert.deepEqual(fixed.after.filter((d) => d.severity === 'error'), []);
  });
});

describe('quick-fixes: event arguments', () => {
  const mount = rule(
    'container and evt.type = mount and evt.arg.targetpath in ("/etc", "/root") and evt.arg.sourcepath startswith "/"',
    '"mount %evt.arg.sourcepath to %evt.arg.targetpath"',
  );

  it('replaces evt.arg.targetpath with dir in the condition and output', () => {
    const fixed = applyFix(mount, 'LOAD_ERR_COMPILE_CONDITION', 'evt.arg.targetpath');
    assert.equal(fixed.text, mount.replace(/targetpath/g, 'dir'));
    assert.equal(fixed.action.safe, true);
    assert.match(fixed.action.title, /'evt\.arg\.dir' \(the argument of mount\)/);
    assertFixedCleanly(fixed, 'LOAD_ERR_COMPILE_CONDITION', 'evt.arg.targetpath');
  });

  it('replaces %evt.arg.sourcepath in the output with dev', () => {
    const fixed = applyFix(mount, 'output-field-prefix', 'evt.arg.sourcepath');
    assert.equal(fixed.text, mount.replace(/sourcepath/g, 'dev'));
    assert.equal(fixed.action.safe, true);
    assert.equal(fixed.after.filter((d) => d.covered.includes('sourcepath')).length, 0);
  });

  it('rewrites a broken %(evt.arg.sourcepath) whole', () => {
    const text = rule('evt.type = mount and evt.arg.dev startswith "/"', '"mount %(evt.arg.sourcepath)"');
    const fixed = applyFix(text, 'LOAD_ERR_COMPILE_OUTPUT', '%(evt.arg.sourcepath)', /evt\.arg\.dev/);
    assert.equal(fixed.text, rule('evt.type = mount and evt.arg.dev startswith "/"', '"mount %evt.arg.dev"'));
    assertFixedCleanly(fixed, 'LOAD_ERR_COMPILE_OUTPUT', '%(evt.arg.sourcepath)');
  });

  it('replaces evt.arg.pathname with name for open', () => {
    const text = rule('evt.type in (open, openat, openat2) and evt.arg.pathname startswith /etc', '"file %evt.arg.pathname"');
    const fixed = applyFix(text, 'evt-arg-not-in-events', 'evt.arg.pathname');
    assert.equal(fixed.text, text.replace(/pathname/g, 'name'));
    assert.equal(fixed.action.safe, true);
    assertFixedCleanly(fixed, 'evt-arg-not-in-events', 'evt.arg.pathname');
  });

  it('offers each argument when the events disagree', () => {
    const { actions } = actionsFor(rule('evt.type in (unlink, unlinkat) and evt.arg.pathname startswith /etc'), 'evt-arg-not-in-events', 'evt.arg.pathname');
    const mine = actions.filter((a) => a.title.includes('in this rule'));
    assert.deepEqual(mine.map((a) => a.title), [
      "Replace 'evt.arg.pathname' with 'evt.arg.path' (the argument of unlink) in this rule",
      "Replace 'evt.arg.pathname' with 'evt.arg.name' (the argument of unlinkat) in this rule",
    ]);
    assert.ok(mine.every((a) => !a.safe && !a.isPreferred));
  });

  it('names only arguments the events have', () => {
    for (const row of ARG_SYNONYMS) {
      for (const name of row.events) {
        const event = findEvent(name);
        assert.ok(event, `unknown event ${name}`);
        assert.ok(event.params.some((p) => p.name === row.arg), `${name} has no argument ${row.arg}`);
        for (const synonym of row.names) assert.ok(!event.params.some((p) => p.name === synonym), `${name} has its own ${synonym}`);
      }
    }
  });
});

describe('quick-fixes: event variants', () => {
  it('selects openat and openat2 with open', () => {
    const fixed = applyFix(rule('evt.type = open and fd.name = /etc/shadow'), 'evt-type-open-only', 'open');
    assert.equal(fixed.text, rule('evt.type in (open, openat, openat2) and fd.name = /etc/shadow'));
    assert.equal(fixed.action.safe, true);
    assertFixedCleanly(fixed, 'evt-type-open-only', 'open');
  });

  it('keeps the quotes of the event', () => {
    const fixed = applyFix(rule('evt.type = "open" and fd.name = /etc/shadow'), 'evt-type-open-only', '"open"');
    assert.equal(fixed.text, rule('evt.type in ("open", "openat", "openat2") and fd.name = /etc/shadow'));
  });

  it('adds the variants inside a list', () => {
    const fixed = applyFix(rule('evt.type in (open, creat) and fd.name = /etc/shadow'), 'evt-type-open-only', 'open');
    assert.equal(fixed.text, rule('evt.type in (open, openat, openat2, creat) and fd.name = /etc/shadow'));
  });

  it('selects renameat and renameat2 with rename', () => {
    const fixed = applyFix(rule('evt.type = rename and evt.arg.oldpath startswith /etc'), 'evt-type-variants-missing', 'rename');
    assert.equal(fixed.text, rule('evt.type in (rename, renameat, renameat2) and evt.arg.oldpath startswith /etc'));
    assert.equal(fixed.action.safe, true);
    assertFixedCleanly(fixed, 'evt-type-variants-missing', 'rename');
  });

  it('warns only when no variant is selected', () => {
    const warned = diagnosticsOf(rule('evt.type in (rename, renameat) or evt.type = accept')).filter((d) => d.code === 'evt-type-variants-missing');
    assert.deepEqual(warned.map((d) => d.covered), ['accept']);
    assert.deepEqual(warned[0]!.data?.missingVariants, ['accept4']);
  });

  it('is a choice when a variant lacks a tested argument', () => {
    const { actions } = actionsFor(rule('evt.type = unlink and evt.arg.path startswith /etc'), 'evt-type-variants-missing', 'unlink');
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.safe, false);
  });

  it('rewrites a plain scalar in a flow map as double-quoted', () => {
    const text = '- {rule: R, desc: d, condition: evt.type = open and fd.name = /x, output: o, priority: INFO}\n';
    const fixed = applyFix(text, 'evt-type-open-only', 'open');
    assert.equal(fixed.text, '- {rule: R, desc: d, condition: "evt.type in (open, openat, openat2) and fd.name = /x", output: o, priority: INFO}\n');
    assertFixedCleanly(fixed, 'evt-type-open-only', 'open');
  });
});

describe('quick-fixes: event-type restriction', () => {
  it('offers spawned_process for process fields', () => {
    const text = rule('container and proc.name in (bash, sh) and not proc.name = "docker-init"');
    const { actions } = actionsFor(text, 'LOAD_NO_EVTTYPE', 'condition');
    assert.deepEqual(actions.map((a) => a.title), ["Restrict the rule to events: 'spawned_process and ...'"]);
    assert.ok(actions.every((a) => !a.safe && !a.isPreferred));
    const fixed = applyFix(text, 'LOAD_NO_EVTTYPE', 'condition');
    assert.equal(fixed.text, rule('spawned_process and container and proc.name in (bash, sh) and not proc.name = "docker-init"'));
    assertFixedCleanly(fixed, 'LOAD_NO_EVTTYPE', 'condition');
  });

  it('parenthesises a condition with a top-level or', () => {
    const text = rule("'fd.name startswith /etc or fd.directory = /tmp'");
    const { actions } = actionsFor(text, 'LOAD_NO_EVTTYPE', 'condition');
    assert.deepEqual(actions.map((a) => a.title), [
      "Restrict the rule to events: 'open_read and (...)'",
      "Restrict the rule to events: 'open_write and (...)'",
      "Restrict the rule to events: 'evt.type in (open, openat, openat2) and (...)'",
    ]);
    assert.ok(actions.every((a) => !a.safe && !a.isPreferred));
    const fixed = applyFix(text, 'LOAD_NO_EVTTYPE', 'condition', /evt\.type in/);
    assert.equal(fixed.text, rule("'evt.type in (open, openat, openat2) and (fd.name startswith /etc or fd.directory = /tmp)'"));
    assertFixedCleanly(fixed, 'LOAD_NO_EVTTYPE', 'condition');
  });

  it('inserts at the first content line of a folded condition', () => {
    const text = '- rule: R\n  desc: d\n  condition: >\n    fd.sip = 10.0.0.1\n    or fd.sport = 22\n  output: o\n  priority: INFO\n';
    const fixed = applyFix(text, 'LOAD_NO_EVTTYPE', 'condition', /outbound/);
    assert.equal(fixed.text, '- rule: R\n  desc: d\n  condition: >\n    outbound and (fd.sip = 10.0.0.1\n    or fd.sport = 22)\n  output: o\n  priority: INFO\n');
    assertFixedCleanly(fixed, 'LOAD_NO_EVTTYPE', 'condition');
    assert.ok(actionsFor(text, 'LOAD_NO_EVTTYPE', 'condition').actions.some((a) => a.title.includes("'evt.type in (connect) and (...)'")));
  });

  it('offers mount for mount arguments', () => {
    const text = rule('container and evt.arg.dir startswith /etc');
    const fixed = applyFix(text, 'LOAD_NO_EVTTYPE', 'condition', /mount/);
    assert.equal(fixed.text, rule('evt.type = mount and container and evt.arg.dir startswith /etc'));
    assertFixedCleanly(fixed, 'LOAD_NO_EVTTYPE', 'condition');
  });
});

describe('quick-fixes: lists and macros in conditions', () => {
  const lists: Array<[string, string, string]> = [
    ['[bash, sh]', 'proc.name', 'binaries'],
    ['[/etc/shadow, /etc/passwd]', 'fd.name', 'paths'],
    ['[22, 2222]', 'fd.sport', 'ports'],
    ['[docker.io/library/nginx, quay.io/app]', 'container.image.repository', 'images'],
    ['["10.0.0.0/8", "192.168.0.0/16"]', 'fd.snet', 'networks'],
  ];
  for (const [items, field, kind] of lists) {
    it(`offers ${field} for a list of ${kind}`, () => {
      const text = `- list: things\n  items: ${items}\n${rule('spawned_process and things')}`;
      const { actions } = actionsFor(text, 'LOAD_ERR_COMPILE_CONDITION', 'things');
      assert.deepEqual(actions.map((a) => a.title), [`Write '${field} in (things)'`]);
      assert.equal(actions[0]!.safe, false);
      const fixed = applyFix(text, 'LOAD_ERR_COMPILE_CONDITION', 'things');
      assert.equal(fixed.text, text.replace('and things', `and ${field} in (things)`));
      assertFixedCleanly(fixed, 'LOAD_ERR_COMPILE_CONDITION', 'things');
    });
  }

  it('moves a macro out of a list', () => {
    const fixed = applyFix(rule('spawned_process and proc.name in (bash, container, sh)'), 'macro-in-list', 'container');
    assert.equal(fixed.text, rule('spawned_process and (proc.name in (bash, sh) or container)'));
    assert.equal(fixed.action.safe, false);
    assert.equal(fixed.action.isPreferred, false);
    assertFixedCleanly(fixed, 'macro-in-list', 'container');
  });

  it('replaces a list of one macro with the macro', () => {
    const fixed = applyFix(rule('spawned_process and proc.name in (container)'), 'macro-in-list', 'container');
    assert.equal(fixed.text, rule('spawned_process and container'));
  });
});

describe('quick-fixes: deprecated constructs', () => {
  it('removes evt.dir = < with its and', () => {
    const fixed = applyFix(rule('spawned_process and evt.dir = < and proc.name = bash'), 'LOAD_DEPRECATED_ITEM', 'evt.dir');
    assert.equal(fixed.text, rule('spawned_process and proc.name = bash'));
    assert.equal(fixed.action.safe, true);
    assertFixedCleanly(fixed, 'LOAD_DEPRECATED_ITEM', 'evt.dir');
  });

  it('removes a leading evt.dir from a folded condition', () => {
    const text = '- rule: R\n  desc: d\n  condition: >\n    evt.dir = < and\n    spawned_process\n  output: o\n  priority: INFO\n';
    const fixed = applyFix(text, 'LOAD_DEPRECATED_ITEM', 'evt.dir');
    assert.equal(fixed.text, '- rule: R\n  desc: d\n  condition: >\n    spawned_process\n  output: o\n  priority: INFO\n');
  });

  it('keeps evt.dir next to unparsed text', () => {
    const text = '- rule: R\n  desc: d\n  condition: |\n    spawned_process and\n    proc.name !~ "^ba" and\n    evt.dir = <\n  output: o\n  priority: INFO\n';
    assert.deepEqual(actionsFor(text, 'LOAD_DEPRECATED_ITEM', 'evt.dir').actions, []);
    const fixed = applyFix(text, 'LOAD_ERR_COMPILE_CONDITION', '!~', /regex/);
    assert.equal(fixed.text, text.replace('proc.name !~ "^ba"', 'not proc.name regex "ba.*"'));
    const again = applyFix(fixed.text, 'LOAD_DEPRECATED_ITEM', 'evt.dir');
    assert.equal(again.text, '- rule: R\n  desc: d\n  condition: |\n    spawned_process and\n    not proc.name regex "ba.*"\n  output: o\n  priority: INFO\n');
  });

  it('offers to remove evt.dir = > only as a choice', () => {
    const { actions } = actionsFor(rule('spawned_process and evt.dir = >'), 'LOAD_DEPRECATED_ITEM', 'evt.dir');
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.safe, false);
  });

  it('replaces append with override for a macro', () => {
    const text = '- macro: m\n  condition: proc.name = a\n- macro: m\n  condition: or proc.name = b\n  append: true\n' + rule('spawned_process and m');
    const fixed = applyFix(text, 'LOAD_DEPRECATED_ITEM', 'append');
    assert.equal(fixed.text, text.replace('  append: true\n', '  override:\n    condition: append\n'));
    assert.equal(fixed.action.safe, true);
    assertFixedCleanly(fixed, 'LOAD_DEPRECATED_ITEM', 'append');
  });

  it('replaces append with override for a list, keeping CRLF', () => {
    const text = '- list: l\r\n  items: [a]\r\n- list: l\r\n  items: [b]\r\n  append: true\r\n' + rule('spawned_process and proc.name in (l)').replace(/\n/g, '\r\n');
    const fixed = applyFix(text, 'LOAD_DEPRECATED_ITEM', 'append');
    assert.equal(fixed.text, text.replace('  append: true\r\n', '  override:\r\n    items: append\r\n'));
    assertFixedCleanly(fixed, 'LOAD_DEPRECATED_ITEM', 'append');
  });

  it('replaces append with override for a rule with exceptions', () => {
    const base = rule('spawned_process and proc.name = bash');
    const text = `${base}- rule: R\n  condition: and user.name != root\n  exceptions:\n    - name: e\n      fields: [proc.pname]\n      values: [[sshd]]\n  append: true\n`;
    const fixed = applyFix(text, 'LOAD_DEPRECATED_ITEM', 'append');
    assert.equal(fixed.text, text.replace('  append: true\n', '  override:\n    condition: append\n    exceptions: append\n'));
    assertFixedCleanly(fixed, 'LOAD_DEPRECATED_ITEM', 'append');
  });

  it('removes the keys a legacy append ignores, as a choice', () => {
    const base = rule('spawned_process and proc.name = bash');
    const text = `${base}- rule: R\n  condition: and user.name != root\n  output: more\n  append: true\n`;
    const fixed = applyFix(text, 'LOAD_DEPRECATED_ITEM', 'append');
    assert.equal(fixed.text, `${base}- rule: R\n  condition: and user.name != root\n  override:\n    condition: append\n`);
    assert.equal(fixed.action.safe, false);
    assertFixedCleanly(fixed, 'LOAD_DEPRECATED_ITEM', 'append');
  });
});

describe('quick-fixes: PCI example rules', () => {
  const seed = readFixture('cases', 'seed-pci-rules.indented.yaml');
  const workspace = new RulesWorkspace();
  workspace.setFile(URI, seed);
  const fixed = fixAllText(workspace, URI)!.text;
  const conditions = fixed.split('\n').filter((line) => line.startsWith('  condition:'));

  it('fixes the mount arguments', () => {
    assert.equal(conditions[1], '  condition: container and syscall.type = "mount" and evt.arg.dir in ("/etc", "/var/log", "/home", "/root", "/opt") and evt.arg.dev startswith "/"');
    assert.match(fixed, /mount host path '%evt\.arg\.dev' to '%evt\.arg\.dir'/);
  });

  it('fixes open and evt.arg.pathname', () => {
    assert.equal(conditions[2], '  condition: container and evt.type in ("open", "openat", "openat2") and (evt.arg.name contains "/data/cards" or evt.arg.name contains "/app/secrets")');
    assert.match(fixed, /File '%evt\.arg\.name' accessed/);
  });

  it('fixes the CIDRs and the dotted !~ patterns', () => {
    assert.equal(
      conditions[3],
      '  condition: container and evt.type = "connect" and fd.sport > 1023 and fd.sport < 65535 and fd.net != "192.168.1.0/24" and fd.net != "10.0.0.0/8" and fd.net != "172.16.0.0/12" and not fd.net = 10.0.0.0/8 and not fd.net = 192.168.0.0/16 and fd.ip !~ "^172\\.(1[6-9]|2\\d|3[0-1])\\."',
    );
  });

  it('offers the RFC 1918 network for the last pattern', () => {
    const { actions } = actionsFor(seed, 'LOAD_ERR_COMPILE_CONDITION', '!~', 2);
    assert.deepEqual(actions.map((a) => a.title), ["Rewrite as 'not fd.net = 172.16.0.0/12' (the network the pattern matches)"]);
    assert.equal(actions[0]!.safe, false);
  });

  it('offers spawned_process for the first rule', () => {
    const { actions } = actionsFor(seed, 'LOAD_NO_EVTTYPE', 'condition');
    const result = applyEdits(seed, actions.find((a) => a.title.includes('spawned_process'))!.edits);
    assert.ok(result.includes('  condition: spawned_process and container and proc.name in (bash, sh, zsh, ksh, tcsh, csh)'));
  });
});
