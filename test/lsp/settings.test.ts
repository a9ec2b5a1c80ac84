/**
 * Each `falco.*` setting changes what the real server reports, and the server
 * indexes the rules files of its workspace folder that the editor has not opened.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver-protocol/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { TestClient } from './client';

const rule = (condition: string, extra = '') => `- rule: R\n  desc: d\n  condition: ${condition}\n  output: o\n  priority: INFO\n${extra}`;

/** Codes of the diagnostics, in order. */
const codes = (published: PublishDiagnosticsParams) => published.diagnostics.map((d) => String(d.code));

describe('server settings', function () {
  this.timeout(30000);
  const folder = mkdtempSync(join(tmpdir(), 'falco-settings-'));
  mkdirSync(join(folder, 'rules.d'));
  mkdirSync(join(folder, 'node_modules'));
  writeFileSync(join(folder, 'rules.d', 'macros.yaml'), '- macro: pci_indexed\n  condition: spawned_process\n');
  writeFileSync(join(folder, 'node_modules', 'ignored_rules.yaml'), '- macro: pci_ignored\n  condition: spawned_process\n');
  // Base rules live outside the workspace folder, or the server would index them as workspace files.
  const baseFile = join(mkdtempSync(join(tmpdir(), 'falco-base-')), 'base.yaml');
  writeFileSync(baseFile, '- macro: pci_base_only\n  condition: evt.type = execve\n');
  const root = pathToFileURL(folder).toString();
  let client: TestClient;

  before(async () => {
    client = new TestClient();
    await client.initialize(root);
  });

  after(async () => {
    await client.stop();
  });

  /** Sends new settings and returns the diagnostics republished for `uri`. */
  async function changeSettings(uri: string, settings: Record<string, unknown>): Promise<PublishDiagnosticsParams> {
    client.settings = settings;
    const next = client.nextDiagnostics(uri);
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    return next;
  }

  it('knows macros of files the editor has not opened', async () => {
    const published = await client.open(`${root}/uses_indexed_rules.yaml`, rule('pci_indexed'));
    assert.deepEqual(codes(published), []);
  });

  it('skips node_modules when indexing', async () => {
    const published = await client.open(`${root}/uses_ignored_rules.yaml`, rule('pci_ignored'));
    assert.deepEqual(codes(published), ['LOAD_ERR_VALIDATE']);
  });

  it('follows changes on disk of unopened files', async () => {
    // Sorted by path, this file loads after rules.d/, as Falco would load it.
    const uri = `${root}/zz_follows_disk_rules.yaml`;
    await client.open(uri, rule('pci_added_later'));
    writeFileSync(join(folder, 'rules.d', 'later.yaml'), '- macro: pci_added_later\n  condition: spawned_process\n');
    const next = client.nextDiagnostics(uri);
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(join(folder, 'rules.d', 'later.yaml')).toString(), type: FileChangeType.Created }] });
    assert.deepEqual(codes(await next), []);
  });

  it('falco.baseRuleset files replaces the bundled rules', async () => {
    const uri = `${root}/base_rules.yaml`;
    const opened = await client.open(uri, rule('pci_base_only and proc.name = x'));
    assert.deepEqual(codes(opened), ['LOAD_ERR_VALIDATE']);
    const withBase = await changeSettings(uri, { baseRuleset: 'files', baseRulesetFiles: [baseFile] });
    assert.deepEqual(codes(withBase), []);
    const restored = await changeSettings(uri, {});
    assert.deepEqual(codes(restored), ['LOAD_ERR_VALIDATE']);
  });

  it('falco.severity changes and turns off codes', async () => {
    const uri = `${root}/severity_rules.yaml`;
    const opened = await client.open(uri, rule('proc.name = bash'));
    assert.deepEqual(opened.diagnostics.map((d) => [d.code, d.severity]), [['LOAD_NO_EVTTYPE', 2]]);
    const asInfo = await changeSettings(uri, { severity: { LOAD_NO_EVTTYPE: 'info' } });
    assert.deepEqual(asInfo.diagnostics.map((d) => [d.code, d.severity]), [['LOAD_NO_EVTTYPE', 3]]);
    const off = await changeSettings(uri, { severity: { LOAD_NO_EVTTYPE: 'off' } });
    assert.deepEqual(codes(off), []);
    await changeSettings(uri, {});
  });

  it('falco.engineVersion sets the target engine', async () => {
    const uri = `${root}/engine_rules.yaml`;
    const opened = await client.open(uri, '- required_engine_version: 0.63.0\n');
    assert.deepEqual(codes(opened), ['LOAD_ERR_VALIDATE']);
    const newer = await changeSettings(uri, { engineVersion: '0.63.0' });
    assert.deepEqual(codes(newer), []);
    await changeSettings(uri, {});
  });

  it('falco.plugins names the loaded plugins', async () => {
    const uri = `${root}/plugins_rules.yaml`;
    const opened = await client.open(uri, rule('spawned_process and container.id != host'));
    assert.deepEqual(codes(opened), []);
    const without = await changeSettings(uri, { plugins: ['json'] });
    assert.ok(codes(without).includes('LOAD_ERR_COMPILE_CONDITION'));
    await changeSettings(uri, {});
  });

  it('falco.loadOrder decides which file loads first', async () => {
    const user = `${root}/a_order_rules.yaml`;
    const definer = `${root}/z_order_rules.yaml`;
    await client.open(definer, '- macro: pci_ordered\n  condition: spawned_process\n');
    const opened = await client.open(user, rule('pci_ordered'));
    assert.deepEqual(codes(opened), ['LOAD_ERR_VALIDATE']);
    const ordered = await changeSettings(user, { loadOrder: ['z_order_rules.yaml'] });
    assert.deepEqual(codes(ordered), []);
    await changeSettings(user, {});
  });

  it('falco.trace.server logs each request with its duration', async () => {
    const uri = `${root}/trace_rules.yaml`;
    await client.open(uri, rule('spawned_process and proc.'));
    const position = { line: 2, character: '  condition: spawned_process and proc.'.length };
    await changeSettings(uri, { trace: { server: 'messages' } });
    await client.complete(uri, position.line, position.character);
    assert.ok(client.logs.some((line) => line.startsWith(`trace: completion ${uri} answered in`)));

    await changeSettings(uri, {});
    client.logs.length = 0;
    await client.complete(uri, position.line, position.character);
    assert.deepEqual(client.logs.filter((line) => line.startsWith('trace:')), []);
  });
});
