/**
 * Robustness of the language server: a failing handler is contained and
 * logged, cancelled requests and requests for a changed document return
 * nothing, the limits settings apply, and the server and the CLI work with
 * no network at all.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  CancellationTokenSource,
  CompletionRequest,
  DidChangeConfigurationNotification,
  HoverRequest,
  PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import type { CancellationToken, Connection, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { RulesWorkspace } from '../../server/src/core';
import { ServerContext, withDocument } from '../../server/src/lsp/context';
import { FIXTURES, ROOT } from '../helpers';
import { TestClient, positionOf } from '../lsp/client';

const RULES = '- rule: r\n  desc: d\n  condition: evt.type = openat and proc.name = bash\n  output: o %proc.name\n  priority: INFO\n';

/** Creates a server context over `documents` that records its log lines in `logs`. */
function fakeContext(documents: Map<string, TextDocument>, logs: string[]): ServerContext {
  return {
    connection: undefined as unknown as Connection,
    documents: { get: (uri: string) => documents.get(uri) } as unknown as TextDocuments<TextDocument>,
    workspace: new RulesWorkspace({ useDefaultRules: false }),
    syncDocument: () => undefined,
    logFailure: (method, target, error) => logs.push(`${method}: failed for ${target}: ${String(error)}`),
    trace: () => undefined,
    clientCapabilities: () => ({}),
    clientOptions: () => ({ pciTemplateCompletion: true }),
  };
}

/** Resolves with the first diagnostics published for `uri` from now on that `accept` takes. */
async function diagnosticsWhen(client: TestClient, uri: string, accept: (published: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams> {
  for (;;) {
    const published = await client.nextDiagnostics(uri);
    if (accept(published)) return published;
  }
}

describe('request handling', () => {
  const uri = 'file:///a_rules.yaml';

  it('logs a failure with version and position', () => {
    const logs: string[] = [];
    const context = fakeContext(new Map([[uri, TextDocument.create(uri, 'falco-rules', 7, RULES)]]), logs);
    const result = withDocument(context, 'hover', { textDocument: { uri }, position: { line: 2, character: 4 } }, 'fallback', () => {
      throw new TypeError('boom');
    });
    assert.equal(result, 'fallback');
    assert.deepEqual(logs, [`hover: failed for ${uri} (version 7, line 3, character 5): TypeError: boom`]);
  });

  it('returns the fallback when cancelled', () => {
    const context = fakeContext(new Map([[uri, TextDocument.create(uri, 'falco-rules', 1, RULES)]]), []);
    const source = new CancellationTokenSource();
    let calls = 0;
    const answer = (_document: TextDocument, token: CancellationToken | undefined) => {
      calls++;
      source.cancel();
      return token?.isCancellationRequested ? 'seen' : 'result';
    };
    assert.equal(withDocument(context, 'hover', { textDocument: { uri }, token: source.token }, 'fallback', answer), 'fallback');
    assert.equal(calls, 1);
    assert.equal(withDocument(context, 'hover', { textDocument: { uri }, token: source.token }, 'fallback', answer), 'fallback');
    assert.equal(calls, 1, 'a request cancelled before it starts runs nothing');
  });

  it('drops results for a changed document', () => {
    const documents = new Map([[uri, TextDocument.create(uri, 'falco-rules', 1, RULES)]]);
    const context = fakeContext(documents, []);
    const result = withDocument(context, 'definition', uri, [] as string[], () => {
      // Another version arrives while the handler runs, as it could once handlers await.
      documents.set(uri, TextDocument.create(uri, 'falco-rules', 2, `${RULES}\n`));
      return ['range in version 1'];
    });
    assert.deepEqual(result, []);
    assert.deepEqual(withDocument(context, 'definition', uri, [] as string[], () => ['range in version 2']), ['range in version 2']);
  });
});

describe('language server robustness', function () {
  this.timeout(60_000);
  const uri = 'file:///robust_rules.yaml';

  it('keeps serving after a handler fails', async () => {
    const client = new TestClient({ env: { ...process.env, FALCO_PCI_TEST_FAILING_METHODS: 'hover' } });
    try {
      await client.initialize();
      await client.open(uri, RULES);
      const position = positionOf(RULES, 'proc.name', 2);
      const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
      assert.equal(hover, null);
      assert.equal(client.logs.filter((line) => line.includes(`hover: failed for ${uri} (version 1, line 3, character 38)`)).length, 1);
      assert.match(client.logs.find((line) => line.startsWith('hover: failed'))!, /failed on purpose[\s\S]*at /);

      const completion = await client.complete(uri, position.line, position.character);
      assert.ok(completion.some((item) => item.label === 'proc.name'));
      assert.equal(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }), null);
    } finally {
      await client.stop();
    }
  });

  it('answers a cancelled request with nothing', async () => {
    const client = new TestClient();
    try {
      await client.initialize();
      await client.open(uri, RULES);
      const position = positionOf(RULES, 'proc.name', 2);
      const params = { textDocument: { uri }, position };
      assert.match(JSON.stringify(await client.connection.sendRequest(HoverRequest.type, params)), /proc\.name/);

      // Checking 2,000 rules keeps the server busy while both requests and their cancellations arrive.
      let busy = '';
      for (let i = 0; i < 2000; i++) busy += `- rule: rule ${i}\n  desc: d\n  condition: evt.type = openat and proc.name = p${i}\n  output: o\n  priority: INFO\n`;
      const busyDiagnostics = client.open('file:///busy_rules.yaml', busy);
      const source = new CancellationTokenSource();
      const hover = client.connection.sendRequest(HoverRequest.type, params, source.token);
      const completion = client.connection.sendRequest(CompletionRequest.type, params, source.token);
      source.cancel();
      assert.equal(await hover.catch((error: Error) => error.message), null);
      assert.deepEqual(await completion.catch((error: Error) => error.message), []);
      await busyDiagnostics;
    } finally {
      await client.stop();
    }
  });

  it('applies falco.limits settings', async () => {
    const client = new TestClient();
    try {
      await client.initialize();
      const first = await client.open(uri, RULES);
      assert.deepEqual(first.diagnostics, []);

      client.settings = { limits: { maxFileSize: 50 } };
      // The server may still publish once for the settings it read at start-up, so wait for the new ones to apply.
      const limited = diagnosticsWhen(client, uri, (published) => published.diagnostics.length > 0);
      await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
      const diagnostics = (await limited).diagnostics;
      assert.deepEqual(diagnostics.map((d) => d.code), ['limit-exceeded']);
      assert.deepEqual(diagnostics[0]!.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 9 } });
      assert.match(diagnostics[0]!.message as string, /over the limit of 0\.0 MiB \(50 bytes\).*falco\.limits\.maxFileSize/);
    } finally {
      await client.stop();
    }
  });

  it('answers after a 5 MB document', async () => {
    const client = new TestClient();
    try {
      await client.initialize();
      const large = `${RULES}${'# padding\n'.repeat(520_000)}`;
      const published = await client.open('file:///large_rules.yaml', large);
      assert.deepEqual(published.diagnostics.map((d) => d.code), ['limit-exceeded']);
      await client.open(uri, RULES);
      const position = positionOf(RULES, 'proc.name', 2);
      const completion = await client.complete(uri, position.line, position.character);
      assert.ok(completion.some((item) => item.label === 'proc.name'));
    } finally {
      await client.stop();
    }
  });

  describe('without network', () => {
    const allowed = spawnSync('unshare', ['-n', 'true']).status === 0;

    before(function () {
      // unshare -n needs root or user namespaces; the check is skipped, with this message, where neither is available.
      if (!allowed) this.skip();
    });

    it('CLI checks files under unshare -n', () => {
      const file = join(FIXTURES, 'cases', 'seed-pci-rules.indented.yaml');
      const result = spawnSync('unshare', ['-n', process.execPath, join(ROOT, 'out', 'cli.js'), 'lint', '--format', 'json', file], { encoding: 'utf8' });
      assert.equal(result.status, 1, result.stderr);
      const codes = (JSON.parse(result.stdout) as Array<{ code: string }>).map((d) => d.code);
      assert.equal(codes.filter((code) => code === 'LOAD_NO_EVTTYPE').length, 1);
      assert.ok(codes.length > 30);
    });

    it('server answers under unshare -n', async () => {
      const client = new TestClient({ prefix: ['unshare', '-n'] });
      try {
        await client.initialize('file://' + join(FIXTURES, 'official', 'rules'));
        // allowed_containers is a macro of falco-sandbox_rules.yaml, which only the workspace index reads.
        const text = RULES.replace('proc.name = bash', 'proc.nme = bash and allowed_containers');
        // Files load sorted by path, so this one loads after the sandbox rules and can use their macros.
        const last = `file://${join(FIXTURES, 'official', 'rules', 'zz_robust_rules.yaml')}`;
        const published = await client.open(last, text);
        assert.deepEqual(published.diagnostics.map((d) => d.code), ['LOAD_ERR_COMPILE_CONDITION']);
        const position = positionOf(text, 'proc.nme', 2);
        const completion = await client.complete(last, position.line, position.character);
        assert.ok(completion.some((item) => item.label === 'proc.name'));
      } finally {
        await client.stop();
      }
    });
  });
});
