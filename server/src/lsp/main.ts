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
  ClientCapabilities,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { readRegularFile } from '../shared/io';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findRulesFiles, readRulesFileIfAny } from './workspace-files';
import { RulesWorkspace } from '../core';
import { toLspDiagnostic } from './convert';
import { ServerContext } from './context';
import { FEATURES } from './handlers';
import { isRuleTestsDocument, publishRuleTestDiagnostics } from './handlers/rule-tests';
import { normalizeSettings, readClientOptions, toWorkspaceOptions } from './settings';
import type { ClientOptions, TraceLevel } from './settings';

const connection = createConnection(ProposedFeatures.all);
// With a stdio transport stdout is the protocol: route stray console output to the client's log.
console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));

const documents = new TextDocuments(TextDocument);
const workspace = new RulesWorkspace();
let supportsConfiguration = false;
let rootUri: string | undefined;
let workspaceFolders: string[] = [];
let traceLevel: TraceLevel = 'off';
let clientCapabilities: ClientCapabilities = {};
let clientOptions: ClientOptions = readClientOptions(undefined);

/** Reads a base rules file named in the settings; logs and skips it when it cannot be read. */
function readBaseRules(uri: string): string | undefined {
  try {
    return readRegularFile(fileURLToPath(uri)).toString('utf8');
  } catch (error) {
    connection.console.error(`settings: cannot read base rules file ${uri}: ${String(error)}. Check falco.baseRulesetFiles.`);
    return undefined;
  }
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  supportsConfiguration = !!params.capabilities.workspace?.configuration;
  clientCapabilities = params.capabilities;
  clientOptions = readClientOptions(params.initializationOptions);
  rootUri = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
  workspaceFolders = (params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : [])).filter((uri) => uri.startsWith('file:'));
  workspace.setOptions(toWorkspaceOptions(normalizeSettings(params.initializationOptions as Record<string, unknown> | null), rootUri, readBaseRules));
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      ...Object.assign({}, ...FEATURES.map((feature) => feature.capabilities)),
    },
    serverInfo: { name: 'falco-pci-rules' },
  };
});

connection.onInitialized(() => {
  indexWorkspaceFolders();
  if (supportsConfiguration) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'falco' });
    void refreshSettings();
  }
});

async function refreshSettings(): Promise<void> {
  try {
    const raw = (await connection.workspace.getConfiguration({ section: 'falco' })) as Record<string, unknown> | null;
    const settings = normalizeSettings(raw);
    traceLevel = settings.trace;
    workspace.setOptions(toWorkspaceOptions(settings, rootUri, readBaseRules));
    // Settings changes are rare: send every document's diagnostics again, changed or not.
    lastPublished.clear();
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
  for (const feature of FEATURES) feature.afterPublish?.(context);
}

/** The diagnostics last sent per URI, so that unchanged ones are not sent again. */
const lastPublished = new Map<string, string>();

function publish(document: TextDocument): void {
  if (isRuleTestsDocument(document)) {
    publishRuleTestDiagnostics(context, document);
    return;
  }
  try {
    syncDocument(document);
    const diagnostics = workspace.diagnostics(document.uri).map((d) => toLspDiagnostic(document, d));
    const key = `${document.version}:${JSON.stringify(diagnostics)}`;
    if (lastPublished.get(document.uri) === key) return;
    lastPublished.set(document.uri, key);
    void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
  } catch (error) {
    connection.console.error(`diagnostics: failed for ${document.uri}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  }
}

/**
 * Edits arrive per keystroke. The workspace takes a document's new text when
 * its diagnostics are published or when a request needs it. An edited or
 * opened document is checked on the next turn of the event loop, so edits
 * that arrived together cost one analysis. The other open documents can
 * change through the edited file's macros and lists, so they are checked
 * once typing pauses for DEPENDENTS_DELAY_MS.
 */
const DEPENDENTS_DELAY_MS = 250;
const pendingTexts = new Set<string>();
const editedUris = new Set<string>();
let editTimer: NodeJS.Immediate | undefined;
let dependentsTimer: NodeJS.Timeout | undefined;

function syncDocument(document: TextDocument): void {
  if (!pendingTexts.delete(document.uri) || isRuleTestsDocument(document)) return;
  workspace.setFile(document.uri, document.getText());
}

function syncAll(): void {
  for (const uri of [...pendingTexts]) {
    const document = documents.get(uri);
    if (document) syncDocument(document);
    else pendingTexts.delete(uri);
  }
}

function scheduleEdited(uri: string): void {
  pendingTexts.add(uri);
  editedUris.add(uri);
  editTimer ??= setImmediate(() => {
    editTimer = undefined;
    const uris = [...editedUris];
    editedUris.clear();
    syncAll();
    for (const edited of uris) {
      const document = documents.get(edited);
      if (document) publish(document);
    }
    scheduleDependents();
  });
}

function scheduleDependents(): void {
  if (dependentsTimer) clearTimeout(dependentsTimer);
  dependentsTimer = setTimeout(() => {
    dependentsTimer = undefined;
    publishAll();
  }, DEPENDENTS_DELAY_MS);
}

documents.onDidOpen((event) => {
  scheduleEdited(event.document.uri);
});

documents.onDidChangeContent((change) => {
  // Opening fires this too.
  if (workspace.getDocument(change.document.uri)?.text === change.document.getText()) return;
  scheduleEdited(change.document.uri);
});

/** Indexes the rules files of every workspace folder that the editor has not opened. */
function indexWorkspaceFolders(): void {
  const started = Date.now();
  let count = 0;
  for (const folder of workspaceFolders) {
    const files = findRulesFiles(fileURLToPath(folder), (path, error) => connection.console.warn(`index: skipped ${path}: ${String(error)}`));
    for (const file of files) {
      const uri = pathToFileURL(file.path).toString();
      if (documents.get(uri)) continue;
      workspace.indexFile(uri, file.text);
      count++;
    }
  }
  if (workspaceFolders.length) connection.console.log(`index: ${count} rules files indexed in ${Date.now() - started} ms`);
  publishAll();
}

/** Takes a file's text from disk when the editor does not hold it; drops it when it is no longer a rules file. */
function reloadFromDisk(uri: string): void {
  if (!uri.startsWith('file:') || documents.get(uri)) return;
  let text: string | undefined;
  try {
    text = readRulesFileIfAny(fileURLToPath(uri));
  } catch {
    // Deleted or unreadable: it no longer takes part.
    text = undefined;
  }
  if (text === undefined) workspace.removeFile(uri);
  else workspace.indexFile(uri, text);
}

connection.onDidChangeWatchedFiles((params) => {
  for (const change of params.changes) reloadFromDisk(change.uri);
  publishAll();
});

documents.onDidClose((event) => {
  pendingTexts.delete(event.document.uri);
  lastPublished.delete(event.document.uri);
  workspace.removeFile(event.document.uri);
  // A file on disk goes on taking part with its saved text.
  reloadFromDisk(event.document.uri);
  void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  publishAll();
});

const context: ServerContext = {
  connection,
  documents,
  workspace,
  clientCapabilities: () => clientCapabilities,
  clientOptions: () => clientOptions,
  syncDocument,
  logFailure: (method, uri, error) => {
    connection.console.error(`${method}: failed for ${uri}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  },
  trace: (method, uri, milliseconds) => {
    if (traceLevel !== 'off') connection.console.log(`trace: ${method} ${uri} answered in ${milliseconds.toFixed(1)} ms`);
  },
};
for (const feature of FEATURES) feature.register(context);

documents.listen(connection);
connection.listen();
