/** textDocument/documentSymbol, workspace/symbol, textDocument/foldingRange. */
import { DocumentSymbol, FoldingRange, SymbolInformation, SymbolKind } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { documentSymbols, foldingRanges, workspaceSymbols } from '../../core';
import type { RulesSymbol, RulesSymbolKind } from '../../core';
import { ServerFeature, withDocument } from '../context';
import { syncOpenDocuments, WorkspacePositions } from './locations';

const SYMBOL_KINDS: Record<RulesSymbolKind, SymbolKind> = {
  rule: SymbolKind.Event,
  macro: SymbolKind.Function,
  list: SymbolKind.Array,
  required_engine_version: SymbolKind.Constant,
  required_plugin_versions: SymbolKind.Namespace,
  exception: SymbolKind.Object,
  plugin: SymbolKind.Package,
};

function toDocumentSymbol(document: TextDocument, symbol: RulesSymbol): DocumentSymbol {
  return {
    name: symbol.name,
    kind: SYMBOL_KINDS[symbol.kind],
    ...(symbol.detail !== undefined ? { detail: symbol.detail } : {}),
    range: { start: document.positionAt(symbol.span.start), end: document.positionAt(symbol.span.end) },
    selectionRange: { start: document.positionAt(symbol.selectionSpan.start), end: document.positionAt(symbol.selectionSpan.end) },
    children: symbol.children.map((child) => toDocumentSymbol(document, child)),
  };
}

export const symbolsFeature: ServerFeature = {
  capabilities: { documentSymbolProvider: true, workspaceSymbolProvider: true, foldingRangeProvider: true },
  register(context) {
    const { connection, workspace } = context;

    connection.onDocumentSymbol((params, token) =>
      withDocument<DocumentSymbol[]>(context, 'documentSymbol', { ...params, token }, [], (document) => {
        const rulesDocument = workspace.getDocument(document.uri);
        return rulesDocument ? documentSymbols(rulesDocument).map((symbol) => toDocumentSymbol(document, symbol)) : [];
      }),
    );

    connection.onWorkspaceSymbol((params, token) => {
      try {
        if (token.isCancellationRequested) return [];
        syncOpenDocuments(context);
        const positions = new WorkspacePositions(context);
        const result: SymbolInformation[] = [];
        for (const symbol of workspaceSymbols(workspace, params.query)) {
          // Leaves out the bundled ruleset, which the editor cannot open.
          const range = positions.range(symbol.uri, symbol.span);
          if (range) result.push({ name: symbol.name, kind: SYMBOL_KINDS[symbol.kind], location: { uri: symbol.uri, range }, containerName: symbol.containerName });
        }
        return result;
      } catch (error) {
        context.logFailure('workspaceSymbol', `query '${params.query}'`, error);
        return [];
      }
    });

    connection.onFoldingRanges((params, token) =>
      withDocument<FoldingRange[]>(context, 'foldingRange', { ...params, token }, [], (document) => {
        const rulesDocument = workspace.getDocument(document.uri);
        if (!rulesDocument) return [];
        const ranges: FoldingRange[] = [];
        // Editors keep one range per start line; the item's range comes before its first entry's.
        const startLines = new Set<number>();
        for (const { span } of foldingRanges(rulesDocument)) {
          const startLine = document.positionAt(span.start).line;
          const endLine = document.positionAt(span.end).line;
          if (endLine <= startLine || startLines.has(startLine)) continue;
          startLines.add(startLine);
          ranges.push({ startLine, endLine });
        }
        return ranges;
      }),
    );
  },
};
