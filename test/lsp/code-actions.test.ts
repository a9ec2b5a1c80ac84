/**
 * Quick-fixes through the real server: textDocument/codeAction over stdio,
 * the returned workspace edit applied, and the diagnostics republished.
 */
import * as assert from 'node:assert/strict';
import { CodeAction, CodeActionKind, CodeActionRequest, DidChangeTextDocumentNotification, TextEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TestClient } from './client';

function apply(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'falco-rules', 0, text), edits);
}

describe('code actions over stdio', function () {
  this.timeout(30000);
  let client: TestClient;

  before(async () => {
    client = new TestClient();
    await client.initialize();
  });

  after(async () => {
    await client.stop();
  });

  const text = '- rule: R\n  desc: d\n  condition: spawned_process\n  output: "shell %(proc.name)s by %(user.name)"\n  priority: INFO\n';

  it('offers and applies a preferred quick-fix', async () => {
    const uri = 'file:///actions_rules.yaml';
    const opened = await client.open(uri, text);
    const diagnostic = opened.diagnostics.find((d) => d.code === 'LOAD_ERR_COMPILE_OUTPUT')!;
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: [CodeActionKind.QuickFix] },
    })) as CodeAction[];
    const preferred = actions.find((a) => a.isPreferred)!;
    assert.equal(preferred.kind, CodeActionKind.QuickFix);
    const fixed = apply(text, preferred.edit!.changes![uri]!);
    assert.equal(fixed, text.replace('%(proc.name)s', '%proc.name'));

    const republished = client.nextDiagnostics(uri);
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    assert.equal((await republished).diagnostics.length, opened.diagnostics.length - 1);
  });

  it('fixes the whole file with source.fixAll', async () => {
    const uri = 'file:///fix_all_rules.yaml';
    await client.open(uri, text);
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: [CodeActionKind.SourceFixAll] },
    })) as CodeAction[];
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.kind, CodeActionKind.SourceFixAll);
    const fixed = apply(text, actions[0]!.edit!.changes![uri]!);
    assert.equal(fixed, text.replace('%(proc.name)s', '%proc.name').replace('%(user.name)', '%user.name'));

    const republished = client.nextDiagnostics(uri);
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    assert.deepEqual((await republished).diagnostics, []);
  });
});
