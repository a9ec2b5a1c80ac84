/**
 * The language server's composition root: creates the connection and the
 * workspace, and registers one thin handler per LSP method. All Falco
 * knowledge lives in the core; handlers convert offsets and shapes only.
 *
 * Run with `node out/server.js --stdio` (or `--node-ipc`, as the VS Code
 * client starts it).
 */
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  DidChangeConfigurationNotification,
  InitializeParams,
  InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { RulesWorkspace } from '../core';
import { toLspDiagnostic } from './convert';
import { ServerContext } from './context';
import { FEATURES } from './handlers';
import { normalizeSettings, toWorkspaceOptions } from './settings';

const connection = createConnection(ProposedFeatures.all);
// With a stdio transport stdout is the protocol: route stray console output to the client's log.
console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));

const documents = new TextDocuments(TextDocument);
const workspace = new RulesWorkspace();
let supportsConfiguration = false;
let rootUri: string | undefined;

connection.onInitialize((params: InitializeParams): InitializeResult => {
  supportsConfiguration = !!params.capabilities.workspace?.configuration;
  rootUri = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
  workspace.setOptions(toWorkspaceOptions(normalizeSettings(params.initializationOptions), rootUri));
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      ...Object.assign({}, ...FEATURES.map((feature) => feature.capabilities)),
    },
    serverInfo: { name: 'falco-pci-rules' },
  };
});

connection.onInitialized(() => {
  if (supportsConfiguration) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'falco' });
    void refreshSettings();
  }
});

async function refreshSettings(): Promise<void> {
  try {
    const raw = (await connection.workspace.getConfiguration({ section: 'falco' })) as Record<string, unknown> | null;
    workspace.setOptions(toWorkspaceOptions(normalizeSettings(raw), rootUri));
    publishAll();
  } catch (error) {
    connection.console.error(`settings: could not read the falco settings: ${String(error)}`);
  }
}

connection.onDidChangeConfiguration(() => {
  void refreshSettings();
});

function publishAll(): void {
  syncAll();
  for (const document of documents.all()) publish(document);
}

function publish(document: TextDocument): void {
  try {
    syncDocument(document);
    const diagnostics = workspace.diagnostics(document.uri).map((d) => toLspDiagnostic(document, d));
    void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
  } catch (error) {
    connection.console.error(`diagnostics: failed for ${document.uri}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  }
}

/**
 * Edits arrive per keystroke; the workspace takes the new text only when
 * diagnostics are published (at most every PUBLISH_DELAY_MS) or when a request
 * needs the document, so a burst of edits costs one analysis.
 */
const PUBLISH_DELAY_MS = 50;
const pendingTexts = new Set<string>();
let publishTimer: NodeJS.Timeout | undefined;

function syncDocument(document: TextDocument): void {
  if (!pendingTexts.delete(document.uri)) return;
  workspace.setFile(document.uri, document.getText());
}

function syncAll(): void {
  for (const uri of [...pendingTexts]) {
    const document = documents.get(uri);
    if (document) syncDocument(document);
    else pendingTexts.delete(uri);
  }
}

documents.onDidChangeContent((change) => {
  pendingTexts.add(change.document.uri);
  if (publishTimer) return;
  publishTimer = setTimeout(() => {
    publishTimer = undefined;
    // Other open files may use this file's macros and lists.
    publishAll();
  }, PUBLISH_DELAY_MS);
});

documents.onDidClose((event) => {
  pendingTexts.delete(event.document.uri);
  workspace.removeFile(event.document.uri);
  void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  publishAll();
});

const context: ServerContext = {
  connection,
  documents,
  workspace,
  syncDocument,
  logFailure: (method, uri, error) => {
    connection.console.error(`${method}: failed for ${uri}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  },
};
for (const feature of FEATURES) feature.register(context);

documents.listen(connection);
connection.listen();
