// Drives the VS Code workbench in Chromium the way a person does: quick open,
// go to line, typing, and reading what the editor shows.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT, workbenchUrl } from './editor.mjs';
import { session } from './session.mjs';

/** How long one step may wait for the workbench to show something. */
export const STEP_TIMEOUT_MS = 30_000;

/**
 * Writes `files` (relative path → text) into a new workspace folder and opens
 * it in a new browser context, with the extension loaded from this repository.
 */
export async function openWorkbench(name, files) {
  const folder = join(session.scratch, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
  mkdirSync(folder, { recursive: true });
  const context = await session.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  await page.goto(workbenchUrl(session.server, { folder, developmentPath: ROOT }), { waitUntil: 'domcontentloaded' });
  await page.locator('.monaco-workbench').waitFor();
  return page;
}

/** Opens a workspace file with quick open (Ctrl+P) and waits for its editor. */
export async function openFile(page, name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(name);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[aria-label^="${name}"]`).waitFor();
  await page.locator('.editor-instance .monaco-editor .view-lines').waitFor();
}

/** Moves the cursor to a 1-based line and column with Go to Line (Ctrl+G). */
export async function goTo(page, line, column) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

/** Returns the text of the visible editor lines, with the editor's non-breaking spaces as spaces. */
export async function editorText(page) {
  const lines = await page.locator('.editor-instance .monaco-editor .view-lines .view-line').evaluateAll((nodes) =>
    nodes
      .map((node) => ({ top: parseFloat(node.style.top), text: node.textContent ?? '' }))
      .sort((a, b) => a.top - b.top)
      .map((line) => line.text),
  );
  return lines.join('\n').replace(/\u00a0/g, ' ');
}

/** Waits until the visible editor text satisfies `accept`, and returns it. */
export async function waitForEditorText(page, accept, description) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const text = await editorText(page);
    if (accept(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for the editor to show ${description}; it shows:\n${text}`);
    // Polls the DOM: the page offers no event for "the editor re-rendered".
    await page.waitForTimeout(100);
  }
}

/** Saves a screenshot of the page as SCREENSHOTS/`name`.png and returns its path. */
export async function screenshot(page, name) {
  mkdirSync(session.screenshots, { recursive: true });
  const path = join(session.screenshots, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Runs a command by its title ("Category: Title") from the Command Palette (F1). */
export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: title }).waitFor();
  await page.keyboard.press('Enter');
}
