import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { InsertTextFormat } from 'vscode-languageserver/node';
import { RulesWorkspace, doComplete } from '../../server/src/core';
import type { CompletionCandidate } from '../../server/src/core';
import { catalog, fieldsForSource, knownSources, operatorsForType } from '../../server/src/core/catalog';
import { ITEM_KEYS } from '../../server/src/core/schema/items';
import { ALL_OPERATORS, FIELD_TRANSFORMERS } from '../../server/src/core/condition/lexer';
import { pciRequirements } from '../../server/src/core/pci/requirements';
import { toLspCompletionItem } from '../../server/src/lsp/convert';
import { withCursor } from '../helpers';

const URI = 'file:///rules/completion_rules.yaml';

interface Completion {
  text: string;
  items: CompletionCandidate[];
  labels: string[];
  /** The candidate with this label; fails the test when absent. */
  get(label: string): CompletionCandidate;
  /** The text a candidate's replace span covers. */
  covered(candidate: CompletionCandidate): string;
  /** Labels ordered by sortText, then label. */
  sorted(): string[];
}

/** Completes at `$0` in `source`, loaded after the default rules and after `before` files (in order). */
function complete(source: string, before: Record<string, string> = {}): Completion {
  const { text, offset } = withCursor(source);
  const workspace = new RulesWorkspace();
  for (const [uri, content] of Object.entries(before)) workspace.setFile(uri, content);
  workspace.setFile(URI, text);
  const items = doComplete(workspace, URI, offset);
  return {
    text,
    items,
    labels: items.map((i) => i.label),
    get(label) {
      const found = items.find((i) => i.label === label);
      assert.ok(found, `no candidate ${label}`);
      return found;
    },
    covered: (candidate) => text.slice(candidate.replace.start, candidate.replace.end),
    sorted: () => [...items].sort((a, b) => ((a.sortText ?? a.label) < (b.sortText ?? b.label) ? -1 : (a.sortText ?? a.label) > (b.sortText ?? b.label) ? 1 : 0)).map((i) => i.label),
  };
}

const sortedSet = (values: Iterable<string>) => [...new Set(values)].sort();

const rule = (condition: string, extra = '') => `- rule: r\n  desc: d\n  condition: ${condition}\n  output: o\n  priority: WARNING\n${extra}`;
const ruleWithOutput = (output: string, condition = 'spawned_process') => `- rule: r\n  desc: d\n  condition: ${condition}\n  output: ${output}\n  priority: WARNING\n`;

const ITEM_KINDS = ['rule', 'macro', 'list', 'required_engine_version', 'required_plugin_versions'];
const EVENT_NAMES = catalog.events.filter((e) => e.category !== 'unknown').map((e) => e.name);

describe('completion of items', () => {
  it('offers item skeletons at column 0', () => {
    const result = complete('- list: l\n  items: [a]\n$0');
    // The PCI-DSS templates follow the item kinds.
    assert.deepEqual(result.labels.slice(0, ITEM_KINDS.length), ITEM_KINDS);
    assert.equal(result.labels.filter((label) => label.startsWith('PCI-DSS ')).length, 19);
    const ruleItem = result.get('rule');
    assert.equal(ruleItem.isSnippet, true);
    assert.match(ruleItem.insertText!, /^- rule: \$\{1:[^}]+\}\n {2}desc: .*\n {2}condition: .*\n {2}output: .*\n {2}priority: .*\n {2}tags: \[\$6\]$/);
    assert.equal(result.get('macro').insertText, '- macro: ${1:name}\n  condition: ${2:condition}');
    assert.equal(result.covered(ruleItem), '');
  });

  it('offers skeletons without the dash after a dash', () => {
    const result = complete('- ma$0');
    assert.deepEqual(result.labels.slice(0, ITEM_KINDS.length), ITEM_KINDS);
    const macro = result.get('macro');
    assert.equal(macro.insertText, 'macro: ${1:name}\n  condition: ${2:condition}');
    assert.equal(result.covered(macro), 'ma');
    assert.equal(result.get('required_plugin_versions').insertText, 'required_plugin_versions:\n  - name: ${1:container}\n    version: ${2:0.4.0}');
  });

  it('replaces an existing item kind with its name only', () => {
    const result = complete('- mac$0ro: m\n  condition: x\n');
    const macro = result.get('macro');
    assert.equal(macro.insertText, 'macro');
    assert.equal(macro.isSnippet, undefined);
    assert.equal(result.covered(macro), 'macro');
  });
});

describe('completion of keys', () => {
  it('offers exactly the rule keys not yet present', () => {
    const result = complete('- rule: r\n  desc: d\n  priority: INFO\n  $0\n');
    const expected = ITEM_KEYS.rule.map((k) => k.name).filter((k) => !['rule', 'desc', 'priority'].includes(k));
    assert.deepEqual(sortedSet(result.labels), sortedSet(expected));
  });

  it('offers the keys of macros and lists', () => {
    assert.deepEqual(complete('- macro: m\n  $0').labels.sort(), ['append', 'condition', 'override']);
    assert.deepEqual(complete('- list: l\n  items: []\n  $0').labels.sort(), ['append', 'override']);
  });

  it('replaces a whole key from its middle and keeps its colon', () => {
    const result = complete('- rule: r\n  desc: d\n  cond$0ition: x\n');
    const condition = result.get('condition');
    assert.equal(result.covered(condition), 'condition');
    assert.equal(condition.insertText, 'condition');
  });

  it('inserts structured keys as snippets', () => {
    const result = complete('- rule: r\n  desc: d\n  ta$0\n');
    assert.equal(result.covered(result.get('tags')), 'ta');
    assert.equal(result.get('tags').insertText, 'tags: [$1]');
    assert.equal(result.get('tags').isSnippet, true);
    assert.equal(result.get('source').insertText, 'source: ');
  });
});

describe('completion of values', () => {
  it('offers the priorities of the catalog', () => {
    const result = complete('- rule: r\n  priority: WA$0RN\n');
    assert.deepEqual(result.labels, catalog.priorities.map((p) => p.name));
    assert.equal(result.covered(result.get('Warning')), 'WARN');
  });

  it('offers the known sources', () => {
    assert.deepEqual(complete('- rule: r\n  source: $0').labels, [...knownSources()]);
  });

  it('offers booleans for boolean keys', () => {
    for (const key of ['enabled', 'warn_evttypes', 'skip-if-unknown-filter', 'capture', 'append']) {
      assert.deepEqual(complete(`- rule: r\n  ${key}: $0`).labels, ['true', 'false'], key);
    }
    assert.deepEqual(complete('- rule: r\n  capture_duration: $0').labels, []);
  });

  it('offers the keys an override may change', () => {
    const ruleKeys = ITEM_KEYS.rule.filter((k) => k.override).map((k) => k.name);
    assert.deepEqual(sortedSet(complete('- rule: r\n  condition: and x\n  override:\n    $0').labels), sortedSet(ruleKeys));
    assert.deepEqual(complete('- macro: m\n  override:\n    $0').labels, ['condition']);
    assert.deepEqual(complete('- list: l\n  override:\n    it$0').labels, ['items']);
    const present = complete('- rule: r\n  override:\n    condition: append\n    $0').labels;
    assert.ok(!present.includes('condition'));
    assert.ok(present.includes('output'));
  });

  it('offers the operations an override key accepts', () => {
    assert.deepEqual(complete('- rule: r\n  override:\n    condition: $0').labels, ['append', 'replace']);
    assert.deepEqual(complete('- rule: r\n  override:\n    priority: $0').labels, ['replace']);
    const result = complete('- rule: r\n  override:\n    desc: app$0end\n');
    assert.equal(result.covered(result.get('append')), 'append');
  });

  it('inserts an override key with a choice of operations', () => {
    const result = complete('- rule: r\n  override:\n    $0');
    assert.equal(result.get('condition').insertText, 'condition: ${1|append,replace|}');
    assert.equal(result.get('priority').insertText, 'priority: replace');
  });
});

describe('completion in exceptions', () => {
  it('offers the exception keys of a new exception', () => {
    assert.deepEqual(complete('- rule: r\n  exceptions:\n    - $0').labels, ['name', 'fields', 'comps', 'values']);
  });

  it('leaves out the keys an exception has', () => {
    assert.deepEqual(complete('- rule: r\n  exceptions:\n    - name: e\n      fields: [proc.name]\n      $0\n').labels, ['comps', 'values']);
  });

  it('offers comparison operators in comps', () => {
    assert.deepEqual(complete('- rule: r\n  exceptions:\n    - name: e\n      fields: [proc.name, fd.name]\n      comps: [=, $0]\n').labels, ALL_OPERATORS);
    const single = complete('- rule: r\n  exceptions:\n    - name: e\n      fields: proc.name\n      comps: pm$0\n');
    assert.deepEqual(single.labels, ALL_OPERATORS);
    assert.equal(single.covered(single.get('pmatch')), 'pm');
  });

  it('offers the rule source fields in fields', () => {
    const result = complete('- rule: r\n  source: k8s_audit\n  exceptions:\n    - name: e\n      fields: [ka.us$0]\n');
    assert.ok(result.labels.includes('ka.user.name'));
    assert.ok(result.labels.every((label) => label.startsWith('ka.')));
    assert.equal(result.covered(result.get('ka.user.name')), 'ka.us');
  });
});

describe('completion of tags', () => {
  const other = { 'file:///rules/team_rules.yaml': '- rule: team\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: INFO\n  tags: [team_payments]\n' };

  it('offers PCI requirement tags with their titles', () => {
    const result = complete('- rule: r\n  tags: [maturity_sandbox, $0]\n', other);
    for (const requirement of pciRequirements()) {
      const candidate = result.get(`PCI_DSS_${requirement.id}`);
      assert.equal(candidate.detail, requirement.title);
      assert.ok(candidate.documentation!.includes(requirement.title));
    }
  });

  it('offers conventions and tags in use', () => {
    const result = complete('- rule: r\n  tags:\n    - maturity_sandbox\n    - $0\n', other);
    for (const tag of ['maturity_stable', 'maturity_incubating', 'maturity_deprecated', 'mitre_execution', 'mitre_persistence', 'T1059', 'TA0005']) assert.ok(result.labels.includes(tag), tag);
    assert.ok(result.labels.includes('team_payments'), 'a tag of another workspace file');
    assert.ok(result.labels.includes('container'), 'a tag of the default ruleset');
    assert.ok(!result.labels.includes('maturity_sandbox'), 'tags the rule has are left out');
  });

  it('replaces the tag being typed', () => {
    const result = complete('- rule: r\n  tags: [PCI_DSS_10.2$0.1]\n');
    assert.equal(result.covered(result.get('PCI_DSS_10.2.1.1')), 'PCI_DSS_10.2.1');
    assert.equal(result.sorted()[0], 'PCI_DSS_10.2.1');
  });
});

describe('completion of fields in conditions', () => {
  it('offers only the fields of a syscall rule', () => {
    const { labels } = complete(rule('spawned_process and $0'));
    assert.ok(!labels.some((l) => l.startsWith('ka.')), 'no k8s_audit fields');
    assert.ok(!labels.some((l) => l.startsWith('ct.')), 'no cloudtrail fields');
    assert.ok(labels.includes('proc.name'));
  });

  it('offers only the k8s_audit fields of a k8s_audit rule', () => {
    const { items } = complete(rule('ka.$0', '  source: k8s_audit\n'));
    const expected = fieldsForSource('k8s_audit').filter((f) => f.name.startsWith('ka.') && !f.hidden).map((f) => f.name);
    assert.deepEqual(sortedSet(items.map((i) => i.label)), sortedSet(expected));
  });

  it('offers the fields of every source in a macro', () => {
    const { labels } = complete('- macro: m\n  condition: $0\n');
    assert.ok(labels.includes('ka.user.name'));
    assert.ok(labels.includes('proc.name'));
    assert.ok(labels.includes('ct.name'));
  });

  it('gives each field its type and description', () => {
    const result = complete(rule('fd.sp$0'));
    const sport = result.get('fd.sport');
    assert.equal(sport.detail, 'PORT');
    assert.ok(sport.documentation!.includes(catalog.fields.find((f) => f.name === 'fd.sport')!.description));
    assert.equal(sport.kind, 'field');
  });

  it('replaces a whole dotted word from its middle', () => {
    const result = complete(rule('spawned_process and proc.na$0me = bash'));
    assert.equal(result.covered(result.get('proc.name')), 'proc.name');
    assert.ok(result.labels.every((l) => l.startsWith('proc.')));
  });

  it('replaces the word inside a folded condition', () => {
    const result = complete('- rule: r\n  desc: d\n  condition: >\n    spawned_process and\n    proc.na$0\n  output: o\n  priority: INFO\n');
    assert.equal(result.covered(result.get('proc.name')), 'proc.na');
  });

  it('ranks prefix matches first, then common fields', () => {
    const sorted = complete(rule('proc.c$0')).sorted();
    const firstOther = sorted.findIndex((l) => !l.startsWith('proc.c'));
    assert.ok(sorted.slice(firstOther).every((l) => !l.startsWith('proc.c')), 'prefix matches come first');
    assert.equal(sorted[0], 'proc.cmdline');
    const atStart = complete(rule('$0')).sorted();
    assert.ok(['proc.name', 'proc.cmdline', 'fd.name', 'evt.type', 'container.id', 'user.name'].every((name) => atStart.indexOf(name) < atStart.indexOf('proc.cwd')));
  });
});

describe('completion of event arguments', () => {
  it('offers exactly the arguments of open after evt.type = open', () => {
    const result = complete(rule('evt.type = open and evt.arg.$0'));
    const open = catalog.events.find((e) => e.name === 'open')!;
    assert.deepEqual(sortedSet(result.labels), sortedSet(open.params.map((p) => `evt.arg.${p.name}`)));
    assert.equal(result.covered(result.get('evt.arg.name')), 'evt.arg.');
    assert.match(result.get('evt.arg.name').detail!, /^FSPATH/);
  });

  it('follows the events of macros', () => {
    const result = complete(rule('spawned_process and evt.arg.$0'));
    const execs = catalog.events.filter((e) => e.name === 'execve' || e.name === 'execveat');
    assert.deepEqual(sortedSet(result.labels), sortedSet(execs.flatMap((e) => e.params.map((p) => `evt.arg.${p.name}`))));
  });

  it('offers every argument when no event type is selected', () => {
    const result = complete(rule('proc.name = bash and evt.rawarg.$0'));
    assert.deepEqual(sortedSet(result.labels), sortedSet(catalog.eventParams.map((p) => `evt.rawarg.${p.name}`)));
  });

  it('uses the events of the rule an appended condition extends', () => {
    const result = complete('- rule: Terminal shell in container\n  condition: and evt.arg.$0\n  override:\n    condition: append\n');
    assert.ok(result.labels.includes('evt.arg.exe'));
    assert.ok(!result.labels.includes('evt.arg.sport'));
  });
});

describe('completion of operators', () => {
  it('offers exactly the operators of a PORT field', () => {
    assert.deepEqual(complete(rule('spawned_process and fd.sport $0')).labels, [...operatorsForType('PORT')]);
  });

  it('offers the string operators of a string field', () => {
    const result = complete(rule('proc.name $0'));
    assert.deepEqual(result.labels, [...operatorsForType('CHARBUF')]);
    assert.ok(result.get('contains').documentation!.includes('substring'));
  });

  it('offers the list operators of a list field', () => {
    assert.deepEqual(complete(rule('fd.types $0')).labels, ['exists', 'in', 'intersects']);
  });

  it('offers operators after a field argument', () => {
    assert.deepEqual(complete(rule('container.label[app] $0')).labels, [...operatorsForType('CHARBUF')]);
    assert.deepEqual(complete(rule('container.label $0')).labels, [], 'the field requires an argument');
  });

  it('offers operators after a transformer', () => {
    assert.deepEqual(complete(rule('len(proc.args) $0')).labels, [...operatorsForType('UINT64')]);
    assert.deepEqual(complete(rule('tolower(proc.name) $0')).labels, [...operatorsForType('CHARBUF')]);
  });

  it('replaces the operator being typed', () => {
    const result = complete(rule('proc.name star$0'));
    assert.equal(result.covered(result.get('startswith')), 'star');
    assert.equal(result.sorted()[0], 'startswith');
  });
});

describe('completion of values in conditions', () => {
  it('offers event names after evt.type = and !=', () => {
    assert.deepEqual(sortedSet(complete(rule('evt.type = $0')).labels), sortedSet(EVENT_NAMES));
    const result = complete(rule('evt.type != ope$0'));
    assert.deepEqual(sortedSet(result.labels), sortedSet(EVENT_NAMES));
    assert.equal(result.covered(result.get('open')), 'ope');
  });

  it('offers event names inside evt.type in (', () => {
    assert.deepEqual(sortedSet(complete(rule('evt.type in ($0')).labels), sortedSet(EVENT_NAMES));
    assert.deepEqual(sortedSet(complete(rule('evt.type in (open, $0)')).labels), sortedSet(EVENT_NAMES));
  });

  it('offers the lists in scope inside in (', () => {
    const earlier = { 'file:///rules/a_rules.yaml': '- list: team_binaries\n  items: [payd]\n' };
    const later = { 'file:///rules/z_rules.yaml': '- list: later_binaries\n  items: [x]\n' };
    const workspace = new RulesWorkspace();
    workspace.setFile(Object.keys(earlier)[0]!, Object.values(earlier)[0]!);
    const { text, offset } = withCursor(rule('proc.name in (sh, $0)'));
    workspace.setFile(URI, text);
    workspace.setFile(Object.keys(later)[0]!, Object.values(later)[0]!);
    const labels = doComplete(workspace, URI, offset).map((i) => i.label);
    const program = workspace.getProgram();
    assert.deepEqual(sortedSet(labels), sortedSet(program.namesOf('list', program.fileIndexOf(URI))));
    assert.ok(labels.includes('shell_binaries'));
    assert.ok(labels.includes('team_binaries'));
    assert.ok(!labels.includes('later_binaries'), 'a list of a file loaded later');
  });

  it('offers lists after a list operator without parentheses', () => {
    assert.ok(complete(rule('proc.name in $0')).labels.includes('shell_binaries'));
  });

  it('offers nothing in a plain value or a quoted string', () => {
    assert.deepEqual(complete(rule('proc.name = $0')).labels, []);
    assert.deepEqual(complete(rule('proc.name = "a $0"')).labels, []);
  });
});

describe('completion of macros and keywords', () => {
  it('offers the visible macros with their conditions', () => {
    const result = complete(rule('$0'));
    const macro = result.get('spawned_process');
    assert.equal(macro.kind, 'macro');
    assert.match(macro.documentation!, /evt\.type in \(execve, execveat\)/);
    assert.match(macro.documentation!, /falco_rules\.yaml/);
  });

  it('offers a macro only the macros defined before it', () => {
    const text = '- macro: first\n  condition: proc.name = a\n- macro: second\n  condition: $0\n- macro: third\n  condition: proc.name = c\n- rule: r\n  desc: d\n  condition: second or third\n  output: o\n  priority: INFO\n';
    const { labels } = complete(text);
    assert.ok(labels.includes('first'));
    assert.ok(!labels.includes('second'), 'itself');
    assert.ok(!labels.includes('third'), 'defined later');
    const inRule = complete(rule('$0', '- macro: third\n  condition: proc.name = c\n')).labels;
    assert.ok(inRule.includes('third'), 'a rule sees every macro of its file');
  });

  it('offers macros of earlier workspace files only', () => {
    const earlier = { 'file:///rules/a_rules.yaml': '- macro: team_macro\n  condition: proc.name = a\n' };
    assert.ok(complete(rule('$0'), earlier).labels.includes('team_macro'));
    const workspace = new RulesWorkspace();
    const { text, offset } = withCursor(rule('$0'));
    workspace.setFile(URI, text);
    workspace.setFile('file:///rules/z_rules.yaml', '- macro: later_macro\n  condition: proc.name = z\n');
    assert.ok(!doComplete(workspace, URI, offset).some((c) => c.label === 'later_macro'));
  });

  it('offers not and transformers where a check starts', () => {
    const { labels, items } = complete(rule('spawned_process and $0'));
    assert.ok(labels.includes('not'));
    assert.ok(!labels.includes('and'));
    for (const name of FIELD_TRANSFORMERS) assert.ok(labels.includes(`${name}()`), name);
    const tolower = items.find((i) => i.label === 'tolower()')!;
    assert.equal(tolower.insertText, 'tolower($1)');
    assert.equal(tolower.isSnippet, true);
  });

  it('offers fields and transformers inside a transformer', () => {
    const { labels } = complete(rule('tolower($0'));
    assert.ok(labels.includes('proc.name'));
    assert.ok(labels.includes('toupper()'));
    assert.ok(!labels.includes('spawned_process'), 'no macros');
    const inVal = complete(rule('proc.name = val($0')).labels;
    assert.ok(inVal.includes('proc.pname'));
    assert.ok(!inVal.includes('tolower()'), 'val takes a field only');
  });

  it('offers and and or after a complete check', () => {
    assert.deepEqual(complete(rule('proc.name = bash $0')).labels, ['and', 'or']);
    assert.deepEqual(complete(rule('spawned_process $0')).labels, ['and', 'or']);
    assert.deepEqual(complete(rule('proc.name in (bash, sh) $0')).labels, ['and', 'or']);
    assert.deepEqual(complete(rule('proc.name exists $0')).labels, ['and', 'or']);
    const result = complete(rule('spawned_process an$0'));
    assert.equal(result.covered(result.get('and')), 'an');
  });

  it('reads an appended condition after its leading and', () => {
    const { labels } = complete('- macro: spawned_process\n  condition: and $0\n  override:\n    condition: append\n');
    assert.ok(labels.includes('proc.name'));
    assert.ok(labels.includes('not'));
  });
});

describe('completion in outputs', () => {
  it('offers display fields and name=%field pairs after %', () => {
    const result = complete(ruleWithOutput('"shell %proc.na$0"'));
    const plain = result.get('proc.name');
    const pair = result.get('proc_name=%proc.name');
    assert.equal(result.covered(plain), 'proc.na');
    assert.equal(result.covered(pair), '%proc.na');
    assert.equal(pair.insertText, 'proc_name=%proc.name');
    assert.equal(pair.filterText, '%proc.name');
    const sorted = result.sorted();
    assert.equal(sorted.indexOf('proc_name=%proc.name'), sorted.indexOf('proc.name') + 1);
  });

  it('leaves out filter-only fields', () => {
    const { labels } = complete(ruleWithOutput('"%$0"'));
    assert.ok(!labels.includes('fd.ip'));
    assert.ok(!labels.includes('fd_ip=%fd.ip'));
    assert.ok(labels.includes('user_name=%user.name'));
    assert.ok(!labels.some((l) => l.startsWith('ka.')));
  });

  it('keeps the width digits of a placeholder', () => {
    const result = complete(ruleWithOutput('"%10fd.na$0"'));
    assert.equal(result.covered(result.get('fd.name')), 'fd.na');
    assert.equal(result.covered(result.get('fd_name=%fd.name')), '%10fd.na');
  });

  it('offers the arguments of the selected events', () => {
    const result = complete(ruleWithOutput('"file=%evt.arg.$0"', 'evt.type = open'));
    assert.ok(result.labels.includes('evt.arg.flags'));
    assert.ok(result.labels.includes('evt_arg_flags=%evt.arg.flags'));
    assert.ok(!result.labels.includes('evt.arg.sport'));
  });

  it('offers nothing outside a placeholder', () => {
    assert.deepEqual(complete(ruleWithOutput('"shell pro$0"')).labels, []);
  });
});

describe('completion items over LSP', () => {
  it('marks snippets and keeps filter texts', () => {
    const { text, offset } = withCursor('- rule: r\n  desc: d\n  condition: spawned_process\n  output: "%proc.na$0"\n  priority: INFO\n');
    const workspace = new RulesWorkspace();
    workspace.setFile(URI, text);
    const document = TextDocument.create(URI, 'falco-rules', 1, text);
    const pair = doComplete(workspace, URI, offset).find((c) => c.label === 'proc_name=%proc.name')!;
    const item = toLspCompletionItem(document, pair);
    assert.equal(item.filterText, '%proc.name');
    assert.equal(item.insertTextFormat, undefined);

    const top = withCursor('$0');
    workspace.setFile(URI, top.text);
    const skeleton = doComplete(workspace, URI, top.offset).find((c) => c.label === 'rule')!;
    assert.equal(toLspCompletionItem(TextDocument.create(URI, 'falco-rules', 2, top.text), skeleton).insertTextFormat, InsertTextFormat.Snippet);
  });
});
