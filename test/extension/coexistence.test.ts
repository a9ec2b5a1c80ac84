import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { LANGUAGE_ID, positionAfter, waitForDiagnostics, waitForLanguage, writeWorkspaceFile } from './util';

// These tests need the stub YAML extension (test/extension/stub-yaml) installed
// beside ours, as a general YAML extension such as redhat.vscode-yaml would be.
const STUB_ID = 'falco-pci-rules-tests.stub-yaml';

const RULE = '- rule: r\n  desc: d\n  condition: proc.\n  output: "shell %proc.name"\n  priority: WARNING\n';

function labelsAt(list: vscode.CompletionList): string[] {
  return list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
}

describe('beside a general YAML extension', () => {
  before(function () {
    if (!vscode.extensions.getExtension(STUB_ID)) {
      // Desktop runs through @vscode/test-electron load only our extension.
      this.skip();
    }
  });

  it('leaves the YAML extension working on plain YAML', async () => {
    const uri = writeWorkspaceFile('coexist/settings.yaml', 'server:\n  port: 8080\n');
    const document = await vscode.workspace.openTextDocument(uri);
    await waitForDiagnostics(uri, (list) => list.some((d) => d.source === 'stub-yaml'), 'the stub diagnostic');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, positionAfter(document, 'port: '));
    assert.ok(labelsAt(list).includes('stub-yaml-key'));
  });

  for (const [kind, file] of [
    ['a file matched by name', 'coexist/coexist_rules.yaml'],
    ['a file detected by content', 'coexist/detected.yaml'],
  ]) {
    it(`serves only Falco results on ${kind}`, async () => {
      const uri = writeWorkspaceFile(file!, RULE);
      await vscode.workspace.openTextDocument(uri);
      const document = await waitForLanguage(uri, LANGUAGE_ID);
      const diagnostics = await waitForDiagnostics(
        uri,
        (list) => list.some((d) => d.source === 'falco') && !list.some((d) => d.source === 'stub-yaml'),
        'Falco diagnostics and no stub diagnostic',
      );
      const rendered = diagnostics.map((d) => `${d.source} ${d.code} ${d.range.start.line}:${d.range.start.character} ${d.message}`);
      assert.equal(new Set(rendered).size, rendered.length, `duplicated diagnostics: ${rendered.join('; ')}`);

      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, positionAfter(document, 'condition: proc.'), '.');
      const labels = labelsAt(list);
      assert.ok(!labels.includes('stub-yaml-key'));
      assert.equal(labels.filter((label) => label === 'proc.name').length, 1);
    });
  }
});
