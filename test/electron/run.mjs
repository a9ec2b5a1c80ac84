// Runs the extension-host suite in desktop VS Code through @vscode/test-electron,
// for contributors with internet access: it downloads a VS Code build from
// Microsoft on first use. CI runs the same suite in code-server (test/e2e/run.mjs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const workspace = mkdtempSync(join(tmpdir(), 'falco-electron-'));
try {
  await runTests({
    // 1.100.3 is the VS Code that code-server 4.100.3 bundles, and engines.vscode allows it.
    version: '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out', 'tsc', 'test', 'extension', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (error) {
  console.error(`Extension-host tests failed in desktop VS Code: ${error.message ?? error}`);
  process.exitCode = 1;
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
