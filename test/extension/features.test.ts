import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  EXTENSION_ID,
  LANGUAGE_ID,
  ROOT,
  codesAndRanges,
  falcoDiagnostics,
  positionAfter,
  waitForDiagnostics,
  waitForLanguage,
  writeWorkspaceFile,
} from './util';

/**
 * Opens a workspace file written with `text` as a Falco rules file, once our
 * extension is active. With `diagnostics`, also waits until the server has
 * published diagnostics for it.
 */
async function openRulesFile(relativePath: string, text: string, diagnostics = false): Promise<vscode.TextDocument> {
  const uri = writeWorkspaceFile(relativePath, text);
  await vscode.workspace.openTextDocument(uri);
  const document = await waitForLanguage(uri, LANGUAGE_ID);
  await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  if (diagnostics) await waitForDiagnostics(uri, (list) => list.some((d) => d.source === 'falco'), 'diagnostics from the Falco server');
  return document;
}

interface CliDiagnostic {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
}

/** Runs the CLI on files, in that load order, and returns the diagnostics as `CODE@line:column-line:column`, 0-based, sorted. */
function cliCodesAndRanges(...paths: string[]): string[] {
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, [join(ROOT, 'out', 'cli.js'), 'lint', '--format', 'json', ...paths], {
      encoding: 'utf8',
      // In desktop VS Code process.execPath is Electron, which runs as Node with this variable.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
  } catch (error) {
    // Status 1 means the file has errors, and the report is still on standard output.
    const failure = error as { status?: number; stdout?: string };
    if (failure.status !== 1 || failure.stdout === undefined) throw error;
    stdout = failure.stdout;
  }
  return (JSON.parse(stdout) as CliDiagnostic[])
    .map((d) => `${d.code}@${d.line - 1}:${d.column - 1}-${d.endLine - 1}:${d.endColumn - 1}`)
    .sort();
}

const PLACEHOLDER_RULE = [
  '- rule: Placeholder probe',
  '  desc: d',
  '  condition: spawned_process',
  '  output: "shell %(proc.name)s started"',
  '  priority: INFO',
  '',
].join('\n');

describe('language features', () => {
  it('reports the seed rules as the CLI does', async () => {
    const seed = readFileSync(join(ROOT, 'test', 'fixtures', 'cases', 'seed-pci-rules.indented.yaml'), 'utf8');
    const document = await openRulesFile('features/seed_rules.yaml', seed, true);
    const expected = cliCodesAndRanges(document.uri.fsPath);
    assert.equal(expected.length, 52);
    assert.deepEqual(codesAndRanges(falcoDiagnostics(document.uri)), expected);
  });

  it('completes proc.name after proc.', async () => {
    const document = await openRulesFile('features/complete_rules.yaml', '- rule: r\n  desc: d\n  condition: proc.\n  output: o\n  priority: WARNING\n');
    const position = positionAfter(document, 'condition: proc.');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position, '.');
    const labels = list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    assert.ok(labels.includes('proc.name'), `proc.name missing from ${labels.length} items`);
    assert.ok(labels.includes('proc.cmdline'));
    assert.deepEqual(labels.filter((label) => !label.startsWith('proc.')), []);
  });

  it('completes fields after % in an output', async () => {
    const document = await openRulesFile('features/output_rules.yaml', '- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: "shell %"\n  priority: WARNING\n');
    const position = positionAfter(document, 'shell %');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position, '%');
    const labels = new Set(list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label)));
    assert.ok(labels.has('proc.name'));
    assert.ok(labels.has('container.id'));
    assert.ok(!labels.has('ka.user.name'), 'no k8s_audit fields in a syscall rule');
  });

  it('shows the type of fd.sport on hover', async () => {
    const document = await openRulesFile('features/hover_rules.yaml', '- rule: r\n  desc: d\n  condition: evt.type = bind and fd.sport > 1023\n  output: o\n  priority: WARNING\n');
    const position = positionAfter(document, 'fd.sp');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
    const text = hovers.flatMap((hover) => hover.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /fd\.sport/);
    assert.match(text, /PORT/);
  });

  it('applies the quick-fix for a Python-style placeholder', async () => {
    const document = await openRulesFile('features/fix_rules.yaml', PLACEHOLDER_RULE, true);
    const [diagnostic] = falcoDiagnostics(document.uri);
    assert.ok(diagnostic);
    assert.equal(diagnostic.code, 'LOAD_ERR_COMPILE_OUTPUT');
    assert.equal(document.getText(diagnostic.range), '%(proc.name)s');

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((action) => action.isPreferred);
    assert.ok(fix?.edit, `no preferred quick-fix among ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(document.getText(), PLACEHOLDER_RULE.replace('%(proc.name)s', '%proc.name'));
    await waitForDiagnostics(document.uri, (list) => !list.some((d) => d.source === 'falco'), 'the diagnostics to clear');
  });

  it('inserts the rule snippet and the result is clean', async () => {
    const document = await openRulesFile('features/snippet_rules.yaml', PLACEHOLDER_RULE, true);
    const editor = await vscode.window.showTextDocument(document);
    const snippets = JSON.parse(readFileSync(join(ROOT, 'snippets', 'falco-rules.json'), 'utf8')) as Record<string, { body: string[] }>;
    const body = snippets['Falco rule']!.body.join('\n');
    const whole = new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
    assert.ok(await editor.insertSnippet(new vscode.SnippetString(body), whole));

    assert.match(document.getText(), /^- rule: Rule name\n  desc: What the rule detects\.\n/);
    assert.match(document.getText(), /\n  priority: WARNING\n  tags: \[container\]\n$/);
    await waitForDiagnostics(document.uri, (list) => !list.some((d) => d.source === 'falco'), 'the diagnostics to clear');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('renames a macro across two files', async () => {
    const macro = '- macro: pci_interactive_shell\n  condition: spawned_process and proc.name in (shell_binaries)\n';
    // The placeholder error makes the server publish, so the test can see that the macro resolved.
    const rule = '- rule: Interactive shell\n  desc: d\n  condition: pci_interactive_shell and container\n  output: shell (command=%(proc.cmdline))\n  priority: WARNING\n';
    const definitions = await openRulesFile('rename/a_rules.yaml', macro);
    const uses = await openRulesFile('rename/b_rules.yaml', rule, true);
    await waitForDiagnostics(uses.uri, (list) => codesAndRanges(list.filter((d) => d.source === 'falco')).join() === 'LOAD_ERR_COMPILE_OUTPUT@3:25-3:40', 'only the placeholder error');

    const position = positionAfter(uses, 'condition: pci_');
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', uses.uri, position, 'pci_cde_shell');
    assert.deepEqual(edit.entries().map(([uri]) => vscode.workspace.asRelativePath(uri)).sort(), ['rename/a_rules.yaml', 'rename/b_rules.yaml']);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.equal(definitions.getText(), macro.replace('pci_interactive_shell', 'pci_cde_shell'));
    assert.equal(uses.getText(), rule.replace('pci_interactive_shell', 'pci_cde_shell'));

    // Both files, saved and checked together by the CLI, still load: no undefined macro.
    assert.ok(await definitions.save());
    assert.ok(await uses.save());
    assert.deepEqual(cliCodesAndRanges(definitions.uri.fsPath, uses.uri.fsPath), ['LOAD_ERR_COMPILE_OUTPUT@3:25-3:40']);
  });

  it('applies falco.severity changed at run time', async () => {
    const document = await openRulesFile('settings/severity_rules.yaml', PLACEHOLDER_RULE, true);
    const config = vscode.workspace.getConfiguration('falco', document.uri);
    const isOutputError = (severity: vscode.DiagnosticSeverity) => (list: vscode.Diagnostic[]) =>
      list.some((d) => d.source === 'falco' && d.code === 'LOAD_ERR_COMPILE_OUTPUT' && d.severity === severity);
    assert.ok(isOutputError(vscode.DiagnosticSeverity.Error)(vscode.languages.getDiagnostics(document.uri)));
    try {
      await config.update('severity', { LOAD_ERR_COMPILE_OUTPUT: 'info' }, vscode.ConfigurationTarget.Workspace);
      await waitForDiagnostics(document.uri, isOutputError(vscode.DiagnosticSeverity.Information), 'the placeholder error as information');

      await config.update('severity', { LOAD_ERR_COMPILE_OUTPUT: 'off' }, vscode.ConfigurationTarget.Workspace);
      await waitForDiagnostics(document.uri, (list) => !list.some((d) => d.source === 'falco'), 'the placeholder error to be hidden');
    } finally {
      await config.update('severity', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitForDiagnostics(document.uri, isOutputError(vscode.DiagnosticSeverity.Error), 'the placeholder error back as an error');
  });
});
