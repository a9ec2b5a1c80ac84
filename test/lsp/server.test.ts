/**
 * End-to-end tests of the real language server (out/server.js) over stdio,
 * through JSON-RPC messages as an editor sends them.
 */
import * as assert from 'node:assert/strict';
import {
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  HoverRequest,
  MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { readFixture } from '../helpers';
import { catalog } from '../../server/src/core/catalog';
import { TestClient, positionOf } from './client';

describe('language server over stdio', function () {
  this.timeout(30000);
  let client: TestClient;

  before(async () => {
    client = new TestClient();
    await client.initialize();
  });

  after(async () => {
    await client.stop();
  });

  it('publishes the seed diagnostics on open', async () => {
    const text = readFixture('cases', 'seed-pci-rules.indented.yaml');
    const published = await client.open('file:///seed.yaml', text);
    const lines = text.split('\n');
    const covered = (d: (typeof published.diagnostics)[number]) => lines[d.range.start.line]!.slice(d.range.start.character, d.range.end.character);

    const placeholders = published.diagnostics.filter((d) => d.code === 'LOAD_ERR_COMPILE_OUTPUT' && covered(d).startsWith('%('));
    assert.equal(placeholders.length, 30);
    assert.ok(published.diagnostics.some((d) => covered(d) === 'evt.arg.targetpath' && d.severity === 1));
    assert.equal(published.diagnostics.filter((d) => covered(d) === '!~').length, 3);
    assert.equal(published.diagnostics.filter((d) => d.code === 'LOAD_NO_EVTTYPE').length, 1);
    assert.equal(published.diagnostics.filter((d) => d.code === 'evt-arg-not-in-events').length, 2);
  });

  it('applies falco.baseRuleset changed at run time', async () => {
    const uri = 'file:///settings.yaml';
    const text = '- rule: r\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: INFO\n';
    const first = await client.open(uri, text);
    assert.deepEqual(first.diagnostics, []);

    client.settings = { baseRuleset: 'none' };
    const changed = client.nextDiagnostics(uri);
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    const without = await changed;
    assert.deepEqual(without.diagnostics.map((d) => d.code), ['LOAD_ERR_VALIDATE']);
    assert.match(without.diagnostics[0]!.message as string, /Undefined macro 'spawned_process'/);

    client.settings = { baseRuleset: 'bundled' };
    const restored = client.nextDiagnostics(uri);
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    assert.deepEqual((await restored).diagnostics, []);
  });

  it('updates a dependent file when a macro is renamed', async () => {
    const a = 'file:///workspace/a_rules.yaml';
    const b = 'file:///workspace/b_rules.yaml';
    const macro = '- macro: pci_shell\n  condition: spawned_process and proc.name in (shell_binaries)\n';
    await client.open(a, macro);
    const opened = await client.open(b, '- rule: Shell\n  desc: d\n  condition: pci_shell\n  output: o\n  priority: INFO\n');
    assert.deepEqual(opened.diagnostics, []);

    const republished = client.nextDiagnostics(b);
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: a, version: 2 },
      contentChanges: [{ text: macro.replace('pci_shell', 'pci_shell_spawned') }],
    });
    const diagnostics = (await republished).diagnostics;
    assert.deepEqual(diagnostics.map((d) => d.code), ['LOAD_ERR_VALIDATE']);
    assert.match(diagnostics[0]!.message as string, /Undefined macro 'pci_shell'/);
  });

  it('completes every proc.* field after proc.', async () => {
    const text = '- rule: r\n  desc: d\n  condition: proc.\n  output: o\n  priority: WARNING\n';
    await client.open('file:///complete.yaml', text);
    const items = await client.complete('file:///complete.yaml', 2, 'condition: proc.'.length + 2);
    const labels = new Set(items.map((i) => i.label));
    const expected = catalog.fields.filter((f) => f.name.startsWith('proc.') && f.sources.includes('syscall')).map((f) => f.name);
    assert.ok(expected.length > 40);
    for (const name of expected) assert.ok(labels.has(name), `missing ${name}`);
    assert.ok(![...labels].some((l) => !l.startsWith('proc.')), 'only proc.* fields after proc.');
    const procName = items.find((i) => i.label === 'proc.name')!;
    assert.equal(procName.detail, 'CHARBUF');
  });

  it('completes every field of the source after %', async () => {
    const text = '- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: "shell %"\n  priority: WARNING\n';
    await client.open('file:///output.yaml', text);
    const position = positionOf(text, 'shell %', 'shell %'.length);
    const items = await client.complete('file:///output.yaml', position.line, position.character);
    const labels = new Set(items.map((i) => i.label));
    const expected = catalog.fields.filter((f) => f.sources.includes('syscall') && !f.filterOnly).map((f) => f.name);
    for (const name of expected) assert.ok(labels.has(name), `missing ${name}`);
    assert.ok(!labels.has('ka.user.name'), 'no k8s_audit fields in a syscall rule');
  });

  it('shows the type and description of fd.sport on hover', async () => {
    const text = '- rule: r\n  desc: d\n  condition: evt.type = bind and fd.sport > 1023\n  output: o\n  priority: WARNING\n';
    await client.open('file:///hover.yaml', text);
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: 'file:///hover.yaml' }, position: positionOf(text, 'fd.sport', 3) });
    assert.ok(hover);
    const value = (hover.contents as MarkupContent).value;
    assert.match(value, /fd\.sport/);
    assert.match(value, /PORT/);
    const description = catalog.fields.find((f) => f.name === 'fd.sport')!.description;
    assert.ok(value.includes(description));
  });
});
