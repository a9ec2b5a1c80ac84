/**
 * What the walkthrough shows, through the real server: the example opened as
 * an untitled document gets diagnostics, and its first problem (by position,
 * as `falco.showExampleProblem` picks it) has a quick-fix that removes it.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeAction, CodeActionKind, CodeActionRequest, DidChangeTextDocumentNotification, TextEdit } from 'vscode-languageserver-protocol/node';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ROOT } from '../helpers';
import { TestClient } from './client';

const EXAMPLE = readFileSync(join(ROOT, 'examples', 'pci_rules.yaml'), 'utf8');
const URI = 'untitled:Untitled-1';

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

function covered(text: string, diagnostic: Diagnostic): string {
  const document = TextDocument.create(URI, 'falco-rules', 0, text);
  return text.slice(document.offsetAt(diagnostic.range.start), document.offsetAt(diagnostic.range.end));
}

describe('walkthrough example over stdio', function () {
  this.timeout(30000);
  let client: TestClient;

  before(async () => {
    client = new TestClient();
    await client.initialize();
  });

  after(async () => {
    await client.stop();
  });

  it('first problem has a quick-fix', async () => {
    const opened = await client.open(URI, EXAMPLE);
    const diagnostics = [...opened.diagnostics].sort(byPosition);
    assert.deepEqual(diagnostics.map((d) => d.code), ['LOAD_ERR_COMPILE_CONDITION', 'LOAD_ERR_COMPILE_OUTPUT']);
    assert.ok(diagnostics.every((d) => d.source === 'falco'));

    const first = diagnostics[0]!;
    assert.equal(covered(EXAMPLE, first), '"10.0.0.0/8"');
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: URI },
      range: { start: first.range.start, end: first.range.start },
      context: { diagnostics: [first], only: [CodeActionKind.QuickFix] },
    })) as CodeAction[];
    const preferred = actions.find((a) => a.isPreferred);
    assert.ok(preferred, `no preferred fix among: ${actions.map((a) => a.title).join('; ')}`);

    const fixed = TextDocument.applyEdits(TextDocument.create(URI, 'falco-rules', 1, EXAMPLE), preferred.edit!.changes![URI] as TextEdit[]);
    assert.match(fixed, /fd\.net != "10\.0\.0\.0\/8"/);
    const republished = client.nextDiagnostics(URI);
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: URI, version: 2 }, contentChanges: [{ text: fixed }] });
    assert.deepEqual((await republished).diagnostics.map((d) => d.code), ['LOAD_ERR_COMPILE_OUTPUT']);
  });
});
