#!/usr/bin/env node
// Runs the real-editor tier: the extension-host suite (mocha inside code-server's
// extension host, with the real `vscode` API), the Playwright UI tests, and the
// smoke test of the extension installed from its .vsix.
//
// Usage: node test/e2e/run.mjs [--only host|ui|vsix]... [--update-images] [--verbose]
// --update-images copies the screenshots that README.md shows to docs/images/.
// FALCO_E2E_GREP=<pattern> runs only the extension-host tests whose titles match.
// Without code-server or Chromium it prints what is missing and exits 0,
// except with CI=true, where a missing tier is a failure.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { format, parseArgs } from 'node:util';
import Mocha from 'mocha';
import {
  ROOT,
  SETUP_HINT,
  createScratch,
  findMissingPrerequisites,
  installExtensions,
  launchBrowser,
  runExtensionHostTests,
  startCodeServer,
} from './lib/editor.mjs';
import { session } from './lib/session.mjs';

const { values: options } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    'update-images': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: process.env.FALCO_E2E_VERBOSE === '1' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (options.help) {
  console.log(`Usage: node test/e2e/run.mjs [--only host|ui|vsix]... [--update-images] [--verbose]

  --only TIER        run only this part (repeatable): host (extension-host suite),
                     ui (Playwright tests), vsix (smoke test of the packaged extension)
  --update-images    copy the screenshots that README.md shows to docs/images/
  --verbose          print the output of code-server and the editor

FALCO_E2E_GREP=<pattern> runs only the extension-host tests whose titles match.`);
  process.exit(0);
}
const TIERS = ['host', 'ui', 'vsix'];
for (const tier of options.only ?? []) {
  if (!TIERS.includes(tier)) {
    console.error(`Invalid --only value '${tier}': expected one of ${TIERS.join(', ')}.`);
    process.exit(2);
  }
}
const selected = (tier) => !options.only || options.only.includes(tier);

const OUTPUT_MARK = '\u2063falco-e2e\u2063';
const HOST_TESTS = join(ROOT, 'out', 'tsc', 'test', 'extension', 'index.js');
const INSTALLED_TESTS = join(ROOT, 'out', 'tsc', 'test', 'extension', 'installed', 'index.js');
const STUB_YAML = join(ROOT, 'test', 'extension', 'stub-yaml');
const SCREENSHOTS = join(ROOT, 'out', 'e2e', 'screenshots');
const IMAGES = join(ROOT, 'docs', 'images');

const missing = findMissingPrerequisites();
if (missing.length > 0) {
  const inCi = process.env.CI === 'true';
  console.log(`Real-editor tests ${inCi ? 'cannot run' : 'skipped'}:`);
  for (const line of missing) console.log(`  - ${line}`);
  console.log(`  ${SETUP_HINT}`);
  process.exit(inCi ? 1 : 0);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const started = Date.now();
const scratch = createScratch();
const verboseLog = (prefix) => (line) => {
  if (options.verbose) console.log(`${prefix} ${line}`);
};

/**
 * Prints the extension host's marked output lines and counts mocha's results.
 * The editor's own error messages are kept and printed when the suite fails.
 */
function hostLogger() {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const editorErrors = [];
  const log = (type, args) => {
    const first = Array.isArray(args) ? args[0] : args;
    if (typeof first === 'string' && first.startsWith(OUTPUT_MARK)) {
      const line = first.slice(OUTPUT_MARK.length);
      console.log(line);
      const summary = /^\s+(\d+) (passing|failing|pending)\b/.exec(line);
      if (summary) counts[{ passing: 'passed', failing: 'failed', pending: 'skipped' }[summary[2]]] = Number(summary[1]);
      return;
    }
    const text = format(...[].concat(args));
    if (options.verbose) console.log(`[editor ${type}] ${text}`);
    else if (type === 'error') editorErrors.push(text.split('\n')[0]);
  };
  return { counts, log, editorErrors };
}

/** Runs one extension-host suite and adds its counts. A suite that does not finish counts as one failure. */
async function runHostSuite(name, browser, server, suite) {
  console.log(`\n${name}`);
  const { counts, log, editorErrors } = hostLogger();
  try {
    const exitCode = await runExtensionHostTests(browser, server, { ...suite, log });
    if (exitCode !== 0 && counts.failed === 0) counts.failed = 1;
  } catch (error) {
    console.log(`  ${name} failed to run: ${error.message}`);
    counts.failed += 1;
  }
  if (counts.failed > 0 && editorErrors.length > 0) {
    console.log(`  Errors the editor logged (the last ${Math.min(20, editorErrors.length)}; --verbose shows all output):`);
    for (const line of editorErrors.slice(-20)) console.log(`    ${line}`);
  }
  for (const key of Object.keys(totals)) totals[key] += counts[key];
}

/** Runs the Playwright test files with mocha and adds their counts. */
async function runUiTests() {
  console.log('\nUI tests (Playwright)');
  const mocha = new Mocha({ ui: 'bdd', timeout: 90_000, reporter: 'spec', color: false });
  const folder = join(ROOT, 'test', 'e2e', 'ui');
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.test.mjs')).sort()) mocha.addFile(join(folder, file));
  await mocha.loadFilesAsync();
  const runner = await new Promise((resolve) => {
    const r = mocha.run(() => resolve(r));
  });
  totals.passed += runner.stats.passes;
  totals.failed += runner.stats.failures;
  totals.skipped += runner.stats.pending;
}

/** Packages the extension, installs the .vsix into a fresh code-server and runs the smoke test on the installed copy. */
async function runVsixSmoke(browser) {
  console.log('\nInstalled .vsix');
  const vsixScratch = join(scratch.path, 'vsix');
  mkdirSync(vsixScratch, { recursive: true });
  const vsix = join(vsixScratch, 'falco-pci-rules.vsix');
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), '--out', vsix, '--no-build'], { cwd: ROOT, stdio: options.verbose ? 'inherit' : 'ignore' });
  const extensionsDir = join(vsixScratch, 'extensions');
  installExtensions(vsixScratch, extensionsDir, [vsix]);
  const workspace = join(vsixScratch, 'workspace');
  mkdirSync(workspace, { recursive: true });
  process.env.FALCO_E2E_EXTENSIONS_DIR = extensionsDir;
  const server = await startCodeServer({ scratch: vsixScratch, extensionsDir, log: verboseLog('[code-server vsix]') });
  try {
    // The workbench runs extension tests only in an Extension Development Host.
    // The development folder given here contains no extension, so the extension
    // under test is the copy installed from the .vsix.
    await runHostSuite('  smoke test', browser, server, { folder: workspace, developmentPath: dirname(INSTALLED_TESTS), testsPath: INSTALLED_TESTS });
  } finally {
    await server.stop();
  }
}

let browser;
let server;
try {
  // The extension host inherits code-server's environment.
  process.env.FALCO_E2E_OUTPUT_MARK = OUTPUT_MARK;
  const extensionsDir = join(scratch.path, 'extensions');
  if (selected('host') || selected('ui')) {
    // A folder copied into the extensions folder is loaded as installed.
    cpSync(STUB_YAML, join(extensionsDir, 'falco-pci-rules-tests.stub-yaml-0.0.1'), { recursive: true });
    server = await startCodeServer({ scratch: scratch.path, extensionsDir, log: verboseLog('[code-server]') });
  }
  browser = await launchBrowser(scratch.path);

  if (selected('host')) {
    const workspace = join(scratch.path, 'host-workspace');
    mkdirSync(workspace, { recursive: true });
    await runHostSuite('Extension-host suite', browser, server, { folder: workspace, developmentPath: ROOT, testsPath: HOST_TESTS });
  }
  if (selected('ui')) {
    Object.assign(session, { server, browser, scratch: join(scratch.path, 'ui'), screenshots: SCREENSHOTS });
    await runUiTests();
    if (options['update-images']) {
      mkdirSync(IMAGES, { recursive: true });
      for (const name of ['completion.png', 'quick-fix.png', 'snippet.png', 'coverage.png', 'pci-template.png']) copyFileSync(join(SCREENSHOTS, name), join(IMAGES, name));
      console.log(`Copied the screenshots to ${IMAGES}.`);
    }
  }
  if (selected('vsix')) await runVsixSmoke(browser);
} catch (error) {
  console.log(`\nThe real-editor tier stopped: ${error.stack ?? error}`);
  totals.failed += 1;
} finally {
  await browser?.close();
  await server?.stop();
  scratch.remove();
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\nReal editor (${seconds} s): ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
