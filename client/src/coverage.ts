/**
 * The PCI-DSS coverage report in VS Code: the `falco.showCoverage` command
 * opens the server's HTML report in a webview, and a status bar item shows
 * "PCI n/N". Both follow the server's `falco/coverageChanged` notification.
 */
import * as vscode from 'vscode';
import { LanguageClient, State } from 'vscode-languageclient/node';
import type { CoverageReport } from '../../server/src/core/pci/coverage';
import { COVERAGE_CHANGED_NOTIFICATION, COVERAGE_REQUEST, CoverageChangedParams } from '../../server/src/lsp/coverage-protocol';
import { createNonce, parseRevealArgument, parseWebviewMessage, prepareWebviewHtml } from './coverage-html';

const SHOW_COVERAGE_COMMAND = 'falco.showCoverage';
const LANGUAGE_ID = 'falco-rules';

/** Hooks for the extension-host tests: what the status bar item shows, and the report it summarises. */
export interface CoverageHooks {
  /** The status bar item's text, or undefined while the item is hidden. */
  statusText(): string | undefined;
  /** Fires after the status bar item was updated. */
  onDidUpdateStatus: vscode.Event<void>;
  /** Requests the report as JSON from the server. */
  requestReport(): Promise<CoverageReport>;
}

/** Registers the command, the webview and the status bar item. Call after the client has started. */
export function register(context: vscode.ExtensionContext, client: LanguageClient): CoverageHooks {
  const view = new CoverageView(client);
  const status = vscode.window.createStatusBarItem('falco.coverage', vscode.StatusBarAlignment.Left, 10);
  const statusUpdated = new vscode.EventEmitter<void>();
  let statusVisible = false;
  status.name = 'Falco PCI-DSS coverage';
  status.command = SHOW_COVERAGE_COMMAND;
  let summary: CoverageChangedParams | undefined;

  const updateStatus = () => {
    const rulesFileOpen = vscode.window.activeTextEditor?.document.languageId === LANGUAGE_ID;
    if (!summary || (summary.files === 0 && !rulesFileOpen)) {
      status.hide();
      statusVisible = false;
      statusUpdated.fire();
      return;
    }
    status.text = `$(shield) PCI ${summary.covered}/${summary.total}`;
    const notLoaded = summary.rulesNotLoaded ? ` ${summary.rulesNotLoaded} rule(s) with PCI tags do not load.` : '';
    status.tooltip = `PCI DSS requirements covered by enabled rules that load: ${summary.covered} of ${summary.total}.${notLoaded} Click for the report.`;
    status.show();
    statusVisible = true;
    statusUpdated.fire();
  };

  context.subscriptions.push(
    status,
    statusUpdated,
    view,
    vscode.commands.registerCommand(SHOW_COVERAGE_COMMAND, (argument: unknown) => view.show(parseRevealArgument(argument))),
    vscode.window.onDidChangeActiveTextEditor(updateStatus),
    client.onNotification(COVERAGE_CHANGED_NOTIFICATION, (params: CoverageChangedParams) => {
      summary = params;
      updateStatus();
      void view.refresh();
    }),
  );

  // The first request also subscribes the client to `falco/coverageChanged`.
  const requestSummary = () =>
    client.sendRequest<CoverageReport>(COVERAGE_REQUEST, { format: 'json' }).then(
      (report) => {
        const { covered, total, rulesNotLoaded } = report.summary;
        summary = { covered, total, rulesNotLoaded, files: report.files.filter((file) => !file.base).length };
        updateStatus();
        void view.refresh();
      },
      (error: unknown) => client.error(`${COVERAGE_REQUEST} failed`, error),
    );
  void requestSummary();
  // A restarted server has lost the subscription, so request again.
  context.subscriptions.push(
    client.onDidChangeState((event) => {
      if (event.oldState !== State.Running && event.newState === State.Running) void requestSummary();
    }),
  );
  return {
    statusText: () => (statusVisible ? status.text : undefined),
    onDidUpdateStatus: statusUpdated.event,
    requestReport: () => client.sendRequest<CoverageReport>(COVERAGE_REQUEST, { format: 'json' }),
  };
}

/** The webview panel of the report; at most one at a time. */
class CoverageView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** Requirement ids to highlight, from the last `falco.showCoverage` argument. */
  private revealed: string[] = [];
  /** True until the page loaded after `show` has scrolled to the revealed requirements. */
  private scrollPending = false;
  /** Number of the latest refresh, so that a slower earlier response does not replace a newer one. */
  private refreshes = 0;

  constructor(private readonly client: LanguageClient) {}

  async show(requirements: string[]): Promise<void> {
    this.revealed = requirements;
    this.scrollPending = requirements.length > 0;
    if (this.panel) {
      this.panel.reveal(undefined, false);
      void this.panel.webview.postMessage({ type: 'reveal', requirements, scroll: this.scrollPending });
      this.scrollPending = false;
      return;
    }
    const panel = vscode.window.createWebviewPanel('falco.coverage', 'PCI-DSS coverage', vscode.ViewColumn.Beside, {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [],
    });
    this.panel = panel;
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
    });
    panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message));
    await this.refresh();
  }

  /** Loads the report again into the open panel, if any. */
  async refresh(): Promise<void> {
    const panel = this.panel;
    if (!panel) return;
    const refresh = ++this.refreshes;
    let html: string;
    try {
      html = await this.client.sendRequest<string>(COVERAGE_REQUEST, { format: 'html' });
    } catch (error) {
      this.client.error(`${COVERAGE_REQUEST} failed`, error);
      void vscode.window.showErrorMessage(`Falco: the PCI-DSS coverage report could not be computed (${String(error)}). See the Falco Rules output for details.`);
      return;
    }
    if (refresh !== this.refreshes || this.panel !== panel) return;
    const prepared = prepareWebviewHtml(html, createNonce());
    if (prepared === undefined) {
      this.client.error(`${COVERAGE_REQUEST} returned HTML without <head>, <style> or </body>; the webview is left unchanged.`);
      return;
    }
    panel.webview.html = prepared;
  }

  private async receive(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) return;
    if (message.type === 'ready') {
      if (this.revealed.length) void this.panel?.webview.postMessage({ type: 'reveal', requirements: this.revealed, scroll: this.scrollPending });
      this.scrollPending = false;
      return;
    }
    let uri: vscode.Uri;
    try {
      uri = vscode.Uri.parse(message.uri, true);
    } catch {
      return;
    }
    if (uri.scheme !== 'file' && uri.scheme !== 'untitled') return;
    const selection = new vscode.Range(message.line - 1, message.column - 1, message.endLine - 1, message.endColumn - 1);
    try {
      await vscode.window.showTextDocument(uri, { selection, viewColumn: vscode.ViewColumn.One });
    } catch (error) {
      void vscode.window.showErrorMessage(`Falco: cannot open ${uri.fsPath}: ${String(error)}.`);
    }
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
