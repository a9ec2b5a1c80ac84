// A stand-in for a general YAML extension in the extension-host tests. For every
// document whose language is yaml, it completes `stub-yaml-key` and reports one
// `stub-yaml` diagnostic on the first line. Like YAML extensions, it clears that
// diagnostic when the document is closed or changes language.
const vscode = require('vscode');

const SELECTOR = { language: 'yaml' };

function activate(context) {
  const diagnostics = vscode.languages.createDiagnosticCollection('stub-yaml');
  context.subscriptions.push(diagnostics);

  const check = (document) => {
    if (document.languageId !== 'yaml') return;
    const diagnostic = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), 'Checked by stub-yaml.', vscode.DiagnosticSeverity.Information);
    diagnostic.source = 'stub-yaml';
    diagnostics.set(document.uri, [diagnostic]);
  };
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((event) => check(event.document)),
    vscode.workspace.onDidCloseTextDocument((document) => diagnostics.delete(document.uri)),
    vscode.languages.registerCompletionItemProvider(SELECTOR, {
      provideCompletionItems: () => [new vscode.CompletionItem('stub-yaml-key', vscode.CompletionItemKind.Property)],
    }, '.', '%'),
  );
  vscode.workspace.textDocuments.forEach(check);
}

module.exports = { activate };
