/** textDocument/completion: the core's candidates as LSP completion items, snippets as plain text for clients without snippet support. */
import { doComplete } from '../../core';
import { toLspCompletionItem } from '../convert';
import { ServerFeature, withDocument } from '../context';

export const completionFeature: ServerFeature = {
  capabilities: { completionProvider: { triggerCharacters: ['.', '%', ' ', '(', ',', '['] } },
  register(context) {
    context.connection.onCompletion((params, token) =>
      withDocument(context, 'completion', { ...params, token }, [], (document) => {
        // LSP: a client that does not declare snippet support gets plain text.
        const snippetSupport = context.clientCapabilities().textDocument?.completion?.completionItem?.snippetSupport === true;
        const options = { pciTemplates: context.clientOptions().pciTemplateCompletion };
        return doComplete(context.workspace, document.uri, document.offsetAt(params.position), options).map((candidate) => toLspCompletionItem(document, candidate, snippetSupport));
      }),
    );
  },
};
