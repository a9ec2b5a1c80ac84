/**
 * The parts of the coverage webview that need no VS Code API: the
 * Content-Security-Policy and link script added to the server's HTML report,
 * and the checks of messages and command arguments, which come from outside.
 */
import { randomBytes } from 'node:crypto';

/** A message from the webview script. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'open'; uri: string; line: number; column: number; endLine: number; endColumn: number };

/**
 * Runs in the webview. A click on the location of a rule posts an `open`
 * message, and a `reveal` message highlights requirement rows. The scroll
 * position is kept in the webview state, so it survives a refresh.
 */
const WEBVIEW_SCRIPT = `(function () {
  const vscode = acquireVsCodeApi();
  const state = vscode.getState() || {};
  if (typeof state.scrollY === 'number') window.scrollTo(0, state.scrollY);
  let saveTimer;
  window.addEventListener('scroll', () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => vscode.setState({ scrollY: window.scrollY }), 100);
  });
  function open(link) {
    const data = link.dataset;
    vscode.postMessage({ type: 'open', uri: data.uri, line: Number(data.line), column: Number(data.column), endLine: Number(data.endLine), endColumn: Number(data.endColumn) });
  }
  for (const link of document.querySelectorAll('a[data-uri]')) {
    // Without href, VS Code's own link handling leaves the click to this script.
    link.removeAttribute('href');
    if (!link.dataset.uri.startsWith('file:') && !link.dataset.uri.startsWith('untitled:')) continue;
    link.setAttribute('role', 'link');
    link.setAttribute('tabindex', '0');
    link.classList.add('opens-rule');
    link.addEventListener('click', (event) => { event.preventDefault(); open(link); });
    link.addEventListener('keydown', (event) => { if (event.key === 'Enter') open(link); });
  }
  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || message.type !== 'reveal' || !Array.isArray(message.requirements)) return;
    for (const row of document.querySelectorAll('tr.highlight')) row.classList.remove('highlight');
    let first;
    for (const id of message.requirements) {
      const row = document.getElementById('req-' + id);
      if (!row) continue;
      row.classList.add('highlight');
      first = first || row;
    }
    if (first && message.scroll) first.scrollIntoView({ block: 'center' });
  });
  vscode.postMessage({ type: 'ready' });
})();`;

const LINK_STYLE = 'a.opens-rule { cursor: pointer; text-decoration: underline; }';

/** Returns a random nonce for the Content-Security-Policy. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Adds a strict Content-Security-Policy, the nonce, and the link script to
 * the report's HTML. Only the report's own `<style>` and the added script
 * get the nonce. The report escapes every value from the rules files, so
 * neither tag can come from a rule. Returns undefined when the HTML lacks
 * `<head>`, `<style>` or `</body>`.
 */
export function prepareWebviewHtml(html: string, nonce: string): string | undefined {
  const head = html.indexOf('<head>');
  const style = html.indexOf('<style>');
  const bodyEnd = html.lastIndexOf('</body>');
  if (head === -1 || style === -1 || bodyEnd === -1 || !(head < style && style < bodyEnd)) return undefined;
  const policy = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}">`;
  const afterHead = head + '<head>'.length;
  return (
    html.slice(0, afterHead) +
    meta +
    html.slice(afterHead, style) +
    `<style nonce="${nonce}">${LINK_STYLE}\n` +
    html.slice(style + '<style>'.length, bodyEnd) +
    `<script nonce="${nonce}">${WEBVIEW_SCRIPT}</script>\n` +
    html.slice(bodyEnd)
  );
}

/** Returns the message if it is one the script sends, with whole positive positions; undefined otherwise. */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const message = raw as Record<string, unknown>;
  if (message.type === 'ready') return { type: 'ready' };
  if (message.type !== 'open' || typeof message.uri !== 'string') return undefined;
  const positions = [message.line, message.column, message.endLine, message.endColumn];
  if (!positions.every((value) => typeof value === 'number' && Number.isInteger(value) && value >= 1)) return undefined;
  const [line, column, endLine, endColumn] = positions as number[];
  return { type: 'open', uri: message.uri, line: line!, column: column!, endLine: endLine!, endColumn: endColumn! };
}

/**
 * Reads the argument of `falco.showCoverage`: `{ requirements: string[] }`
 * gives the requirement ids to reveal; anything else reveals none.
 */
export function parseRevealArgument(argument: unknown): string[] {
  if (typeof argument !== 'object' || argument === null) return [];
  const requirements = (argument as { requirements?: unknown }).requirements;
  if (!Array.isArray(requirements)) return [];
  return requirements.filter((id): id is string => typeof id === 'string');
}
