/**
 * What every handler needs: the connection, the open documents, the
 * workspace, and a way to bring the workspace up to date with a document
 * before the core answers a request about it.
 */
import type { CancellationToken, ClientCapabilities, Connection, Position, Range, ServerCapabilities, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { performance } from 'node:perf_hooks';
import type { RulesWorkspace } from '../core';
import type { ClientOptions } from './settings';

export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  workspace: RulesWorkspace;
  /** The capabilities the client sent with `initialize`; empty before it. */
  clientCapabilities(): ClientCapabilities;
  /** The options the client sent in `initializationOptions`; the defaults before `initialize`. */
  clientOptions(): ClientOptions;
  /** Hands the document's latest text to the workspace, if it changed since. */
  syncDocument(document: TextDocument): void;
  /** Logs a failed request with the method and what it was about (the document URI, version and position), and keeps serving. */
  logFailure(method: string, target: string, error: unknown): void;
  /** Logs a handled request with its duration when `falco.trace.server` is on. */
  trace(method: string, uri: string, milliseconds: number): void;
}

/** A request about one document: LSP params with the request's cancellation token. */
export interface DocumentRequest {
  textDocument: { uri: string };
  position?: Position;
  range?: Range;
  token?: CancellationToken;
}

/**
 * Methods whose handler throws instead of running, from the environment
 * variable FALCO_PCI_TEST_FAILING_METHODS (comma-separated, such as `hover`).
 * The server tests set it to check that a failing handler is contained; it
 * is empty otherwise.
 */
const FAILING_METHODS = new Set((process.env.FALCO_PCI_TEST_FAILING_METHODS ?? '').split(',').filter((method) => method !== ''));

function describeTarget(uri: string, document: TextDocument, request: DocumentRequest): string {
  const where = request.position ?? request.range?.start;
  const at = where ? `, line ${where.line + 1}, character ${where.character + 1}` : '';
  return `${uri} (version ${document.version}${at})`;
}

/**
 * Runs a request handler for an open document: syncs it, calls `answer`, and
 * returns `fallback` when the document is not open, the handler fails, the
 * request was cancelled, or the document changed while it ran (the result's
 * ranges would belong to the older text). A failure is logged with the
 * document's URI, version and position, and the server keeps serving.
 */
export function withDocument<T>(
  context: ServerContext,
  method: string,
  request: string | DocumentRequest,
  fallback: T,
  answer: (document: TextDocument, token: CancellationToken | undefined) => T,
): T {
  const target: DocumentRequest = typeof request === 'string' ? { textDocument: { uri: request } } : request;
  const uri = target.textDocument.uri;
  const document = context.documents.get(uri);
  if (!document || target.token?.isCancellationRequested) return fallback;
  const version = document.version;
  const started = performance.now();
  try {
    context.syncDocument(document);
    if (target.token?.isCancellationRequested) return fallback;
    if (FAILING_METHODS.has(method)) throw new Error(`${method} failed on purpose (FALCO_PCI_TEST_FAILING_METHODS)`);
    const result = answer(document, target.token);
    if (target.token?.isCancellationRequested || context.documents.get(uri)?.version !== version) return fallback;
    return result;
  } catch (error) {
    context.logFailure(method, describeTarget(uri, document, target), error);
    return fallback;
  } finally {
    context.trace(method, uri, performance.now() - started);
  }
}

/** One LSP feature: the capabilities it announces and the handlers it registers. */
export interface ServerFeature {
  capabilities: ServerCapabilities;
  register(context: ServerContext): void;
  /** Runs after the server has published diagnostics for a change of the workspace or its settings. */
  afterPublish?(context: ServerContext): void;
}
