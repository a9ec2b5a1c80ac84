import * as assert from 'node:assert/strict';
import { runInNewContext, Script } from 'node:vm';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createNonce, parseRevealArgument, parseWebviewMessage, prepareWebviewHtml } from '../../client/src/coverage-html';
import { computeCoverage, renderCoverageHtml, RulesWorkspace } from '../../server/src/core';
import { readFixture } from '../helpers';

function reportHtml(): string {
  const workspace = new RulesWorkspace();
  workspace.setFile('file:///coverage/1_pci_rules.yaml', readFixture('coverage', '1_pci_rules.yaml'));
  const report = computeCoverage(workspace, {
    positionAt: (uri, text, offset) => TextDocument.create(uri, 'falco-rules', 0, text).positionAt(offset),
    displayName: (uri) => uri,
  });
  return renderCoverageHtml(report);
}

describe('coverage webview HTML', () => {
  const html = reportHtml();
  const nonce = 'bm9uY2Vub25jZW5vbmNl';
  const prepared = prepareWebviewHtml(html, nonce)!;

  it('adds a strict Content-Security-Policy first in head', () => {
    assert.ok(prepared.includes(`<head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">`));
  });

  it('gives the style and the script the nonce', () => {
    assert.equal((prepared.match(/<style nonce="bm9uY2Vub25jZW5vbmNl">/g) ?? []).length, 1);
    assert.equal((prepared.match(/<script nonce="bm9uY2Vub25jZW5vbmNl">/g) ?? []).length, 1);
    assert.equal((prepared.match(/<script/g) ?? []).length, 1);
    assert.ok(prepared.endsWith('</script>\n</body>\n</html>\n'));
  });

  it('keeps the report text', () => {
    assert.ok(prepared.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    assert.ok(prepared.includes('<tr id="req-10.2.1.2">'));
  });

  it('adds a script that parses', () => {
    const script = /<script nonce="[^"]+">([\s\S]*)<\/script>/.exec(prepared)![1]!;
    assert.doesNotThrow(() => new Script(script));
    assert.match(script, /acquireVsCodeApi\(\)/);
  });

  it('rejects HTML without head or body', () => {
    assert.equal(prepareWebviewHtml('<p>no page</p>', nonce), undefined);
    assert.equal(prepareWebviewHtml('<html><head></head><body></body></html>', nonce), undefined);
    assert.equal(prepareWebviewHtml('<html><head></head><body></body><style></style></html>', nonce), undefined);
  });

  it('creates a different nonce each time', () => {
    const first = createNonce();
    assert.match(first, /^[A-Za-z0-9+/]{22}==$/);
    assert.notEqual(first, createNonce());
  });
});

/** A stand-in for the few DOM objects the webview script touches. */
class FakeElement {
  readonly attributes = new Map<string, string>();
  readonly classes = new Set<string>();
  readonly listeners = new Map<string, (event: unknown) => void>();
  scrolledIntoView = false;
  readonly classList = { add: (name: string) => this.classes.add(name), remove: (name: string) => this.classes.delete(name) };

  constructor(
    readonly id: string,
    readonly dataset: Record<string, string> = {},
  ) {}

  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }
  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.set(type, listener);
  }
  scrollIntoView(): void {
    this.scrolledIntoView = true;
  }
}

describe('coverage webview script', () => {
  const prepared = prepareWebviewHtml(reportHtml(), 'nonce')!;
  const script = /<script nonce="[^"]+">([\s\S]*)<\/script>/.exec(prepared)![1]!;

  function runScript() {
    const fileLink = new FakeElement('', { uri: 'file:///r.yaml', line: '7', column: '1', endLine: '12', endColumn: '53' });
    fileLink.setAttribute('href', 'file:///r.yaml');
    const bundledLink = new FakeElement('', { uri: 'bundled:falco_rules.yaml', line: '1185', column: '1', endLine: '1203', endColumn: '89' });
    const rows = new Map(['req-10.2.1.2', 'req-8.6.1'].map((id) => [id, new FakeElement(id)]));
    const posted: unknown[] = [];
    const windowListeners = new Map<string, (event: unknown) => void>();
    const context = {
      // Messages are copied out of the script's realm, as postMessage does, so deepEqual compares plain objects.
      acquireVsCodeApi: () => ({ getState: () => undefined, setState: () => undefined, postMessage: (message: unknown) => posted.push(JSON.parse(JSON.stringify(message))) }),
      window: { scrollTo: () => undefined, scrollY: 0, addEventListener: (type: string, listener: (event: unknown) => void) => windowListeners.set(type, listener) },
      document: {
        querySelectorAll: (selector: string) => (selector === 'a[data-uri]' ? [fileLink, bundledLink] : [...rows.values()].filter((row) => row.classes.has('highlight'))),
        getElementById: (id: string) => rows.get(id) ?? null,
      },
      setTimeout,
      clearTimeout,
    };
    runInNewContext(script, context);
    return { fileLink, bundledLink, rows, posted, windowListeners };
  }

  it('reports ready on load', () => {
    assert.deepEqual(runScript().posted, [{ type: 'ready' }]);
  });

  it('opens a rule on click', () => {
    const { fileLink, posted } = runScript();
    assert.equal(fileLink.attributes.has('href'), false);
    let prevented = false;
    fileLink.listeners.get('click')!({ preventDefault: () => (prevented = true) });
    assert.equal(prevented, true);
    assert.deepEqual(posted[1], { type: 'open', uri: 'file:///r.yaml', line: 7, column: 1, endLine: 12, endColumn: 53 });
  });

  it('leaves bundled rules unlinked', () => {
    const { bundledLink } = runScript();
    assert.equal(bundledLink.listeners.size, 0);
    assert.equal(bundledLink.classes.has('opens-rule'), false);
  });

  it('highlights revealed requirements', () => {
    const { rows, windowListeners } = runScript();
    windowListeners.get('message')!({ data: { type: 'reveal', requirements: ['8.6.1', 'unknown'], scroll: true } });
    assert.deepEqual([...rows.values()].map((row) => [row.id, row.classes.has('highlight'), row.scrolledIntoView]), [
      ['req-10.2.1.2', false, false],
      ['req-8.6.1', true, true],
    ]);
    windowListeners.get('message')!({ data: { type: 'reveal', requirements: ['10.2.1.2'], scroll: false } });
    assert.deepEqual([...rows.values()].map((row) => [row.id, row.classes.has('highlight')]), [
      ['req-10.2.1.2', true],
      ['req-8.6.1', false],
    ]);
  });
});

describe('coverage webview messages', () => {
  it('accepts ready and open', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'open', uri: 'file:///r.yaml', line: 3, column: 1, endLine: 9, endColumn: 20 }), {
      type: 'open',
      uri: 'file:///r.yaml',
      line: 3,
      column: 1,
      endLine: 9,
      endColumn: 20,
    });
  });

  it('rejects malformed messages', () => {
    for (const message of [
      null,
      'open',
      { type: 'run', uri: 'file:///r.yaml' },
      { type: 'open', uri: 7, line: 1, column: 1, endLine: 1, endColumn: 1 },
      { type: 'open', uri: 'file:///r.yaml', line: 0, column: 1, endLine: 1, endColumn: 1 },
      { type: 'open', uri: 'file:///r.yaml', line: 1.5, column: 1, endLine: 1, endColumn: 1 },
      { type: 'open', uri: 'file:///r.yaml', line: 1, column: 1, endLine: Number.NaN, endColumn: 1 },
    ]) {
      assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message));
    }
  });

  it('reads the reveal argument', () => {
    assert.deepEqual(parseRevealArgument({ requirements: ['10.2.1.1', 7, '8.6.1'] }), ['10.2.1.1', '8.6.1']);
    assert.deepEqual(parseRevealArgument(undefined), []);
    assert.deepEqual(parseRevealArgument({ requirements: '10.2.1.1' }), []);
  });
});
