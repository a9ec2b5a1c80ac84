/**
 * The coverage command, webview and status bar item of the VS Code client,
 * run against small stand-ins for the `vscode` API and the language client,
 * because these tests run outside an editor.
 */
import * as assert from 'node:assert/strict';
import Module = require('node:module');

interface Listener<T> {
  (value: T): unknown;
}

const disposable = { dispose: () => undefined };

class FakeStatusBarItem {
  text = '';
  tooltip = '';
  name = '';
  command = '';
  visible = false;
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  dispose(): void {}
}

class FakeEventEmitter<T> {
  private readonly listeners: Array<Listener<T>> = [];
  readonly event = (listener: Listener<T>) => {
    this.listeners.push(listener);
    return disposable;
  };
  fire(value: T): void {
    for (const listener of this.listeners) listener(value);
  }
  dispose(): void {}
}

class FakeRange {
  constructor(
    readonly startLine: number,
    readonly startCharacter: number,
    readonly endLine: number,
    readonly endCharacter: number,
  ) {}
}

class FakePanel {
  readonly posted: unknown[] = [];
  receive: Listener<unknown> | undefined;
  revealed = 0;
  readonly webview = {
    html: '',
    cspSource: 'vscode-webview:',
    postMessage: (message: unknown) => {
      this.posted.push(message);
      return Promise.resolve(true);
    },
    onDidReceiveMessage: (listener: Listener<unknown>) => {
      this.receive = listener;
      return disposable;
    },
  };
  constructor(readonly options: Record<string, unknown>) {}
  reveal(): void {
    this.revealed++;
  }
  onDidDispose(): typeof disposable {
    return disposable;
  }
  dispose(): void {}
}

/** Creates the parts of the `vscode` API that client/src/coverage.ts uses, recording each call. */
function createFakeVscode() {
  const commands = new Map<string, (...args: unknown[]) => unknown>();
  const opened: Array<{ uri: string; selection: FakeRange }> = [];
  const panels: FakePanel[] = [];
  let editorListener: Listener<unknown> | undefined;
  const statusItems: FakeStatusBarItem[] = [];
  const api = {
    StatusBarAlignment: { Left: 1, Right: 2 },
    EventEmitter: FakeEventEmitter,
    ViewColumn: { One: 1, Beside: -2 },
    Range: FakeRange,
    Uri: {
      parse: (value: string) => ({ scheme: value.slice(0, value.indexOf(':')), fsPath: value.replace(/^file:\/\//, ''), toString: () => value }),
    },
    commands: {
      registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
        commands.set(id, handler);
        return disposable;
      },
    },
    window: {
      activeTextEditor: undefined as { document: { languageId: string } } | undefined,
      createStatusBarItem: () => {
        const item = new FakeStatusBarItem();
        statusItems.push(item);
        return item;
      },
      onDidChangeActiveTextEditor: (listener: Listener<unknown>) => {
        editorListener = listener;
        return disposable;
      },
      createWebviewPanel: (_viewType: string, _title: string, _column: number, options: Record<string, unknown>) => {
        const panel = new FakePanel(options);
        panels.push(panel);
        return panel;
      },
      showTextDocument: (uri: { toString(): string }, options: { selection: FakeRange }) => {
        opened.push({ uri: uri.toString(), selection: options.selection });
        return Promise.resolve(undefined);
      },
      showErrorMessage: () => Promise.resolve(undefined),
    },
  };
  /** Makes a document of `languageId` the active editor, or none. */
  const changeEditor = (languageId: string | undefined) => {
    api.window.activeTextEditor = languageId === undefined ? undefined : { document: { languageId } };
    editorListener?.(api.window.activeTextEditor);
  };
  return { api, commands, opened, panels, statusItems, changeEditor };
}

const HTML = '<!DOCTYPE html>\n<html>\n<head>\n<style>body {}</style>\n</head>\n<body>\n<table><tr id="req-10.3.2"></tr></table>\n</body>\n</html>\n';

/** Creates a language client that returns a fixed report for `falco/coverage`. */
function createFakeClient() {
  const notifications = new Map<string, Listener<unknown>>();
  const requests: unknown[] = [];
  return {
    requests,
    notify: (method: string, params: unknown) => notifications.get(method)!(params),
    client: {
      sendRequest: (method: string, params: { format: string }) => {
        requests.push([method, params.format]);
        if (params.format === 'html') return Promise.resolve(HTML);
        return Promise.resolve({ summary: { covered: 7, total: 57, rulesNotLoaded: 3 }, files: [{ base: true }, { base: false }, { base: false }] });
      },
      onNotification: (method: string, handler: Listener<unknown>) => {
        notifications.set(method, handler);
        return disposable;
      },
      onDidChangeState: () => disposable,
      error: () => undefined,
    },
  };
}

/** Waits until pending promise callbacks have run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('coverage client', () => {
  const fake = createFakeVscode();
  const server = createFakeClient();
  const moduleInternals = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string; _cache: Record<string, unknown> };
  const originalResolve = moduleInternals._resolveFilename;
  let hooks: import('../../client/src/coverage').CoverageHooks;
  let statusUpdates = 0;
  const fakes: Record<string, unknown> = {
    vscode: fake.api,
    'vscode-languageclient/node': { State: { Stopped: 1, Running: 2, Starting: 3 } },
  };

  before(async () => {
    moduleInternals._resolveFilename = function (request: string, ...rest: unknown[]) {
      return request in fakes ? `fake:${request}` : originalResolve.call(this, request, ...rest);
    };
    for (const [name, exports] of Object.entries(fakes)) moduleInternals._cache[`fake:${name}`] = { id: `fake:${name}`, filename: `fake:${name}`, loaded: true, exports };
    const coverage = require('../../client/src/coverage') as typeof import('../../client/src/coverage');
    hooks = coverage.register({ subscriptions: [] } as never, server.client as never);
    hooks.onDidUpdateStatus(() => statusUpdates++);
    await settle();
  });

  after(() => {
    moduleInternals._resolveFilename = originalResolve;
    for (const name of Object.keys(fakes)) delete moduleInternals._cache[`fake:${name}`];
  });

  it('shows the summary in the status bar', () => {
    const item = fake.statusItems[0]!;
    assert.equal(item.text, '$(shield) PCI 7/57');
    assert.equal(item.visible, true);
    assert.equal(item.command, 'falco.showCoverage');
    assert.deepEqual(server.requests[0], ['falco/coverage', 'json']);
    assert.equal(hooks.statusText(), '$(shield) PCI 7/57');
    assert.equal(statusUpdates, 1);
  });

  it('hides the item without rules files', () => {
    const item = fake.statusItems[0]!;
    server.notify('falco/coverageChanged', { covered: 0, total: 57, rulesNotLoaded: 0, files: 0 });
    assert.equal(item.visible, false);
    fake.changeEditor('falco-rules');
    assert.equal(item.visible, true);
    assert.equal(item.text, '$(shield) PCI 0/57');
    fake.changeEditor('yaml');
    assert.equal(item.visible, false);
    assert.equal(hooks.statusText(), undefined);
    assert.equal(statusUpdates, 4);
  });

  it('opens the report and reveals requirements', async () => {
    await fake.commands.get('falco.showCoverage')!({ requirements: ['10.3.2'] });
    const panel = fake.panels[0]!;
    assert.equal(panel.options.enableScripts, true);
    assert.deepEqual(panel.options.localResourceRoots, []);
    assert.match(panel.webview.html, /<head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-[^']+'; script-src 'nonce-[^']+';">/);
    panel.receive!({ type: 'ready' });
    assert.deepEqual(panel.posted, [{ type: 'reveal', requirements: ['10.3.2'], scroll: true }]);
    // After a refresh the page loads again: the highlight stays, the scroll position is the user's.
    panel.receive!({ type: 'ready' });
    assert.deepEqual(panel.posted[1], { type: 'reveal', requirements: ['10.3.2'], scroll: false });
  });

  it('reuses the panel for the next requirements', async () => {
    await fake.commands.get('falco.showCoverage')!({ requirements: ['8.6.1'] });
    const panel = fake.panels[0]!;
    assert.equal(fake.panels.length, 1);
    assert.equal(panel.revealed, 1);
    assert.deepEqual(panel.posted[2], { type: 'reveal', requirements: ['8.6.1'], scroll: true });
  });

  it('opens a rule at its range', async () => {
    await fake.panels[0]!.receive!({ type: 'open', uri: 'file:///rules/1_pci_rules.yaml', line: 22, column: 1, endLine: 27, endColumn: 17 });
    assert.deepEqual(fake.opened, [{ uri: 'file:///rules/1_pci_rules.yaml', selection: new FakeRange(21, 0, 26, 16) }]);
  });

  it('opens nothing for bundled rules', async () => {
    await fake.panels[0]!.receive!({ type: 'open', uri: 'bundled:falco_rules.yaml', line: 1185, column: 1, endLine: 1203, endColumn: 89 });
    assert.equal(fake.opened.length, 1);
  });

  it('refreshes the webview on change', async () => {
    const panel = fake.panels[0]!;
    panel.webview.html = '';
    const before = server.requests.length;
    server.notify('falco/coverageChanged', { covered: 8, total: 57, rulesNotLoaded: 0, files: 2 });
    await settle();
    assert.deepEqual(server.requests.slice(before), [['falco/coverage', 'html']]);
    assert.match(panel.webview.html, /<tr id="req-10.3.2">/);
    assert.equal(fake.statusItems[0]!.text, '$(shield) PCI 8/57');
  });
});
