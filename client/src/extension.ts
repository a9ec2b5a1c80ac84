/**
 * The VS Code client: starts the Falco rules language server and gives YAML
 * files that hold Falco rules the `falco-rules` language. All Falco knowledge
 * is in the server.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { looksLikeFalcoRules } from '../../server/src/core/detect';
import nodeOptions from '../../server/src/lsp/node-options.json';
import { register as registerWalkthrough } from './walkthrough';
import * as coverage from './coverage';
import * as pciTemplates from './pci-templates';
import { isRuleTestsFileName } from '../../server/src/core/rule-tests/format';
import * as ruleTests from './rule-tests';
import type { ClientOptions } from '../../server/src/lsp/settings';

const LANGUAGE_ID = 'falco-rules';
let client: LanguageClient | undefined;

/**
 * Hooks that `activate` returns for the extension-host tests, which cannot
 * read the status bar or test results through the `vscode` API. They are no
 * stable API for other extensions.
 */
export interface FalcoTestHooks {
  coverage: coverage.CoverageHooks;
  ruleTests: ruleTests.RuleTestHooks;
}

export async function activate(context: vscode.ExtensionContext): Promise<FalcoTestHooks> {
  const module = context.asAbsolutePath(path.join('out', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: nodeOptions.execArgv } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...nodeOptions.execArgv, '--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: LANGUAGE_ID }, { language: 'falco-tests' }],
    synchronize: {
      configurationSection: 'falco',
      // The server indexes rules files the editor has not opened and follows their changes on disk.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}'),
    },
    // The snippet file already offers the PCI-DSS templates, so the server's template items would show each one twice.
    initializationOptions: { ...vscode.workspace.getConfiguration('falco'), pciTemplateCompletion: false } satisfies Partial<ClientOptions>,
  };
  client = new LanguageClient('falco', 'Falco Rules', serverOptions, clientOptions);

  registerWalkthrough(context);
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(detectFalcoRules));
  vscode.workspace.textDocuments.forEach(detectFalcoRules);
  pciTemplates.register(context, client);
  await client.start();
  return { coverage: coverage.register(context, client), ruleTests: ruleTests.register(context, client) };
}

/** Switches a plain YAML document to the Falco rules language when its first item is a rule, macro or list. */
function detectFalcoRules(document: vscode.TextDocument): void {
  if (document.languageId !== 'yaml') return;
  if (isRuleTestsFileName(document.fileName)) {
    void vscode.languages.setTextDocumentLanguage(document, 'falco-tests');
    return;
  }
  if (looksLikeFalcoRules(document.getText())) {
    void vscode.languages.setTextDocumentLanguage(document, LANGUAGE_ID);
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
