/**
 * textDocument/codeAction: the core's quick-fixes for the diagnostics in the
 * range, and `source.fixAll` with every safe fix of the file applied.
 */
import { CodeAction as LspCodeAction, CodeActionKind, TextEdit as LspTextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fixAllText, getCodeActions } from '../../core';
import type { CodeAction } from '../../core';
import { toLspDiagnostic } from '../convert';
import { ServerContext, ServerFeature, withDocument } from '../context';

function toLspAction(context: ServerContext, document: TextDocument, action: CodeAction): LspCodeAction {
  const changes: Record<string, LspTextEdit[]> = {};
  for (const edit of action.edits) {
    const target = edit.uri === document.uri ? document : context.documents.get(edit.uri);
    if (!target) continue;
    (changes[edit.uri] ??= []).push({ range: { start: target.positionAt(edit.span.start), end: target.positionAt(edit.span.end) }, newText: edit.newText });
  }
  return {
    title: action.title,
    kind: CodeActionKind.QuickFix,
    isPreferred: action.isPreferred,
    diagnostics: [toLspDiagnostic(document, action.diagnostic)],
    edit: { changes },
  };
}

export const codeActionsFeature: ServerFeature = {
  capabilities: { codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll] } },
  register(context) {
    context.connection.onCodeAction((params, token) =>
      withDocument<LspCodeAction[]>(context, 'codeAction', { ...params, token }, [], (document) => {
        const only = params.context.only;
        const wants = (kind: string) => !only || only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));
        const actions: LspCodeAction[] = [];
        if (wants(CodeActionKind.QuickFix)) {
          const span = { start: document.offsetAt(params.range.start), end: document.offsetAt(params.range.end) };
          actions.push(...getCodeActions(context.workspace, document.uri, span).map((action) => toLspAction(context, document, action)));
        }
        // Fix-all re-checks the file once per round, so a cancelled request skips it.
        if (wants(CodeActionKind.SourceFixAll) && !token.isCancellationRequested) {
          const fixed = fixAllText(context.workspace, document.uri);
          if (fixed && fixed.applied > 0) {
            const whole = { start: document.positionAt(0), end: document.positionAt(document.getText().length) };
            actions.push({ title: `Fix all safe problems (${fixed.applied})`, kind: CodeActionKind.SourceFixAll, edit: { changes: { [document.uri]: [{ range: whole, newText: fixed.text }] } } });
          }
        }
        return actions;
      }),
    );
  },
};
