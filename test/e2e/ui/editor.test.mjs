// Checks the editor as it is displayed: completion, squiggles and the Problems
// panel, a quick-fix from the light bulb menu, and a snippet.
import * as assert from 'node:assert/strict';
import { editorText, goTo, openFile, openWorkbench, screenshot, waitForEditorText } from '../lib/workbench.mjs';

const PLACEHOLDER_RULE = [
  '- rule: Shell in CDE container',
  '  desc: A shell started in a cardholder data environment container.',
  '  condition: spawned_process and container and proc.name in (shell_binaries)',
  '  output: "Shell started (shell=%(proc.name)s container=%container.id)"',
  '  priority: WARNING',
  '  tags: [container, PCI_DSS_10.2.1.2]',
  '',
].join('\n');

describe('editor UI', function () {
  let page;

  afterEach(async function () {
    if (!page) return;
    if (this.currentTest.state === 'failed') {
      const path = await screenshot(page, `failed-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-')}`);
      console.log(`      screenshot: ${path}`);
    }
    await page.context().close();
    page = undefined;
  });

  it('suggests proc.name after proc.', async () => {
    page = await openWorkbench('completion', {
      'completion_rules.yaml': '- rule: Shell in CDE container\n  desc: A shell in a container.\n  condition: spawned_process and \n  output: "Shell (command=%proc.cmdline)"\n  priority: WARNING\n',
    });
    await openFile(page, 'completion_rules.yaml');
    await goTo(page, 3, 'condition: spawned_process and '.length + 3);
    await page.keyboard.type('proc.na');
    // Typing alone opens no suggestions in a condition value (VS Code's quick
    // suggestions are off inside strings by default), so Ctrl+Space requests them.
    await page.keyboard.press('Control+Space');
    const row = page.locator('.editor-widget.suggest-widget.visible .monaco-list-row .label-name', { hasText: /^proc\.name$/ });
    await row.first().waitFor();
    await screenshot(page, 'completion');
  });

  it('underlines a broken placeholder and lists it in Problems', async () => {
    page = await openWorkbench('problems', { 'placeholder_rules.yaml': PLACEHOLDER_RULE });
    await openFile(page, 'placeholder_rules.yaml');
    await page.locator('.editor-instance .squiggly-error').first().waitFor();
    await page.keyboard.press('Control+Shift+M');
    const entry = page.locator('.markers-panel .monaco-list-row', { hasText: "'%(proc.name)s' is not a Falco placeholder" });
    await entry.first().waitFor();
    assert.equal(await page.locator('.markers-panel .monaco-list-row', { hasText: 'is not a Falco placeholder' }).count(), 1);
  });

  it('applies a quick-fix from the Ctrl+. menu', async () => {
    page = await openWorkbench('quick-fix', { 'fix_rules.yaml': PLACEHOLDER_RULE });
    await openFile(page, 'fix_rules.yaml');
    await page.locator('.editor-instance .squiggly-error').first().waitFor();
    await goTo(page, 4, PLACEHOLDER_RULE.split('\n')[3].indexOf('%(proc.name)s') + 3);
    await page.keyboard.press('Control+.');
    // A pointer-blocking layer covers the menu while it opens, so the fix is
    // chosen with the arrow keys and applied with Enter, as people do.
    const title = "Replace with '%proc.name'";
    await page.locator('.action-widget .monaco-list-row.action', { hasText: title }).waitFor();
    const focused = page.locator('.action-widget .monaco-list-row.focused');
    const actionCount = await page.locator('.action-widget .monaco-list-row.action').count();
    for (let step = 0; step < actionCount && !(await focused.textContent())?.includes(title); step++) {
      await page.keyboard.press('ArrowDown');
    }
    assert.match(await focused.textContent(), /Replace with '%proc\.name'/);
    await screenshot(page, 'quick-fix');
    await page.keyboard.press('Enter');
    const fixed = await waitForEditorText(page, (text) => text.includes('shell=%proc.name container'), 'the fixed placeholder');
    assert.ok(!fixed.includes('%(proc.name)s'));
    await page.locator('.editor-instance .squiggly-error').first().waitFor({ state: 'detached' });
  });

  it('inserts the rule snippet', async () => {
    page = await openWorkbench('snippet', { 'new_rules.yaml': '' });
    await openFile(page, 'new_rules.yaml');
    await page.locator('.editor-instance .monaco-editor textarea').focus();
    await page.keyboard.type('rule');
    await page.keyboard.press('Control+Space');
    const snippet = page.locator('.editor-widget.suggest-widget.visible .monaco-list-row', {
      has: page.locator('.codicon-symbol-snippet'),
      hasText: 'rule',
    });
    await snippet.first().click();
    const text = await waitForEditorText(page, (t) => t.startsWith('- rule: Rule name'), 'the inserted rule snippet');
    assert.match(text, /^ {2}desc: What the rule detects\.$/m);
    assert.match(text, /^ {2}priority: WARNING$/m);
    await screenshot(page, 'snippet');
    assert.equal(await editorText(page), text);
  });
});
