/** textDocument/hover: the core's markdown and range. */
import type { Hover } from 'vscode-languageserver/node';
import { doHover } from '../../core';
import { ServerFeature, withDocument } from '../context';

export const hoverFeature: ServerFeature = {
  capabilities: { hoverProvider: true },
  register(context) {
    context.connection.onHover((params, token) =>
      withDocument<Hover | null>(context, 'hover', { ...params, token }, null, (document) => {
        const hover = doHover(context.workspace, document.uri, document.offsetAt(params.position));
        if (!hover) return null;
        return {
          contents: { kind: 'markdown', value: hover.contents },
          range: { start: document.positionAt(hover.span.start), end: document.positionAt(hover.span.end) },
        };
      }),
    );
  },
};
