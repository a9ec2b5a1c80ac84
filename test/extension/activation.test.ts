import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, LANGUAGE_ID, codesAndRanges, waitForDiagnostics, waitForLanguage, writeWorkspaceFile } from './util';

// A rule whose only problem is the unknown field proc.nmae on line 2.
const BROKEN_RULE = [
  '- rule: Activation probe',
  '  desc: d',
  '  condition: spawned_process and proc.nmae = bash',
  '  output: shell (command=%proc.cmdline)',
  '  priority: WARNING',
  '',
].join('\n');

/** File names for each of the manifest's filenamePatterns. */
const PATTERN_FILES: Record<string, string> = {
  '*_rules.yaml': 'patterns/custom_rules.yaml',
  '*_rules.yml': 'patterns/custom_rules.yml',
  '*.falco.yaml': 'patterns/custom.falco.yaml',
  '*.falco.yml': 'patterns/custom.falco.yml',
  '**/rules.d/*.yaml': 'patterns/rules.d/custom.yaml',
  '**/rules.d/*.yml': 'patterns/rules.d/custom.yml',
};

async function expectServedAsFalco(uri: vscode.Uri): Promise<void> {
  await waitForLanguage(uri, LANGUAGE_ID);
  const diagnostics = await waitForDiagnostics(uri, (list) => list.some((d) => d.source === 'falco'), 'diagnostics from the Falco server');
  const falco = diagnostics.filter((d) => d.source === 'falco');
  assert.deepEqual(codesAndRanges(falco), ['LOAD_ERR_COMPILE_CONDITION@2:33-2:42']);
}

describe('activation', () => {
  it('covers every filenamePatterns entry of the manifest', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    const languages = extension.packageJSON.contributes.languages as { id: string; filenamePatterns: string[] }[];
    const patterns = languages.find((l) => l.id === LANGUAGE_ID)!.filenamePatterns;
    assert.deepEqual([...patterns].sort(), Object.keys(PATTERN_FILES).sort());
  });

  for (const [pattern, file] of Object.entries(PATTERN_FILES)) {
    it(`serves ${pattern} files`, async () => {
      const uri = writeWorkspaceFile(file, BROKEN_RULE);
      const document = await vscode.workspace.openTextDocument(uri);
      assert.equal(document.languageId, LANGUAGE_ID);
      await expectServedAsFalco(uri);
      assert.equal(vscode.extensions.getExtension(EXTENSION_ID)!.isActive, true);
    });
  }

  it('detects rules in a plain YAML file by content', async () => {
    const uri = writeWorkspaceFile('detect/probe.yaml', BROKEN_RULE);
    const document = await vscode.workspace.openTextDocument(uri);
    assert.equal(document.languageId, 'yaml');
    await expectServedAsFalco(uri);
  });

  it('leaves other YAML files alone', async () => {
    const uri = writeWorkspaceFile('detect/settings.yaml', 'server:\n  port: 8080\n');
    const document = await vscode.workspace.openTextDocument(uri);
    // Detection runs on each opened document in turn, so once a later rules
    // file has switched language, the settings file has been looked at.
    const later = writeWorkspaceFile('detect/later.yaml', BROKEN_RULE);
    await vscode.workspace.openTextDocument(later);
    await waitForLanguage(later, LANGUAGE_ID);
    assert.equal(document.languageId, 'yaml');
    assert.deepEqual(vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'falco'), []);
  });
});
