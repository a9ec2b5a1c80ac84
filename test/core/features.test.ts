import * as assert from 'node:assert/strict';
import { RulesWorkspace, doComplete, doHover } from '../../server/src/core';
import { looksLikeFalcoRules } from '../../server/src/core/detect';
import { catalog } from '../../server/src/core/catalog';
import { withCursor } from '../helpers';

const URI = 'file:///features.yaml';

function complete(source: string) {
  const { text, offset } = withCursor(source);
  const workspace = new RulesWorkspace();
  workspace.setFile(URI, text);
  const items = doComplete(workspace, URI, offset);
  return { text, items, labels: items.map((i) => i.label) };
}

function hover(source: string) {
  const { text, offset } = withCursor(source);
  const workspace = new RulesWorkspace();
  workspace.setFile(URI, text);
  const result = doHover(workspace, URI, offset);
  return result && { contents: result.contents, covered: text.slice(result.span.start, result.span.end) };
}

const RULE = (condition: string, output = 'o', source = '') =>
  `- rule: r\n  desc: d\n  condition: ${condition}\n  output: ${output}\n  priority: WARNING\n${source}`;

describe('completion', () => {
  it('offers every proc.* field after proc. and replaces the whole word', () => {
    const { text, items, labels } = complete(RULE('spawned_process and proc.na$0'));
    const expected = catalog.fields.filter((f) => f.name.startsWith('proc.') && f.sources.includes('syscall') && !f.hidden).map((f) => f.name);
    for (const name of expected) assert.ok(labels.includes(name), name);
    const procName = items.find((i) => i.label === 'proc.name')!;
    assert.equal(text.slice(procName.replace.start, procName.replace.end), 'proc.na');
    assert.equal(procName.detail, 'CHARBUF');
  });

  it('offers only the source fields in a k8s_audit rule', () => {
    const { labels } = complete(RULE('ka.$0', 'o', '  source: k8s_audit\n'));
    assert.ok(labels.includes('ka.user.name'));
    assert.ok(!labels.some((l) => l.startsWith('proc.')));
  });

  it('offers macros and keywords at the start of a term', () => {
    const { labels } = complete(RULE('spawned_process and $0'));
    assert.ok(labels.includes('container'));
    assert.ok(labels.includes('not'));
    assert.ok(labels.includes('proc.name'));
  });

  it('offers the operators of the field type', () => {
    const { labels } = complete(RULE('spawned_process and fd.sport $0'));
    assert.deepEqual(labels.sort(), ['!=', '<', '<=', '=', '==', '>', '>=', 'exists', 'in', 'intersects']);
  });

  it('offers event names after evt.type =', () => {
    const { labels } = complete(RULE('evt.type = $0'));
    assert.ok(labels.includes('execve'));
    assert.ok(labels.includes('openat2'));
  });

  it('offers lists inside in (', () => {
    const { labels } = complete(RULE('spawned_process and proc.name in ($0'));
    assert.ok(labels.includes('shell_binaries'));
  });

  it('offers display fields after % in an output', () => {
    const { text, items, labels } = complete(RULE('spawned_process', '"shell %proc.cm$0"'));
    assert.ok(labels.includes('proc.cmdline'));
    assert.ok(!labels.includes('fd.ip'), 'filter-only fields are not offered in outputs');
    const cmdline = items.find((i) => i.label === 'proc.cmdline')!;
    assert.equal(text.slice(cmdline.replace.start, cmdline.replace.end), 'proc.cm');
  });

  it('offers the missing keys of a rule', () => {
    const { labels } = complete('- rule: r\n  desc: d\n  $0\n');
    assert.ok(labels.includes('condition'));
    assert.ok(labels.includes('priority'));
    assert.ok(!labels.includes('desc'));
  });
});

describe('hover', () => {
  it('shows the type and description of a field', () => {
    const result = hover(RULE('evt.type = bind and fd.sp$0ort > 1023'))!;
    assert.equal(result.covered, 'fd.sport');
    assert.match(result.contents, /`PORT`/);
    assert.ok(result.contents.includes(catalog.fields.find((f) => f.name === 'fd.sport')!.description));
  });

  it('shows a field inside an output placeholder', () => {
    const result = hover(RULE('spawned_process', '"user=%user.na$0me"'))!;
    assert.equal(result.covered, 'user.name');
  });

  it('shows the condition of a macro', () => {
    const result = hover(RULE('spawned_pro$0cess'))!;
    assert.equal(result.covered, 'spawned_process');
    assert.match(result.contents, /execve/);
  });

  it('returns nothing outside conditions and outputs', () => {
    assert.equal(hover('- rule: r\n  de$0sc: d\n'), undefined);
  });
});

describe('content detection', () => {
  const cases: Array<[string, boolean]> = [
    ['- rule: r\n  desc: d\n', true],
    ['# comment\n\n- macro: m\n  condition: x\n', true],
    ['---\n- list: l\n  items: []\n', true],
    ['- required_engine_version: 0.57.0\n', true],
    ['apiVersion: v1\nkind: Pod\n', false],
    ['- name: ansible task\n', false],
    ['', false],
  ];
  for (const [text, expected] of cases) {
    it(`${expected ? 'detects' : 'ignores'} ${JSON.stringify(text.split('\n').find((l) => l && !l.startsWith('#') && l !== '---') ?? 'an empty file')}`, () => {
      assert.equal(looksLikeFalcoRules(text), expected);
    });
  }
});

describe('completion at item level', () => {
  it('offers item kinds after a dash and keeps the rest of the line', () => {
    const { text, items } = complete('- r$0ule: My rule\n  desc: d\n');
    const rule = items.find((i) => i.label === 'rule')!;
    assert.equal(rule.insertText, 'rule');
    assert.equal(text.slice(rule.replace.start, rule.replace.end), 'rule');
    assert.ok(!items.some((i) => i.label === 'priority'));
  });

  it('offers a key skeleton on an empty key line', () => {
    const { items } = complete('- rule: r\n  desc: d\n  pri$0\n');
    const priority = items.find((i) => i.label === 'priority')!;
    assert.equal(priority.insertText, 'priority: ');
  });
});
