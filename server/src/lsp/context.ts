/**
 * What every handler needs: the connection, the open documents, the
 * workspace, and a way to bring the workspace up to date with a document
 * before the core answers a request about it.
 */
import type { ClientCapabilities, Connection, ServerCapabilities, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { performance } from 'node:perf_hooks';
import type { RulesWorkspace } from '../core';

export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  workspace: RulesWorkspace;
  /** The capabilities the client sent with `initialize`; empty before it. */
  clientCapabilities(): ClientCapabilities;
  /** Hands the document's latest text to the workspace, if it changed since. */
  syncDocument(document: TextDocument): void;
  /** Logs a failed request with the method and the document, and keeps serving. */
  logFailure(method: string, uri: string, error: unknown): void;
  /** Logs a handled request with its duration when `falco.trace.server` is on. */
  trace(method: string, uri: string, milliseconds: number): void;
}

/**
 * Runs a request handler for an open document: syncs it, calls `answer`, and
 * returns `fallback` when the document is not open or the handler fails.
 */
export function withDocument<T>(context: ServerContext, method: string, uri: string, fallback: T, answer: (document: TextDocument) => T): T {
  const document = context.documents.get(uri);
  if (!document) return fallback;
  const started = performance.now();
  try {
    context.syncDocument(document);
    return answer(document);
  } catch (error) {
    context.logFailure(method, uri, error);
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
