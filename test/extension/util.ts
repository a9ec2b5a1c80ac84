/**
 * Helpers for tests inside the extension host: the workspace folder, files
 * written into it, and waits on editor events (never fixed sleeps).
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'falco-pci-rules.falco-pci-rules';
export const LANGUAGE_ID = 'falco-rules';

/** How long a wait for an editor event may take before the test fails. */
const EVENT_TIMEOUT_MS = 20_000;

/** The repository root, from out/tsc/test/extension/. */
export const ROOT = join(__dirname, '..', '..', '..', '..');

export function workspaceFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the extension-host tests need a workspace folder; start them with one open');
  return folder.uri.fsPath;
}

/** Writes `text` to `relativePath` inside the workspace folder and returns its URI. */
export function writeWorkspaceFile(relativePath: string, text: string): vscode.Uri {
  const path = join(workspaceFolder(), relativePath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return vscode.Uri.file(path);
}

/**
 * Resolves with the first value `probe` returns that is not undefined. The
 * probe runs now and after every event of `event`. After the timeout the
 * promise rejects with `description` in the message.
 */
export function waitFor<T>(event: vscode.Event<unknown>, probe: () => T | undefined, description: string): Promise<T> {
  const now = probe();
  if (now !== undefined) return Promise.resolve(now);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out after ${EVENT_TIMEOUT_MS / 1000} s waiting for ${description}`));
    }, EVENT_TIMEOUT_MS);
    const subscription = event(() => {
      let value: T | undefined;
      try {
        value = probe();
      } catch (error) {
        clearTimeout(timer);
        subscription.dispose();
        reject(error);
        return;
      }
      if (value === undefined) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(value);
    });
  });
}

/** Waits until the diagnostics of `uri` satisfy `accept`, and returns them. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
  description: string,
): Promise<vscode.Diagnostic[]> {
  return waitFor(
    vscode.languages.onDidChangeDiagnostics,
    () => {
      const diagnostics = vscode.languages.getDiagnostics(uri);
      return accept(diagnostics) ? diagnostics : undefined;
    },
    `${description} in ${vscode.workspace.asRelativePath(uri)}`,
  );
}

/** Diagnostics published by our language server, whose diagnostics have the source 'falco'. */
export function falcoDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'falco');
}

/** Waits until the document at `uri` is open with the given language id, and returns it. */
export function waitForLanguage(uri: vscode.Uri, languageId: string): Promise<vscode.TextDocument> {
  return waitFor(
    vscode.workspace.onDidOpenTextDocument,
    () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && d.languageId === languageId),
    `${vscode.workspace.asRelativePath(uri)} to have language ${languageId}`,
  );
}

/** Formats diagnostic codes with their ranges, as `CODE@line:column-line:column` (0-based), sorted. */
export function codesAndRanges(diagnostics: readonly vscode.Diagnostic[]): string[] {
  return diagnostics
    .map((d) => {
      const code = typeof d.code === 'object' ? d.code.value : d.code;
      const { start, end } = d.range;
      return `${code}@${start.line}:${start.character}-${end.line}:${end.character}`;
    })
    .sort();
}

/** Returns the position just after the first occurrence of `marker` in `document`. */
export function positionAfter(document: vscode.TextDocument, marker: string): vscode.Position {
  const offset = document.getText().indexOf(marker);
  assert.ok(offset >= 0, `marker ${JSON.stringify(marker)} not found in ${document.uri.fsPath}`);
  return document.positionAt(offset + marker.length);
}
