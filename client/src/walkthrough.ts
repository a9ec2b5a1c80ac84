/**
 * Commands of the getting-started walkthrough: open the example PCI rules
 * file, reveal its first problem, and open the quick-fix menu on it.
 *
 * The example opens as an untitled document with the bundled file's text, so
 * the walkthrough never edits the installed extension or the workspace.
 */
import * as vscode from 'vscode';

const EXAMPLE_PATH = ['examples', 'pci_rules.yaml'];
const LANGUAGE_ID = 'falco-rules';
/** The `source` the language server sets on its diagnostics. */
const DIAGNOSTIC_SOURCE = 'falco';
/** Maximum wait for the server's first diagnostics of a new document, in milliseconds. */
const DIAGNOSTICS_TIMEOUT_MS = 15_000;

export function register(context: vscode.ExtensionContext): void {
  let example: vscode.TextDocument | undefined;

  const showExample = async (): Promise<vscode.TextEditor> => {
    if (!example || example.isClosed) {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, ...EXAMPLE_PATH));
      example = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: new TextDecoder().decode(bytes) });
    }
    return vscode.window.showTextDocument(example);
  };

  /** Moves the cursor to the first problem of the example, or explains why there is none. */
  const goToFirstProblem = async (): Promise<vscode.TextEditor | undefined> => {
    const editor = await showExample();
    const problem = await firstProblem(editor.document.uri);
    if (!problem) {
      void vscode.window.showInformationMessage('The example has no problems left to show. Close it without saving and run "Falco: Open Example PCI Rules File" to start again.');
      return undefined;
    }
    editor.selection = new vscode.Selection(problem.range.start, problem.range.start);
    editor.revealRange(problem.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return editor;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('falco.openExample', async () => {
      await showExample();
    }),
    vscode.commands.registerCommand('falco.showExampleProblem', async () => {
      if (await goToFirstProblem()) await vscode.commands.executeCommand('editor.action.showHover');
    }),
    vscode.commands.registerCommand('falco.showExampleQuickFix', async () => {
      if (await goToFirstProblem()) await vscode.commands.executeCommand('editor.action.quickFix');
    }),
  );
}

/**
 * Returns the server's diagnostic that starts first in `uri`, waiting for the
 * server to publish when it has not yet. Returns undefined when the document
 * has none or when the server does not publish in time.
 */
async function firstProblem(uri: vscode.Uri): Promise<vscode.Diagnostic | undefined> {
  const ours = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === DIAGNOSTIC_SOURCE);
  let diagnostics = ours();
  if (diagnostics.length === 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, DIAGNOSTICS_TIMEOUT_MS);
      const listener = vscode.languages.onDidChangeDiagnostics((event) => {
        if (event.uris.some((changed) => changed.toString() === uri.toString()) && ours().length > 0) done();
      });
      function done(): void {
        clearTimeout(timer);
        listener.dispose();
        resolve();
      }
    });
    diagnostics = ours();
  }
  return diagnostics.sort((a, b) => a.range.start.compareTo(b.range.start))[0];
}
