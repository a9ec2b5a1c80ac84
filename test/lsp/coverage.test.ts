/**
 * The `falco/coverage` request and the `falco/coverageChanged` notification
 * of the real server, over a workspace folder with the coverage fixture.
 */
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeTextDocumentNotification } from 'vscode-languageserver-protocol/node';
import type { CoverageReport } from '../../server/src/core';
import { COVERAGE_CHANGED_NOTIFICATION, COVERAGE_REQUEST, CoverageChangedParams } from '../../server/src/lsp/coverage-protocol';
import { FIXTURES } from '../helpers';
import { TestClient } from './client';

describe('falco/coverage over stdio', function () {
  this.timeout(30000);
  // A copy, so that the folder holds only the fixture files.
  const folder = mkdtempSync(join(tmpdir(), 'falco-coverage-'));
  cpSync(join(FIXTURES, 'coverage'), folder, { recursive: true });
  const root = pathToFileURL(folder).toString();
  const overridesUri = `${root}/2_pci_overrides.yaml`;
  const summaries: CoverageChangedParams[] = [];
  let summaryWaiter: ((summary: CoverageChangedParams) => void) | undefined;
  let client: TestClient;

  before(async () => {
    client = new TestClient();
    client.connection.onNotification(COVERAGE_CHANGED_NOTIFICATION, (summary: CoverageChangedParams) => {
      summaries.push(summary);
      summaryWaiter?.(summary);
    });
    await client.initialize(root);
  });

  after(async () => {
    await client.stop();
  });

  /** Resolves with the first summary that satisfies `accept`, among those sent so far or later. */
  function summaryWhere(accept: (summary: CoverageChangedParams) => boolean): Promise<CoverageChangedParams> {
    const seen = summaries.find(accept);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      summaryWaiter = (summary) => {
        if (accept(summary)) resolve(summary);
      };
    });
  }

  it('reports the indexed workspace as JSON', async () => {
    const report = (await client.connection.sendRequest(COVERAGE_REQUEST, { format: 'json' })) as CoverageReport;
    assert.deepEqual(report.summary, { covered: 7, total: 57, rulesWithPciTags: 11, rulesNotLoaded: 3, unknownTags: 3 });
    assert.deepEqual(report.files.map((file) => file.file), ['falco_rules.yaml (bundled)', '1_pci_rules.yaml', '2_pci_overrides.yaml']);
    const tampered = report.rules.find((rule) => rule.name === 'Audit log tampered')!;
    assert.equal(tampered.status, 'disabled');
    assert.deepEqual([tampered.location.uri, tampered.location.line, tampered.location.endLine], [`${root}/1_pci_rules.yaml`, 22, 27]);
  });

  it('renders HTML and markdown', async () => {
    const html = (await client.connection.sendRequest(COVERAGE_REQUEST, { format: 'html' })) as string;
    assert.ok(html.includes('<tr id="req-10.3.2">'));
    assert.equal(/<script/i.test(html), false);
    const markdown = (await client.connection.sendRequest(COVERAGE_REQUEST, { format: 'markdown' })) as string;
    assert.ok(markdown.split('\n').includes('**7/57 requirements covered** by enabled rules that load.'));
  });

  it('rejects an unknown format', async () => {
    await assert.rejects(client.connection.sendRequest(COVERAGE_REQUEST, { format: 'pdf' }), /Invalid format 'pdf' for falco\/coverage: use 'json', 'html' or 'markdown'\./);
  });

  it('notifies the summary after an edit', async () => {
    const text = readFileSync(join(folder, '2_pci_overrides.yaml'), 'utf8');
    await client.open(overridesUri, text);
    // Without the override that disables it, the audit log rule covers 10.3.2 and 10.3.4.
    const edited = text.replace('- rule: Audit log tampered\n  enabled: false\n  override:\n    enabled: replace\n', '');
    assert.notEqual(edited, text);
    const next = client.nextDiagnostics(overridesUri);
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: overridesUri, version: 2 }, contentChanges: [{ text: edited }] });
    await next;
    const summary = await summaryWhere((candidate) => candidate.covered === 9);
    assert.deepEqual(summary, { covered: 9, total: 57, rulesNotLoaded: 3, files: 2 });
    const report = (await client.connection.sendRequest(COVERAGE_REQUEST, { format: 'json' })) as CoverageReport;
    assert.equal(report.rules.find((rule) => rule.name === 'Audit log tampered')!.status, 'enabled');
  });
});
