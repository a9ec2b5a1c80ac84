/**
 * The PCI-DSS features inside VS Code: a template inserted from the snippet
 * file, each template listed once in completion, the coverage report and its
 * status bar item, and rule tests in the Test Explorer.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FalcoTestHooks } from '../../client/src/extension';
import type { RuleTestOutcome } from '../../client/src/rule-tests';
import { EXTENSION_ID, LANGUAGE_ID, ROOT, codesAndRanges, falcoDiagnostics, waitFor, waitForDiagnostics, waitForLanguage, writeWorkspaceFile } from './util';

interface SnippetEntry {
  prefix: string;
  body: string[];
}

/** Reads the PCI-DSS entries of the snippet file, by prefix. */
function pciSnippets(): Map<string, { name: string; body: string }> {
  const file = JSON.parse(readFileSync(join(ROOT, 'snippets', 'falco-rules.json'), 'utf8')) as Record<string, SnippetEntry>;
  const snippets = new Map<string, { name: string; body: string }>();
  for (const [name, entry] of Object.entries(file)) {
    if (entry.prefix.startsWith('pci-')) snippets.set(entry.prefix, { name, body: entry.body.join('\n') });
  }
  return snippets;
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

async function activateExtension(): Promise<FalcoTestHooks> {
  return (await vscode.extensions.getExtension<FalcoTestHooks>(EXTENSION_ID)!.activate()) as FalcoTestHooks;
}

async function openRulesFile(relativePath: string, text: string): Promise<vscode.TextDocument> {
  const uri = writeWorkspaceFile(relativePath, text);
  await vscode.workspace.openTextDocument(uri);
  const document = await waitForLanguage(uri, LANGUAGE_ID);
  await activateExtension();
  return document;
}

function isErrorOrWarning(diagnostic: vscode.Diagnostic): boolean {
  return diagnostic.severity === vscode.DiagnosticSeverity.Error || diagnostic.severity === vscode.DiagnosticSeverity.Warning;
}

describe('PCI-DSS templates', () => {
  it('inserts a template cleanly from the snippet', async () => {
    // 'pc' alone is a YAML scalar where a list of items belongs, so the file starts with an error.
    const document = await openRulesFile('pci/template_rules.yaml', 'pc');
    await waitForDiagnostics(document.uri, (list) => list.some((d) => d.source === 'falco' && d.severity === vscode.DiagnosticSeverity.Error), 'the error on the bare scalar');
    const editor = await vscode.window.showTextDocument(document);

    const position = document.positionAt(2);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
    const item = list.items.find((candidate) => labelOf(candidate) === 'pci-chd-file-access');
    assert.ok(item, `the snippet pci-chd-file-access is missing from ${list.items.length} items`);
    assert.ok(item.insertText instanceof vscode.SnippetString);
    assert.equal(item.insertText.value, pciSnippets().get('pci-chd-file-access')!.body);

    const whole = new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
    assert.ok(await editor.insertSnippet(item.insertText, whole));
    assert.match(document.getText(), /^- list: pci_chd_paths\n {2}items: \[\/data\/cards, \/app\/secrets\]\n/);
    assert.match(document.getText(), /tags: \[.*PCI_DSS_10\.2\.1\.1.*\]/);

    const diagnostics = await waitForDiagnostics(document.uri, (found) => !found.some((d) => d.source === 'falco' && isErrorOrWarning(d)), 'the template to check without errors or warnings');
    assert.deepEqual(codesAndRanges(diagnostics.filter((d) => d.source === 'falco' && isErrorOrWarning(d))), []);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('lists each template once in completion', async () => {
    const document = await openRulesFile('pci/once_rules.yaml', '- macro: m\n  condition: evt.type = execve\n\n');
    const position = document.positionAt(document.getText().length);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
    const labels = list.items.map(labelOf);
    assert.ok(labels.includes('rule'), `the item kind 'rule' is missing from ${labels.join(', ')}`);

    const snippets = pciSnippets();
    assert.equal(snippets.size, 19);
    for (const [prefix, snippet] of snippets) {
      // The server labels a template 'PCI-DSS <ids> – <title>' where the snippet file names it 'PCI-DSS <ids>: <title>'.
      const serverLabel = snippet.name.replace(/^(PCI-DSS [^:]+): /, '$1 – ');
      const offered = list.items.filter((item) => labelOf(item) === prefix || labelOf(item) === serverLabel);
      assert.deepEqual(offered.map(labelOf), [prefix], `${prefix} should be offered once, by the snippet file`);
    }
  });
});

describe('PCI-DSS coverage', () => {
  const TIME_RULE = [
    '- rule: Clock changed in the CDE',
    '  desc: The system clock was set by a process.',
    '  condition: evt.type in (settimeofday, clock_settime)',
    '  output: Clock set (command=%proc.cmdline)',
    '  priority: NOTICE',
    '  tags: [host, PCI_DSS_10.6.3]',
    '',
  ].join('\n');

  it('counts a new rule in the status bar', async () => {
    const hooks = await activateExtension();
    const before = await hooks.coverage.requestReport();
    assert.equal(before.summary.total, 57);
    assert.equal(before.requirements.find((r) => r.id === '10.6.3')?.status, 'none', 'no earlier test file may cover 10.6.3');

    const document = await openRulesFile('coverage/time_rules.yaml', TIME_RULE);
    await vscode.window.showTextDocument(document);
    const expected = `$(shield) PCI ${before.summary.covered + 1}/57`;
    await waitFor(hooks.coverage.onDidUpdateStatus, () => (hooks.coverage.statusText() === expected ? true : undefined), `the status bar to show '${expected}'`);

    const after = await hooks.coverage.requestReport();
    assert.equal(after.summary.covered, before.summary.covered + 1);
    const requirement = after.requirements.find((r) => r.id === '10.6.3')!;
    assert.equal(requirement.status, 'covered');
    assert.deepEqual(requirement.rules, ['Clock changed in the CDE']);
    const rule = after.rules.find((r) => r.name === 'Clock changed in the CDE')!;
    assert.equal(rule.status, 'enabled');
    assert.equal(rule.location.file.endsWith('time_rules.yaml'), true, rule.location.file);
    assert.equal(rule.location.line, 1);
    assert.deepEqual(falcoDiagnostics(document.uri).filter(isErrorOrWarning), []);
  });

  it('opens the report in a webview', async () => {
    await vscode.commands.executeCommand('falco.showCoverage');
    // The workbench reports the new tab to the extension host after the command has returned.
    const findReport = () =>
      vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((tab) => tab.input instanceof vscode.TabInputWebview && tab.label === 'PCI-DSS coverage');
    const report = await waitFor(vscode.window.tabGroups.onDidChangeTabs, findReport, "a 'PCI-DSS coverage' tab");
    assert.ok((report.input as vscode.TabInputWebview).viewType.endsWith('falco.coverage'));
    // Tab objects are replaced when the tab changes, so look it up again to close it.
    await vscode.window.tabGroups.close(findReport()!);
  });
});

describe('rule tests in the Test Explorer', () => {
  const RULES = [
    '- rule: Shell in CDE container',
    '  desc: A shell started in a container.',
    '  condition: spawned_process and container and proc.name in (shell_binaries)',
    '  output: Shell started (command=%proc.cmdline container=%container.id)',
    '  priority: WARNING',
    '  tags: [container, PCI_DSS_10.2.1.2]',
    '',
  ].join('\n');
  const TESTS = [
    'rules: [shell_rules.yaml]',
    'tests:',
    '  - name: bash in a container fires',
    '    rule: Shell in CDE container',
    '    event: { evt.type: execve, proc.name: bash, container.id: 3ad7b26ded6d }',
    '    expect: match',
    '  - name: bash on the host does not fire',
    '    rule: Shell in CDE container',
    '    event: { evt.type: execve, proc.name: bash, container.id: host }',
    '    expect: no_match',
    '  - name: python is wrongly expected to fire',
    '    rule: Shell in CDE container',
    '    event: { evt.type: execve, proc.name: python3, container.id: 3ad7b26ded6d }',
    '    expect: match',
    '',
  ].join('\n');

  it('lists and runs the cases of a test file', async () => {
    writeWorkspaceFile('ruletests/shell_rules.yaml', RULES);
    const testsUri = writeWorkspaceFile('ruletests/shell.falco-tests.yaml', TESTS);
    const { ruleTests } = await activateExtension();
    await ruleTests.controller.resolveHandler!(undefined);

    const file = ruleTests.controller.items.get(testsUri.toString());
    assert.ok(file, `the controller does not list ${testsUri.toString()}`);
    assert.equal(file.error, undefined);
    const cases: vscode.TestItem[] = [];
    file.children.forEach((item) => cases.push(item));
    assert.deepEqual(cases.map((item) => item.label), ['bash in a container fires', 'bash on the host does not fire', 'python is wrongly expected to fire']);
    assert.equal(cases[0]!.range?.start.line, 2);

    let lastRun: ReadonlyMap<string, RuleTestOutcome> | undefined;
    const recorder = ruleTests.onDidEndRun((outcomes) => (lastRun = outcomes));
    const ended = waitFor(ruleTests.onDidEndRun, () => (lastRun?.has(cases[0]!.id) ? lastRun : undefined), 'the test run to end');
    try {
      await vscode.commands.executeCommand('testing.runAll');
      await ended;
    } finally {
      recorder.dispose();
    }
    const outcomes = lastRun!;
    assert.equal(outcomes.get(cases[0]!.id), 'passed');
    assert.equal(outcomes.get(cases[1]!.id), 'passed');
    assert.equal(outcomes.get(cases[2]!.id), 'failed');
  });
});
