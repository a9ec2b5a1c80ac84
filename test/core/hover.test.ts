import * as assert from 'node:assert/strict';
import { RulesWorkspace, doHover } from '../../server/src/core';
import { catalog } from '../../server/src/core/catalog';
import { findPciRequirement } from '../../server/src/core/pci/requirements';
import { withCursor } from '../helpers';

const URI = 'file:///rules/hover_rules.yaml';

/** Hovers at `$0` in `source`, loaded after the default rules and after `before` files (in order). */
function hover(source: string, before: Record<string, string> = {}): { contents: string; covered: string } | undefined {
  const { text, offset } = withCursor(source);
  const workspace = new RulesWorkspace();
  for (const [uri, content] of Object.entries(before)) workspace.setFile(uri, content);
  workspace.setFile(URI, text);
  const result = doHover(workspace, URI, offset);
  return result && { contents: result.contents, covered: text.slice(result.span.start, result.span.end) };
}

function mustHover(source: string, before: Record<string, string> = {}): { contents: string; covered: string } {
  const result = hover(source, before);
  assert.ok(result, 'no hover');
  return result;
}

const rule = (condition: string, rest = '  output: o\n  priority: WARNING\n') => `- rule: r\n  desc: d\n  condition: ${condition}\n${rest}`;
const field = (name: string) => catalog.fields.find((f) => f.name === name)!;

describe('hover on fields', () => {
  it('shows type, description, class and sources', () => {
    const result = mustHover(rule('evt.type = bind and fd.sp$0ort > 1023'));
    assert.equal(result.covered, 'fd.sport');
    assert.match(result.contents, /^\*\*fd\.sport\*\* `PORT`/);
    assert.ok(result.contents.includes(field('fd.sport').description));
    assert.match(result.contents, /Field class: fd\./);
    assert.match(result.contents, /Sources: syscall\./);
    assert.ok(!result.contents.includes('argument'));
  });

  it('shows how a field takes its argument', () => {
    const result = mustHover(rule('proc.an$0ame[2] = bash'));
    assert.equal(result.covered, 'proc.aname[2]');
    assert.match(result.contents, /Takes an optional argument: `proc\.aname\[<index>\]`\./);
    const label = mustHover(rule('container.lab$0el[app] = x'));
    assert.match(label.contents, /Requires argument: `container\.label\[<key>\]`\./);
    assert.match(label.contents, /Provided by the container plugin\./);
  });

  it('shows deprecation', () => {
    const result = mustHover(rule('spawned_process and evt.d$0ir = <'));
    assert.ok(result.contents.includes(`Deprecated: ${field('evt.dir').deprecated!}`));
  });

  it('lists every source of a generic field', () => {
    const result = mustHover('- macro: m\n  condition: evt.n$0um > 1\n');
    assert.match(result.contents, new RegExp(`Sources: ${field('evt.num').sources.join(', ')}\\.`));
  });

  it('shows a field of an output placeholder', () => {
    const result = mustHover(rule('spawned_process', '  output: "user=%user.na$0me"\n  priority: INFO\n'));
    assert.equal(result.covered, 'user.name');
    assert.match(result.contents, /^\*\*user\.name\*\*/);
  });

  it('shows a field of an exception', () => {
    const result = mustHover(rule('spawned_process', '  output: o\n  priority: INFO\n  exceptions:\n    - name: e\n      fields: [proc.pna$0me]\n      comps: [in]\n'));
    assert.equal(result.covered, 'proc.pname');
    assert.match(result.contents, /^\*\*proc\.pname\*\* `CHARBUF`/);
  });
});

describe('hover on event arguments', () => {
  it('shows the selected events that have the argument', () => {
    const result = mustHover(rule('evt.type = open and evt.arg.na$0me = /etc/shadow'));
    assert.equal(result.covered, 'evt.arg.name');
    assert.match(result.contents, /Events this condition selects that have argument `name`, with its type:\n\n- `FSPATH`: open$/m);
  });

  it('shows the argument type in every event that has it', () => {
    const result = mustHover(rule('evt.arg.fla$0gs = 0'));
    const expected = catalog.events.filter((e) => e.params.some((p) => p.name === 'flags'));
    assert.match(result.contents, /Events with argument `flags`, with its type:/);
    for (const event of expected) assert.ok(result.contents.includes(event.name), event.name);
    assert.match(result.contents, /- `FLAGS32`: open, /);
    assert.match(result.contents, /- `UINT8`: signalfd, timerfd_create, inotify_init/);
  });

  it('says when the selected events lack the argument', () => {
    const result = mustHover(rule('evt.type = bind and evt.arg.fla$0gs = 0'));
    assert.match(result.contents, /None of the events this condition selects \(bind\) has the argument\./);
  });

  it('shows the typed value of evt.rawarg', () => {
    const result = mustHover(rule('evt.type = open and evt.rawarg.fla$0gs = 0'));
    assert.match(result.contents, /^\*\*evt\.rawarg\.flags\*\* `FLAGS32`/);
  });
});

describe('hover on events and operators', () => {
  it('shows the arguments of an event compared with evt.type', () => {
    const result = mustHover(rule('evt.type in (open, opena$0t)'));
    assert.equal(result.covered, 'openat');
    const openat = catalog.events.find((e) => e.name === 'openat')!;
    assert.match(result.contents, /^\*\*event\*\* `openat` \(syscall\)/);
    for (const param of openat.params) assert.ok(result.contents.includes(`\`${param.name}\` (${param.type})`), param.name);
  });

  it('shows a system call without its own event', () => {
    const result = mustHover(rule('evt.type = pread$064'));
    assert.match(result.contents, /^\*\*system call\*\* `pread64`/);
  });

  it('shows an operator and the types that take it', () => {
    const result = mustHover(rule('proc.name conta$0ins sh'));
    assert.equal(result.covered, 'contains');
    assert.match(result.contents, /the field contains the value as a substring/i);
    assert.match(result.contents, /Accepted by: CHARBUF, FSPATH, FSRELPATH, BYTEBUF\./);
  });

  it('shows an exception comparison operator', () => {
    const result = mustHover(rule('spawned_process', '  output: o\n  priority: INFO\n  exceptions:\n    - name: e\n      fields: [fd.sport]\n      comps: [>$0=]\n'));
    assert.equal(result.covered, '>=');
    assert.match(result.contents, /^\*\*operator\*\* `>=`/);
    assert.ok(!/Accepted by:[^\n]*BYTEBUF/.test(result.contents));
  });

  it('shows a transformer', () => {
    const result = mustHover(rule('tolo$0wer(proc.name) = bash'));
    assert.equal(result.covered, 'tolower');
    assert.match(result.contents, /converts the string to lower case/);
  });
});

describe('hover on macros and lists', () => {
  const library = {
    'file:///rules/library_rules.yaml': '# Shared macros\n- macro: team_shell\n  condition: spawned_process and proc.name in (shell_binaries) and container\n- list: team_bins\n  items: [payd, shell_binaries]\n',
  };

  it('shows a macro with the macros it uses and where it is defined', () => {
    const result = mustHover(rule('team_sh$0ell'), library);
    assert.equal(result.covered, 'team_shell');
    assert.ok(result.contents.includes('```falco\nspawned_process and proc.name in (shell_binaries) and container\n```'));
    assert.match(result.contents, /- `spawned_process`: `\(evt\.type in \(execve, execveat\)\)`/);
    assert.match(result.contents, /- `container`: `\(container\.id != host\)`/);
    assert.match(result.contents, /Defined in `library_rules\.yaml`, line 2\./);
  });

  it('shows where a default macro is defined', () => {
    const result = mustHover(rule('open_wr$0ite'));
    assert.match(result.contents, /Defined in `falco_rules\.yaml \(default ruleset\)`, line \d+\./);
  });

  it('shows the changes of an appended macro', () => {
    const result = mustHover('- macro: team_shell\n  condition: and proc.pname = sshd\n  override:\n    condition: append\n- rule: r\n  desc: d\n  condition: team_sh$0ell\n  output: o\n  priority: INFO\n', library);
    assert.match(result.contents, /Changed in `hover_rules\.yaml`, line 1:\n\n```falco\nand proc\.pname = sshd\n```/);
  });

  it('shows the items of a list', () => {
    const result = mustHover(rule('proc.name in (team_b$0ins)'), library);
    assert.equal(result.covered, 'team_bins');
    assert.match(result.contents, /^\*\*list\*\* `team_bins`\n\n`\[payd, shell_binaries\]`/);
    assert.match(result.contents, /Defined in `library_rules\.yaml`, line 4\./);
  });

  it('shows a list named among list items', () => {
    const result = mustHover('- list: mine\n  items: [a, shell_bin$0aries]\n');
    assert.equal(result.covered, 'shell_binaries');
    assert.match(result.contents, /^\*\*list\*\* `shell_binaries`/);
  });

  it('shows a macro at its own definition', () => {
    const result = mustHover('- macro: team_$0m\n  condition: spawned_process\n');
    assert.equal(result.covered, 'team_m');
    assert.match(result.contents, /- `spawned_process`:/);
    assert.match(result.contents, /Defined in `hover_rules\.yaml`, line 1\./);
  });
});

describe('hover on rules, priorities and tags', () => {
  it('shows the source, priority and tags of a rule', () => {
    const result = mustHover('- rule: Read pay$0ment data\n  desc: Reads of card data\n  condition: open_read\n  output: o\n  priority: ERROR\n  source: syscall\n  tags: [maturity_sandbox, PCI_DSS_10.2.1.1]\n');
    assert.equal(result.covered, 'Read payment data');
    assert.match(result.contents, /Source: syscall\. Priority: ERROR\./);
    assert.match(result.contents, /Tags: `maturity_sandbox`, `PCI_DSS_10\.2\.1\.1`\./);
    assert.match(result.contents, /Reads of card data/);
  });

  it('shows the rule an override changes', () => {
    const result = mustHover('- rule: Terminal shell in cont$0ainer\n  priority: WARNING\n  override:\n    priority: replace\n');
    assert.match(result.contents, /Source: syscall\. Priority: WARNING\./);
    assert.match(result.contents, /Tags: [^\n]*`maturity_stable`/);
    assert.match(result.contents, /Defined in `falco_rules\.yaml \(default ruleset\)`/);
    assert.match(result.contents, /Changed in `hover_rules\.yaml`, line 1\./);
  });

  it('shows a priority value', () => {
    const result = mustHover('- rule: r\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: in$0fo\n');
    assert.equal(result.covered, 'info');
    assert.match(result.contents, /^\*\*priority\*\* `Informational`\n\nLevel 6 of 7/);
    assert.match(result.contents, /also accepts `info`/);
  });

  it('shows the requirement of a PCI tag', () => {
    const result = mustHover('- rule: r\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: INFO\n  tags: [maturity_sandbox, PCI_DSS_10.2.$01.1]\n');
    const requirement = findPciRequirement('10.2.1.1')!;
    assert.equal(result.covered, 'PCI_DSS_10.2.1.1');
    assert.equal(result.contents.split('\n')[0], '**PCI DSS v4.0.1 requirement 10.2.1.1**');
    assert.ok(result.contents.includes(requirement.title));
  });

  it('shows a MITRE tag', () => {
    const result = mustHover('- rule: r\n  tags:\n    - mitre_persis$0tence\n    - T1059\n');
    assert.equal(result.contents, '**mitre_persistence**: MITRE ATT&CK tactic Persistence (TA0003).');
  });

  it('shows nothing for unknown tags, keys and plain values', () => {
    assert.equal(hover('- rule: r\n  tags: [team_pa$0yments]\n'), undefined);
    assert.equal(hover('- rule: r\n  prio$0rity: INFO\n'), undefined);
    assert.equal(hover(rule('proc.name = ba$0sh')), undefined);
  });
});
