import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { sep } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, LANGUAGE_ID, ROOT, codesAndRanges, falcoDiagnostics, waitForDiagnostics, waitForLanguage, writeWorkspaceFile } from '../util';

describe('installed extension', () => {
  it('is the installed copy, not the development folder', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    const expectedDir = process.env.FALCO_E2E_EXTENSIONS_DIR;
    assert.ok(expectedDir, 'FALCO_E2E_EXTENSIONS_DIR names the extensions folder the .vsix was installed into');
    assert.ok(extension.extensionPath.startsWith(expectedDir + sep), `${extension.extensionPath} is outside ${expectedDir}`);
    assert.ok(!extension.extensionPath.startsWith(ROOT + sep));
  });

  it('contains runtime files only', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const files = readdirSync(extension.extensionPath, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => `${entry.parentPath}${sep}${entry.name}`.slice(extension.extensionPath.length + 1).split(sep).join('/'))
      .sort();
    for (const bundle of ['out/cli.js', 'out/extension.js', 'out/server.js', 'package.json']) {
      assert.ok(files.includes(bundle), `${bundle} missing from ${files.join(', ')}`);
    }
    const unexpected = files.filter((file) => /^(node_modules|server|client|test|data|scripts|bench)\//.test(file) || /\.(ts|map)$/.test(file));
    assert.deepEqual(unexpected, []);
  });

  it('reports diagnostics on a rules file', async () => {
    const uri = writeWorkspaceFile('installed_rules.yaml', '- rule: r\n  desc: d\n  condition: spawned_process and proc.nmae = bash\n  output: "shell %(proc.name)s"\n  priority: WARNING\n');
    await vscode.workspace.openTextDocument(uri);
    await waitForLanguage(uri, LANGUAGE_ID);
    await waitForDiagnostics(uri, (list) => list.some((d) => d.source === 'falco'), 'diagnostics from the installed server');
    assert.deepEqual(codesAndRanges(falcoDiagnostics(uri)), ['LOAD_ERR_COMPILE_CONDITION@2:33-2:42', 'LOAD_ERR_COMPILE_OUTPUT@3:17-3:30']);
  });
});
