/**
 * PCI-DSS features of the real language server over stdio: the
 * `falco/pciTemplates` request, template completion with and without
 * snippet support, and the requirement code lenses.
 */
import * as assert from 'node:assert/strict';
import { CodeLensRequest, CompletionItemKind, InsertTextFormat } from 'vscode-languageserver-protocol/node';
import type { CodeLens, TextEdit } from 'vscode-languageserver-protocol/node';
import { findPciRequirement } from '../../server/src/core/pci/requirements';
import { findPciTemplate, pciTemplateText } from '../../server/src/core/pci/templates';
import type { PciTemplateInfo } from '../../server/src/core';
import { TestClient } from './client';

const RULES = [
  '- rule: Card data read',
  '  desc: d',
  '  condition: open_read and fd.name startswith /data/cards',
  '  output: o (file=%fd.name)',
  '  priority: INFO',
  '  tags: [filesystem, PCI_DSS_10.2.1.1, PCI_DSS_10.2.2]',
  '',
  '',
].join('\n');

describe('PCI features over stdio', function () {
  this.timeout(30000);

  describe('with snippet support', () => {
    let client: TestClient;

    before(async () => {
      client = new TestClient();
      await client.initialize(null, { completion: { completionItem: { snippetSupport: true } } });
    });

    after(async () => {
      await client.stop();
    });

    it('returns the templates', async () => {
      const templates = await client.connection.sendRequest<PciTemplateInfo[]>('falco/pciTemplates');
      assert.equal(templates.length, 19);
      const t03 = templates.find((template) => template.id === 'T03')!;
      assert.equal(t03.label, 'PCI-DSS 10.2.1.1, 10.2.2, 7.2.5, 10.2.1.4 – Access to cardholder data files');
      assert.deepEqual(t03.requirements[0], { id: '10.2.1.1', title: findPciRequirement('10.2.1.1')!.title });
      assert.equal(t03.snippet, findPciTemplate('T03')!.snippet);
      assert.equal(t03.text, pciTemplateText(findPciTemplate('T03')!));
      assert.ok(!t03.text.includes('${'));
    });

    it('completes a template as a snippet', async () => {
      const uri = 'file:///pci/snippet_rules.yaml';
      await client.open(uri, RULES);
      const items = await client.complete(uri, 7, 0);
      const item = items.find((candidate) => candidate.label === 'PCI-DSS 10.6.3 – System time or time synchronization changed')!;
      assert.equal(item.kind, CompletionItemKind.Snippet);
      assert.equal(item.insertTextFormat, InsertTextFormat.Snippet);
      assert.equal((item.textEdit as TextEdit).newText, findPciTemplate('T17')!.snippet);
    });

    it('shows a lens above a tagged rule', async () => {
      const uri = 'file:///pci/lens_rules.yaml';
      await client.open(uri, RULES);
      const lenses = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) as CodeLens[];
      assert.equal(lenses.length, 1);
      const lens = lenses[0]!;
      assert.deepEqual(lens.range, { start: { line: 0, character: 2 }, end: { line: 0, character: 22 } });
      const titles = ['10.2.1.1', '10.2.2'].map((id) => `${id} ${findPciRequirement(id)!.title.replace(/\.$/, '')}`);
      assert.equal(lens.command!.title, `PCI DSS ${titles.join(' · ')}`);
      assert.equal(lens.command!.command, 'falco.showCoverage');
      assert.deepEqual(lens.command!.arguments, [{ requirements: ['10.2.1.1', '10.2.2'] }]);
    });
  });

  describe('with pciTemplateCompletion false', () => {
    let client: TestClient;

    before(async () => {
      client = new TestClient();
      await client.initialize(null, { completion: { completionItem: { snippetSupport: true } } }, { pciTemplateCompletion: false, baseRuleset: 'bundled' });
    });

    after(async () => {
      await client.stop();
    });

    it('completes item kinds without templates', async () => {
      const uri = 'file:///pci/no_templates_rules.yaml';
      await client.open(uri, RULES);
      const items = await client.complete(uri, 7, 0);
      assert.deepEqual(items.map((item) => item.label), ['rule', 'macro', 'list', 'required_engine_version', 'required_plugin_versions']);
      assert.deepEqual(items.filter((item) => item.kind === CompletionItemKind.Snippet), []);
    });

    it('still returns the templates by request', async () => {
      const templates = await client.connection.sendRequest<PciTemplateInfo[]>('falco/pciTemplates');
      assert.equal(templates.length, 19);
    });
  });

  describe('without snippet support', () => {
    let client: TestClient;

    before(async () => {
      client = new TestClient();
      await client.initialize();
    });

    after(async () => {
      await client.stop();
    });

    it('completes a template as plain text', async () => {
      const uri = 'file:///pci/plain_rules.yaml';
      await client.open(uri, RULES);
      const items = await client.complete(uri, 7, 0);
      const item = items.find((candidate) => candidate.label === 'PCI-DSS 10.6.3 – System time or time synchronization changed')!;
      assert.equal(item.insertTextFormat, undefined);
      assert.equal((item.textEdit as TextEdit).newText, pciTemplateText(findPciTemplate('T17')!));
      const skeleton = items.find((candidate) => candidate.label === 'rule')!;
      assert.equal((skeleton.textEdit as TextEdit).newText.split('\n')[0], '- rule: Rule name');
    });
  });
});
