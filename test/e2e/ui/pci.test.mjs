// Checks the PCI-DSS features as they are displayed: the coverage report in
// its webview with the status bar item, and the templates in the suggest widget
// and in the "Insert PCI-DSS Rule Template" quick pick.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib/editor.mjs';
import { STEP_TIMEOUT_MS, openFile, openWorkbench, runCommand, screenshot, waitForEditorText } from '../lib/workbench.mjs';

const COVERAGE_FIXTURES = join(ROOT, 'test', 'fixtures', 'coverage');

describe('PCI-DSS UI', function () {
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

  it('shows the coverage report in a webview', async () => {
    page = await openWorkbench('coverage', {
      '1_pci_rules.yaml': readFileSync(join(COVERAGE_FIXTURES, '1_pci_rules.yaml'), 'utf8'),
      '2_pci_overrides.yaml': readFileSync(join(COVERAGE_FIXTURES, '2_pci_overrides.yaml'), 'utf8'),
    });
    await openFile(page, '1_pci_rules.yaml');
    // The same numbers as `falco-pci coverage test/fixtures/coverage/`.
    await page.locator('.statusbar-item', { hasText: 'PCI 7/57' }).waitFor();

    await runCommand(page, 'Falco: Show PCI-DSS coverage');
    await page.locator('.tab', { hasText: 'PCI-DSS coverage' }).waitFor();
    // A webview is an iframe that contains the page in a second iframe.
    const report = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
    const rows = report.locator('#requirements + p + table tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 57);
    const shell = report.locator('tr[id="req-10.2.1.2"]');
    assert.match(await shell.locator('td.status').textContent(), /covered/i);
    assert.match(await shell.textContent(), /Shell in PCI container/);
    assert.match(await report.locator('tr[id="req-10.6.3"] td.status').textContent(), /not load/i);
    await screenshot(page, 'coverage');
  });

  it('suggests each template once', async () => {
    page = await openWorkbench('pci-suggest', { 'suggest_rules.yaml': '' });
    await openFile(page, 'suggest_rules.yaml');
    // The status bar item appears once the server has answered, so its completion items take part below.
    await page.locator('.statusbar-item', { hasText: /PCI \d+\/57/ }).waitFor();
    await page.locator('.editor-instance .monaco-editor textarea').focus();
    await page.keyboard.type('pci-chd');
    await page.keyboard.press('Control+Space');
    const rows = page.locator('.editor-widget.suggest-widget.visible .monaco-list-row');
    await rows.filter({ hasText: 'pci-chd-file-access' }).first().waitFor();
    // The widget may show the rows of a shorter prefix until it has filtered for the whole word.
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    let labels = await rows.locator('.label-name').allTextContents();
    while (labels.some((label) => label.startsWith('pci-') && !label.startsWith('pci-chd')) && Date.now() < deadline) {
      await page.waitForTimeout(100);
      labels = await rows.locator('.label-name').allTextContents();
    }
    // The snippet file's entries only: the server offers no template items to VS Code.
    assert.deepEqual(labels.sort(), ['pci-chd-file-access', 'pci-chd-store-access']);
    // Ctrl+Space toggles the details of the focused suggestion; the workbench remembers whether they were open.
    const details = page.locator('.suggest-details-container', { hasText: 'pci_chd_paths' });
    if (!(await details.isVisible())) await page.keyboard.press('Control+Space');
    await details.waitFor();
    await screenshot(page, 'pci-template');
    await page.keyboard.press('Enter');
    const text = await waitForEditorText(page, (t) => t.startsWith('- list: pci_chd_paths'), 'the inserted card data template');
    assert.match(text, /^- rule: /m);
  });

  it('inserts a template from the quick pick', async () => {
    page = await openWorkbench('pci-template', { 'new_rules.yaml': '' });
    await openFile(page, 'new_rules.yaml');
    await page.locator('.editor-instance .monaco-editor textarea').focus();
    await runCommand(page, 'Falco: Insert PCI-DSS Rule Template');
    const picker = page.locator('.quick-input-widget');
    await picker.locator('.quick-input-title', { hasText: 'Insert PCI-DSS rule template' }).waitFor();
    await picker.locator('.monaco-list-row', { hasText: 'Shared lists and macros' }).first().waitFor();
    await picker.locator('input').fill('time synchronization');
    await picker.locator('.monaco-list-row.focused', { hasText: 'System time or time synchronization changed' }).waitFor();
    await page.keyboard.press('Enter');
    const text = await waitForEditorText(page, (t) => t.startsWith('- list: pci_time_sync_binaries'), 'the inserted time-change template');
    assert.match(text, /^ {2}items: \[chronyd, ntpd, ntpdate, sntp, systemd-timesyn, vmtoolsd\]$/m);
    assert.match(text, /^- rule: PCI System Clock Set by Unexpected Process$/m);
  });
});
