/** textDocument/definition, references, prepareRename, rename, documentHighlight. */
import { DocumentHighlight, DocumentHighlightKind, Location, LSPErrorCodes, Range, ResponseError, TextEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import { documentHighlights, findDefinition, findReferences, prepareRename, rename } from '../../core';
import type { Span } from '../../core';
import { ServerFeature, withDocument } from '../context';
import { syncOpenDocuments, WorkspacePositions } from './locations';

/** Locations in documents the editor can open; the others (the bundled ruleset) are left out. */
function toLocations(positions: WorkspacePositions, locations: ReadonlyArray<{ uri: string; span: Span }>): Location[] {
  const result: Location[] = [];
  for (const { uri, span } of locations) {
    const range = positions.range(uri, span);
    if (range) result.push({ uri, range });
  }
  return result;
}

export const navigationFeature: ServerFeature = {
  capabilities: {
    definitionProvider: true,
    referencesProvider: true,
    renameProvider: { prepareProvider: true },
    documentHighlightProvider: true,
  },
  register(context) {
    const { connection, workspace } = context;

    connection.onDefinition((params, token) =>
      withDocument<Location[]>(context, 'definition', { ...params, token }, [], (document) => {
        syncOpenDocuments(context);
        return toLocations(new WorkspacePositions(context), findDefinition(workspace, document.uri, document.offsetAt(params.position)));
      }),
    );

    connection.onReferences((params, token) =>
      withDocument<Location[]>(context, 'references', { ...params, token }, [], (document) => {
        syncOpenDocuments(context);
        const references = findReferences(workspace, document.uri, document.offsetAt(params.position), params.context.includeDeclaration);
        return toLocations(new WorkspacePositions(context), references);
      }),
    );

    connection.onDocumentHighlight((params, token) =>
      withDocument<DocumentHighlight[]>(context, 'documentHighlight', { ...params, token }, [], (document) =>
        documentHighlights(workspace, document.uri, document.offsetAt(params.position)).map((highlight) => ({
          range: { start: document.positionAt(highlight.span.start), end: document.positionAt(highlight.span.end) },
          kind: highlight.kind === 'write' ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
        })),
      ),
    );

    connection.onPrepareRename((params, token) =>
      withDocument<{ range: Range; placeholder: string } | ResponseError | null>(context, 'prepareRename', { ...params, token }, null, (document) => {
        syncOpenDocuments(context);
        const result = prepareRename(workspace, document.uri, document.offsetAt(params.position));
        if (!result) return null;
        if ('error' in result) return new ResponseError(LSPErrorCodes.RequestFailed, result.error);
        return { range: { start: document.positionAt(result.span.start), end: document.positionAt(result.span.end) }, placeholder: result.placeholder };
      }),
    );

    connection.onRenameRequest((params, token) =>
      withDocument<WorkspaceEdit | ResponseError | null>(context, 'rename', { ...params, token }, null, (document) => {
        syncOpenDocuments(context);
        const result = rename(workspace, document.uri, document.offsetAt(params.position), params.newName);
        if ('error' in result) return new ResponseError(LSPErrorCodes.RequestFailed, result.error);
        const positions = new WorkspacePositions(context);
        const changes: Record<string, TextEdit[]> = {};
        for (const [uri, edits] of Object.entries(result.edits)) {
          changes[uri] = [];
          for (const edit of edits) {
            const range = positions.range(uri, edit.span);
            // The core edits only documents the workspace holds, which all have text.
            if (!range) return new ResponseError(LSPErrorCodes.RequestFailed, `Cannot edit ${uri}: the server has no text for it.`);
            changes[uri].push({ range, newText: edit.newText });
          }
        }
        return { changes };
      }),
    );
  },
};
