/** textDocument/completion: the core's candidates as LSP completion items. */
import { doComplete } from '../../core';
import { toLspCompletionItem } from '../convert';
import { ServerFeature, withDocument } from '../context';

export const completionFeature: ServerFeature = {
  capabilities: { completionProvider: { triggerCharacters: ['.', '%', ' ', '(', ',', '['] } },
  register(context) {
    context.connection.onCompletion((params, token) =>
      withDocument(context, 'completion', { ...params, token }, [], (document) =>
        doComplete(context.workspace, document.uri, document.offsetAt(params.position)).map((candidate) => toLspCompletionItem(document, candidate)),
      ),
    );
  },
};
