/**
 * Conversion of core spans in any document of the workspace, open in the
 * editor or not, to LSP ranges, for the handlers whose results span files.
 */
import type { Range } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_RULES_URI } from '../../core';
import type { Span } from '../../core';
import type { ServerContext } from '../context';

/** Hands every open document's latest text to the workspace, so that results in other files are current. */
export function syncOpenDocuments(context: ServerContext): void {
  for (const document of context.documents.all()) context.syncDocument(document);
}

/** Converts spans to ranges, reading each document's text once per request. */
export class WorkspacePositions {
  private readonly cache = new Map<string, TextDocument | undefined>();

  constructor(private readonly context: ServerContext) {}

  /**
   * Returns the text of a workspace document to convert offsets with, or
   * undefined for documents the editor cannot open.
   *
   * NOTE: the bundled default ruleset (`bundled:falco_rules.yaml`) is one of
   * them, so its locations are left out of results until the server offers
   * its text as a virtual document.
   */
  document(uri: string): TextDocument | undefined {
    if (this.cache.has(uri)) return this.cache.get(uri);
    const document = uri === DEFAULT_RULES_URI ? undefined : this.context.documents.get(uri) ?? this.loadedDocument(uri);
    this.cache.set(uri, document);
    return document;
  }

  /** Finds a file the program loads: a workspace file, or a base rules file the settings name. */
  private loadedDocument(uri: string): TextDocument | undefined {
    const stored = this.context.workspace.getDocument(uri) ?? this.context.workspace.getProgram().files.find((file) => file.document.uri === uri)?.document;
    return stored && TextDocument.create(uri, 'falco-rules', 0, stored.text);
  }

  range(uri: string, span: Span): Range | undefined {
    const document = this.document(uri);
    return document && { start: document.positionAt(span.start), end: document.positionAt(span.end) };
  }
}
