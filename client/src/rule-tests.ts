/**
 * Rule tests in VS Code's Test Explorer: every `*.falco-tests.yaml` file of
 * the workspace is a test item with one child per case. Running a case sends
 * `falco/ruleTests/run` to the server and shows a failure with the condition's
 * explanation tree. Rules get a code lens "Run tests for this rule", and
 * `falco.createRuleTest` writes a first matching case and a near miss.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

const TEST_FILES_GLOB = '**/*.falco-tests.{yaml,yml}';

interface ListedCase {
  name: string;
  rule: string | null;
  range: vscode.Range;
}

interface ExplanationJson {
  kind: string;
  text: string;
  value: boolean;
  location?: { uri: string; range: vscode.Range };
  field?: string;
  fieldValue?: string;
  note?: string;
  children: ExplanationJson[];
}

interface RunResultJson {
  name: string;
  rule: string | null;
  outcome: 'pass' | 'fail' | 'error';
  message: string | null;
  explanation: ExplanationJson | null;
  approximations: string[];
}

/** Writes an explanation tree as indented lines, one sub-expression each. */
function formatExplanation(node: ExplanationJson, indent = ''): string {
  const value = node.fieldValue !== undefined ? `   [${node.field} = ${node.fieldValue}]` : '';
  const note = node.note ? `   (${node.note})` : '';
  const label = node.kind === 'macro' ? `macro ${node.text}` : node.text.replace(/\s+/g, ' ');
  const lines = [`${indent}${node.value ? 'true ' : 'false'}  ${label}${value}${note}`];
  for (const child of node.children) lines.push(formatExplanation(child, `${indent}    `));
  return lines.join('\n');
}

/** Finds the first false comparison on the path of false nodes: the one that made the rule miss. */
function firstFalseCheck(node: ExplanationJson): ExplanationJson | undefined {
  if (node.kind === 'check' && !node.value) return node;
  for (const child of node.children) {
    if (child.value === node.value || node.kind === 'not') {
      const found = firstFalseCheck(child);
      if (found) return found;
    }
  }
  return undefined;
}

/** Asks the user for one of the rules of a rules file, from its document symbols. */
async function pickRule(uri: vscode.Uri): Promise<string | undefined> {
  const symbols = (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri)) ?? [];
  const rules = symbols.filter((symbol) => symbol.kind === vscode.SymbolKind.Event).map((symbol) => symbol.name);
  if (rules.length === 0) return undefined;
  return vscode.window.showQuickPick(rules, { placeHolder: 'Rule to create a test for' });
}

export type RuleTestOutcome = 'passed' | 'failed' | 'errored' | 'skipped';

/**
 * Hooks for the extension-host tests, because the `vscode` API gives an
 * extension no access to test results.
 */
export interface RuleTestHooks {
  controller: vscode.TestController;
  /** Fires when a run ends, with the outcome of each case it ran by test item id. */
  onDidEndRun: vscode.Event<ReadonlyMap<string, RuleTestOutcome>>;
}

export function register(context: vscode.ExtensionContext, client: LanguageClient): RuleTestHooks {
  const controller = vscode.tests.createTestController('falcoRuleTests', 'Falco rule tests');
  const runEnded = new vscode.EventEmitter<ReadonlyMap<string, RuleTestOutcome>>();
  context.subscriptions.push(controller, runEnded);
  /** Case items by rule name, for the code lens and `falco.runRuleTests`. */
  const casesByRule = new Map<string, vscode.TestItem[]>();

  async function loadFile(uri: vscode.Uri): Promise<void> {
    const fileItem = controller.items.get(uri.toString()) ?? controller.createTestItem(uri.toString(), path.basename(uri.fsPath), uri);
    controller.items.add(fileItem);
    let cases: ListedCase[] = [];
    try {
      const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
      cases = await client.sendRequest<ListedCase[]>('falco/ruleTests/list', { uri: uri.toString(), ...(open ? { text: open.getText() } : {}) });
    } catch (error) {
      fileItem.error = `Could not read the test file: ${String(error)}`;
      return;
    }
    for (const items of casesByRule.values()) items.splice(0, items.length, ...items.filter((item) => item.parent !== fileItem));
    fileItem.children.replace(cases.map((testCase) => {
      const item = controller.createTestItem(`${uri.toString()}#${testCase.name}`, testCase.name, uri);
      item.range = new vscode.Range(testCase.range.start.line, testCase.range.start.character, testCase.range.end.line, testCase.range.end.character);
      if (testCase.rule) casesByRule.set(testCase.rule, [...(casesByRule.get(testCase.rule) ?? []), item]);
      return item;
    }));
  }

  controller.resolveHandler = async (item) => {
    if (item?.uri) {
      await loadFile(item.uri);
      return;
    }
    for (const uri of await vscode.workspace.findFiles(TEST_FILES_GLOB, '**/node_modules/**')) await loadFile(uri);
  };

  const watcher = vscode.workspace.createFileSystemWatcher(TEST_FILES_GLOB);
  context.subscriptions.push(
    watcher,
    watcher.onDidCreate((uri) => void loadFile(uri)),
    watcher.onDidChange((uri) => void loadFile(uri)),
    watcher.onDidDelete((uri) => controller.items.delete(uri.toString())),
  );

  async function runHandler(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const run = controller.createTestRun(request);
    const outcomes = new Map<string, RuleTestOutcome>();
    const report = (item: vscode.TestItem, outcome: RuleTestOutcome, message?: vscode.TestMessage) => {
      outcomes.set(item.id, outcome);
      if (outcome === 'passed') run.passed(item);
      else if (outcome === 'skipped') run.skipped(item);
      else if (outcome === 'failed') run.failed(item, message!);
      else run.errored(item, message!);
    };
    const roots: vscode.TestItem[] = request.include ? [...request.include] : [];
    if (!request.include) controller.items.forEach((item) => roots.push(item));
    // Group the cases by file: one request per file.
    const byFile = new Map<string, { uri: vscode.Uri; items: vscode.TestItem[] }>();
    for (const root of roots) {
      if (root.children.size === 0 && root.uri && !root.parent) await loadFile(root.uri);
      const items: vscode.TestItem[] = [];
      if (root.parent) items.push(root);
      else root.children.forEach((child) => items.push(child));
      for (const item of items) {
        if (request.exclude?.includes(item) || !item.uri) continue;
        const entry = byFile.get(item.uri.toString()) ?? { uri: item.uri, items: [] };
        entry.items.push(item);
        byFile.set(item.uri.toString(), entry);
      }
    }
    for (const { uri, items } of byFile.values()) {
      if (token.isCancellationRequested) break;
      items.forEach((item) => run.started(item));
      let results: RunResultJson[] = [];
      try {
        results = await client.sendRequest<RunResultJson[]>('falco/ruleTests/run', { uri: uri.toString(), names: items.map((item) => item.label) });
      } catch (error) {
        items.forEach((item) => report(item, 'errored', new vscode.TestMessage(`The server could not run the case: ${String(error)}`)));
        continue;
      }
      for (const item of items) {
        const result = results.find((candidate) => candidate.name === item.label);
        if (!result) {
          report(item, 'skipped');
          continue;
        }
        if (result.outcome === 'pass') {
          report(item, 'passed');
          continue;
        }
        const text = [result.message ?? '', result.explanation ? `\n${formatExplanation(result.explanation)}` : '', ...result.approximations.map((note) => `\nnote: ${note}`)].join('');
        const message = new vscode.TestMessage(text);
        const culprit = result.explanation ? firstFalseCheck(result.explanation) ?? result.explanation : undefined;
        if (culprit?.location) {
          const range = culprit.location.range;
          message.location = new vscode.Location(vscode.Uri.parse(culprit.location.uri), new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character));
        } else if (item.uri && item.range) {
          message.location = new vscode.Location(item.uri, item.range);
        }
        report(item, result.outcome === 'fail' ? 'failed' : 'errored', message);
      }
    }
    run.end();
    runEnded.fire(outcomes);
  }

  controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => runHandler(request, token), true);

  context.subscriptions.push(
    vscode.commands.registerCommand('falco.runRuleTests', async (ruleName?: string) => {
      await controller.resolveHandler?.(undefined);
      const items = ruleName ? casesByRule.get(ruleName) ?? [] : [];
      if (ruleName && items.length === 0) {
        void vscode.window.showInformationMessage(`No test case names the rule '${ruleName}'. Run 'Falco: Create a test for this rule' to add one.`);
        return;
      }
      const request = new vscode.TestRunRequest(items.length ? items : undefined);
      await runHandler(request, new vscode.CancellationTokenSource().token);
    }),
    vscode.commands.registerCommand('falco.createRuleTest', async (ruleArgument?: string, fileUri?: vscode.Uri | string) => {
      const rulesUri = typeof fileUri === 'string' ? vscode.Uri.parse(fileUri) : fileUri ?? vscode.window.activeTextEditor?.document.uri;
      const ruleName = ruleArgument ?? (rulesUri ? await pickRule(rulesUri) : undefined);
      if (!ruleName || !rulesUri) {
        void vscode.window.showErrorMessage('Falco: open a rules file and pick a rule, or use the code lens above a rule.');
        return;
      }
      const created = await client.sendRequest<{ ok: boolean; message?: string; text?: string; verified?: boolean }>('falco/ruleTests/create', { rule: ruleName });
      if (!created.ok || !created.text) {
        void vscode.window.showErrorMessage(`Falco: ${created.message ?? 'no test could be created.'}`);
        return;
      }
      const base = path.basename(rulesUri.path).replace(/\.ya?ml$/, '');
      const testsUri = vscode.Uri.joinPath(rulesUri, '..', `${base}.falco-tests.yaml`);
      let existing: string | undefined;
      try {
        existing = new TextDecoder().decode(await vscode.workspace.fs.readFile(testsUri));
      } catch {
        existing = undefined;
      }
      // NOTE: appending assumes 'tests:' is the last key of an existing file, as in the files this command writes.
      const content = existing === undefined ? `rules: [${path.basename(rulesUri.path)}]\ntests:\n${created.text}` : `${existing.replace(/\s*$/, '\n')}${created.text}`;
      await vscode.workspace.fs.writeFile(testsUri, new TextEncoder().encode(content));
      await vscode.window.showTextDocument(testsUri);
      await loadFile(testsUri);
      if (!created.verified) void vscode.window.showWarningMessage(`Falco: the event for '${ruleName}' does not match the rule yet; edit it before relying on the test.`);
    }),
    vscode.languages.registerCodeLensProvider({ language: 'falco-rules' }, {
      async provideCodeLenses(document) {
        const symbols = (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri)) ?? [];
        return symbols
          .filter((symbol) => symbol.kind === vscode.SymbolKind.Event)
          .flatMap((symbol) => [
            new vscode.CodeLens(symbol.range, { title: 'Run tests for this rule', command: 'falco.runRuleTests', arguments: [symbol.name] }),
            new vscode.CodeLens(symbol.range, { title: 'Create a test', command: 'falco.createRuleTest', arguments: [symbol.name, document.uri] }),
          ]);
      },
    }),
  );
  return { controller, onDidEndRun: runEnded.event };
}
