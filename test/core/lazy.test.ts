import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseRulesDocument } from '../../server/src/core/document/model';
import type { RulesItem } from '../../server/src/core/document/model';
import { indexRulesDocument } from '../../server/src/core/document/lazy';
import { RulesWorkspace } from '../../server/src/core';
import { findDefinition } from '../../server/src/core';
import { FIXTURES, readFixture } from '../helpers';

const OFFICIAL = ['rules', 'plugin-rules'].flatMap((folder) =>
  readdirSync(join(FIXTURES, 'official', folder))
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => ({ name, text: readFixture('official', folder, name) })),
);

function facts(item: RulesItem) {
  return { kind: item.kind, name: item.name, nameSpan: item.nameSpan, start: item.elementSpan.start, index: item.index, documentIndex: item.documentIndex };
}

describe('indexed files', () => {
  for (const { name, text } of OFFICIAL) {
    it(`reads ${name} as a full parse does, without parsing its items`, () => {
      const full = parseRulesDocument('file:///a.yaml', text);
      const light = indexRulesDocument('file:///a.yaml', text);
      assert.equal(light.items.length, full.items.length);
      assert.deepEqual(light.items.map(facts), full.items.map(facts));
      // Every item of the official files is plain enough for the scan.
      assert.equal(light.items.filter((item) => !item.summary).length, 0);
      for (const [index, item] of light.items.entries()) {
        const condition = full.items[index]!.get('condition');
        assert.deepEqual(item.get('condition')?.valueSpan, condition?.valueSpan, `${item.name}`);
      }
    });
  }

  it('parses the items a scan cannot read with certainty', () => {
    const text = [
      '- rule: "quoted \\" name"',
      '  condition: evt.type = open',
      '- {macro: flow, condition: x}',
      '- list: continued',
      '    name',
      '  items: [a]',
      '- macro: plain',
      '  condition: evt.type = open',
      '',
    ].join('\n');
    const light = indexRulesDocument('file:///a.yaml', text);
    const full = parseRulesDocument('file:///a.yaml', text);
    assert.deepEqual(light.items.map(facts), full.items.map(facts));
    assert.deepEqual(light.items.map((item) => !!item.summary), [false, false, false, true]);
  });

  it('tells updates from definitions', () => {
    const text = [
      '- rule: r1',
      '  condition: a',
      '- rule: r2',
      '  enabled: false',
      '- rule: r3',
      '  condition: and b',
      '  append: yes   # yaml-cpp reads yes as true',
      '- macro: m1',
      '  condition: x',
      '  override:',
      '    condition: append',
      '- list: l1',
      "  append: 'false'",
      '  items: [a]',
      '',
    ].join('\n');
    const light = indexRulesDocument('file:///a.yaml', text);
    assert.deepEqual(light.items.map((item) => item.summary?.isUpdate), [false, true, true, true, false]);
  });

  it('keeps the words of conditions, exceptions and list items', () => {
    const text = '- rule: r\n  condition: >\n    spawned_process and\n    proc.name in (my_list)\n  exceptions:\n    - name: e\n      values: [[other_list]]\n  output: not_a_word_here\n';
    const [item] = indexRulesDocument('file:///a.yaml', text).items;
    assert.deepEqual(item!.summary!.words, ['spawned_process', 'and', 'proc.name', 'in', 'my_list', 'name:', 'e', 'values:', 'other_list']);
  });

  it('gives an open file the diagnostics it has when every file is parsed', () => {
    const open = OFFICIAL.find((file) => file.name === 'falco-sandbox_rules.yaml')!;
    const others = OFFICIAL.filter((file) => file.name.startsWith('falco') && file !== open);
    const seed = readFixture('cases', 'seed-pci-rules.indented.yaml');
    const results = ['setFile', 'indexFile'].map((method) => {
      const workspace = new RulesWorkspace();
      for (const file of others) (method === 'setFile' ? workspace.setFile(`file:///${file.name}`, file.text) : workspace.indexFile(`file:///${file.name}`, file.text));
      workspace.setFile(`file:///${open.name}`, open.text);
      workspace.setFile('file:///seed_rules.yaml', seed);
      return [workspace.diagnostics(`file:///${open.name}`), workspace.diagnostics('file:///seed_rules.yaml')];
    });
    assert.deepEqual(results[1], results[0]);
    assert.ok(results[0]![1]!.length > 30);
  });

  it('finds definitions in indexed files', () => {
    const workspace = new RulesWorkspace({ useDefaultRules: false });
    workspace.indexFile('file:///lib_rules.yaml', '- macro: my_macro\n  condition: evt.type = open\n');
    const text = '- rule: r\n  desc: d\n  condition: my_macro\n  output: o\n  priority: INFO\n';
    workspace.setFile('file:///main_rules.yaml', text);
    assert.deepEqual(workspace.diagnostics('file:///main_rules.yaml'), []);
    const locations = findDefinition(workspace, 'file:///main_rules.yaml', text.indexOf('my_macro') + 2);
    assert.deepEqual(locations.map((l) => [l.uri, l.span]), [['file:///lib_rules.yaml', { start: 9, end: 17 }]]);
  });

  it('reads an indexed file fully when its diagnostics are asked for', () => {
    const workspace = new RulesWorkspace({ useDefaultRules: false });
    workspace.indexFile('file:///lib_rules.yaml', '- macro: m\n  condition: (\n');
    assert.deepEqual(workspace.diagnostics('file:///lib_rules.yaml').map((d) => d.code), ['LOAD_UNUSED_MACRO', 'LOAD_ERR_COMPILE_CONDITION']);
  });
});

describe('load order advice', () => {
  it('tells a rule to load the macro file first', () => {
    const workspace = new RulesWorkspace({ useDefaultRules: false });
    workspace.setFile('file:///a_rules.yaml', '- rule: r\n  desc: d\n  condition: late_macro\n  output: o\n  priority: INFO\n');
    workspace.setFile('file:///b_rules.yaml', '- macro: late_macro\n  condition: evt.type = open\n');
    const [diagnostic] = workspace.diagnostics('file:///a_rules.yaml');
    assert.equal(diagnostic?.code, 'LOAD_ERR_VALIDATE');
    assert.match(diagnostic!.message, /defined in b_rules\.yaml, which loads after this file\. Falco loads files in order, so load the file that defines it before this one/);
  });
});
