/**
 * A minimal LSP client for tests: starts the real server (out/server.js)
 * over stdio and speaks JSON-RPC to it, as an editor would.
 */
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  createProtocolConnection,
  ProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  CompletionRequest,
  CompletionItem,
  CompletionList,
  ShutdownRequest,
  ExitNotification,
  LogMessageNotification,
  ConfigurationRequest,
  RegistrationRequest,
  DefinitionRequest,
  ReferencesRequest,
  PrepareRenameRequest,
  RenameRequest,
  DocumentHighlightRequest,
  DocumentHighlight,
  DocumentSymbolRequest,
  DocumentSymbol,
  WorkspaceSymbolRequest,
  SymbolInformation,
  FoldingRangeRequest,
  FoldingRange,
  Location,
  Position,
  Range,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { ROOT } from '../helpers';

const SERVER = join(ROOT, 'out', 'server.js');

export class TestClient {
  readonly connection: ProtocolConnection;
  private readonly process: ChildProcess;
  private readonly waiters = new Map<string, (params: PublishDiagnosticsParams) => void>();
  private readonly published = new Map<string, PublishDiagnosticsParams>();
  /** The `falco` settings the client returns when the server requests them. */
  settings: Record<string, unknown> = {};
  /** Messages the server logged through window/logMessage. */
  readonly logs: string[] = [];

  /**
   * Starts the server. `env` replaces the server's environment; `prefix` is a
   * command that runs it, such as `['unshare', '-n']`.
   */
  constructor(options: { env?: NodeJS.ProcessEnv; prefix?: string[] } = {}) {
    const [command, ...args] = [...(options.prefix ?? []), process.execPath, SERVER, '--stdio'];
    this.process = spawn(command!, args, { stdio: ['pipe', 'pipe', 'inherit'], ...(options.env ? { env: options.env } : {}) });
    this.connection = createProtocolConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.set(params.uri, params);
      this.waiters.get(params.uri)?.(params);
    });
    this.connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => this.settings));
    this.connection.onRequest(RegistrationRequest.type, () => undefined);
    this.connection.onNotification(LogMessageNotification.type, (params) => {
      this.logs.push(params.message);
    });
    this.connection.listen();
  }

  /**
   * Initializes the server, with `rootUri` as the only workspace folder when
   * given, `textDocument` client capabilities and `initializationOptions`.
   */
  async initialize(rootUri: string | null = null, textDocument: Record<string, unknown> = {}, initializationOptions?: unknown): Promise<void> {
    const capabilities = { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } }, textDocument };
    const workspaceFolders = rootUri ? [{ uri: rootUri, name: 'workspace' }] : null;
    await this.connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri, capabilities, workspaceFolders, initializationOptions });
    await this.connection.sendNotification(InitializedNotification.type, {});
  }

  /** Opens a document and resolves with the first diagnostics published for it. */
  open(uri: string, text: string): Promise<PublishDiagnosticsParams> {
    const received = new Promise<PublishDiagnosticsParams>((resolve) => this.waiters.set(uri, resolve));
    void this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'falco-rules', version: 1, text } });
    return received;
  }

  /** Resolves with the next diagnostics published for `uri`. */
  nextDiagnostics(uri: string): Promise<PublishDiagnosticsParams> {
    return new Promise<PublishDiagnosticsParams>((resolve) => this.waiters.set(uri, resolve));
  }

  async complete(uri: string, line: number, character: number): Promise<CompletionItem[]> {
    const result = await this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character } });
    if (!result) return [];
    return Array.isArray(result) ? result : (result as CompletionList).items;
  }

  async definition(uri: string, position: Position): Promise<Location[]> {
    const result = await this.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position });
    if (!result) return [];
    return (Array.isArray(result) ? result : [result]) as Location[];
  }

  async references(uri: string, position: Position, includeDeclaration: boolean): Promise<Location[]> {
    return (await this.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position, context: { includeDeclaration } })) ?? [];
  }

  /** Rejects with the server's message when it refuses the rename. */
  async prepareRename(uri: string, position: Position): Promise<{ range: Range; placeholder: string } | null> {
    return (await this.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position })) as { range: Range; placeholder: string } | null;
  }

  /** Rejects with the server's message when it refuses the rename. */
  async rename(uri: string, position: Position, newName: string): Promise<WorkspaceEdit | null> {
    return this.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position, newName });
  }

  async documentHighlight(uri: string, position: Position): Promise<DocumentHighlight[]> {
    return (await this.connection.sendRequest(DocumentHighlightRequest.type, { textDocument: { uri }, position })) ?? [];
  }

  async documentSymbol(uri: string): Promise<DocumentSymbol[]> {
    return ((await this.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) ?? []) as DocumentSymbol[];
  }

  async workspaceSymbol(query: string): Promise<SymbolInformation[]> {
    return ((await this.connection.sendRequest(WorkspaceSymbolRequest.type, { query })) ?? []) as SymbolInformation[];
  }

  async foldingRange(uri: string): Promise<FoldingRange[]> {
    return (await this.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } })) ?? [];
  }

  async stop(): Promise<void> {
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    this.connection.dispose();
    this.process.kill();
  }
}

/** Returns the 0-based line and character of the first occurrence of `needle`, plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const offset = text.indexOf(needle);
  assert.notEqual(offset, -1, `'${needle}' not found in the test document`);
  const before = text.slice(0, offset + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

