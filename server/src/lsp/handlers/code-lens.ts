/**
 * textDocument/codeLens: the PCI DSS requirements of each rule with
 * `PCI_DSS_<id>` tags. A lens runs `falco.showCoverage` with
 * `{ requirements: [ids] }`, a command of the VS Code client; other editors
 * show the lens and may not run it.
 */
import type { CodeLens } from 'vscode-languageserver/node';
import { pciCodeLenses } from '../../core';
import { ServerFeature, withDocument } from '../context';

export const SHOW_COVERAGE_COMMAND = 'falco.showCoverage';

export const codeLensFeature: ServerFeature = {
  capabilities: { codeLensProvider: { resolveProvider: false } },
  register(context) {
    context.connection.onCodeLens((params) =>
      withDocument<CodeLens[]>(context, 'codeLens', params.textDocument.uri, [], (document) =>
        pciCodeLenses(context.workspace, document.uri).map((lens) => ({
          range: { start: document.positionAt(lens.span.start), end: document.positionAt(lens.span.end) },
          command: { title: lens.title, command: SHOW_COVERAGE_COMMAND, arguments: [{ requirements: lens.requirements }] },
        })),
      ),
    );
  },
};
