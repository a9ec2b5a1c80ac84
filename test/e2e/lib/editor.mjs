// Starts code-server (a real VS Code: the workbench in the browser, the
// extension host on the server) and Debian's Chromium through playwright-core,
// fully offline, with every piece of state in one temporary folder.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const HARNESS = join(ROOT, 'test', 'e2e', 'editor');
const CODE_SERVER_ENTRY = join(HARNESS, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.FALCO_E2E_CHROMIUM || '/usr/bin/chromium';

export const SETUP_HINT = 'Install code-server, Chromium and playwright-core with `sudo bash scripts/setup-real-editor.sh` (Debian or Ubuntu; it needs apt and the npm registry).';

/** Lists what the real-editor tests need and cannot find, as sentences; empty when everything is there. */
export function findMissingPrerequisites() {
  const missing = [];
  if (!existsSync(CODE_SERVER_ENTRY)) missing.push(`code-server is not installed in ${HARNESS}/node_modules.`);
  if (!existsSync(join(HARNESS, 'node_modules', 'playwright-core', 'package.json'))) {
    missing.push(`playwright-core is not installed in ${HARNESS}/node_modules.`);
  }
  if (!existsSync(CHROMIUM)) missing.push(`Chromium is not found at ${CHROMIUM} (set FALCO_E2E_CHROMIUM to use another path).`);
  if (!existsSync(join(ROOT, 'out', 'extension.js')) || !existsSync(join(ROOT, 'out', 'tsc', 'test', 'extension', 'index.js'))) {
    missing.push('The extension and its tests are not built: run `npm run build` first.');
  }
  return missing;
}

/** Creates the temporary folder for all state of one run. Its `remove()` deletes it. */
export function createScratch(prefix = 'falco-e2e-') {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Environment for code-server and Chromium: no gallery, and config, data and cache inside `scratch`. */
export function offlineEnvironment(scratch) {
  const env = { ...process.env };
  for (const name of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME']) {
    env[name] = join(scratch, name.slice(4, -5).toLowerCase());
    mkdirSync(env[name], { recursive: true });
  }
  env.HOME = join(scratch, 'home');
  mkdirSync(env.HOME, { recursive: true });
  env.EXTENSIONS_GALLERY = '{}';
  delete env.VSCODE_IPC_HOOK_CLI;
  return env;
}

function writeUserSettings(userDataDir) {
  const settings = {
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'workbench.startupEditor': 'none',
    'workbench.enableExperiments': false,
    'workbench.tips.enabled': false,
    'git.enabled': false,
    'security.workspace.trust.enabled': false,
  };
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

/**
 * Installs extensions (.vsix files or extension folders, given as paths) into
 * `extensionsDir` with code-server's own `--install-extension`.
 */
export function installExtensions(scratch, extensionsDir, paths) {
  const args = [CODE_SERVER_ENTRY, '--extensions-dir', extensionsDir, '--user-data-dir', join(scratch, 'user-data')];
  for (const path of paths) args.push('--install-extension', path);
  args.push('--force');
  return execFileSync(process.execPath, args, { env: offlineEnvironment(scratch), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Starts code-server on 127.0.0.1 and resolves once /healthz returns 200.
 * Options: scratch (folder for all state), extensionsDir, auth ('none' or
 * 'password'), password, port (0 picks a free one), log (receives output lines).
 */
export async function startCodeServer(options) {
  const { scratch, auth = 'none', password, port = 0, log = () => {} } = options;
  const userDataDir = join(scratch, 'user-data');
  const extensionsDir = options.extensionsDir ?? join(scratch, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir);

  const env = offlineEnvironment(scratch);
  if (auth === 'password') env.PASSWORD = password;
  else delete env.PASSWORD;
  const args = [
    CODE_SERVER_ENTRY,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', auth,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--config', join(scratch, 'code-server.yaml'),
  ];
  writeFileSync(join(scratch, 'code-server.yaml'), '');
  // Detached, so that stop() can signal the whole process group: that also ends
  // the extension host and the language servers it started.
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolvePromise) => child.once('exit', (code, signal) => resolvePromise({ code, signal })));

  const address = await new Promise((resolvePromise, reject) => {
    let pending = '';
    const onData = (chunk) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        log(line);
        const match = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (match) resolvePromise(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then(({ code, signal }) => reject(new Error(`code-server exited before listening (status ${code}, signal ${signal}); run with FALCO_E2E_VERBOSE=1 to see its output.`)));
  });

  const url = new URL(address);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(new URL('/healthz', url));
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`code-server at ${url} did not answer /healthz within 30 s.`);
    await new Promise((r) => setTimeout(r, 100));
  }

  let stopped;
  return {
    url,
    port: Number(url.port),
    extensionsDir,
    exited,
    /** Stops code-server and everything it started; resolves when it has exited. */
    stop() {
      stopped ??= (async () => {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          return; // Already gone.
        }
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }, 5000);
        await exited;
        clearTimeout(timer);
      })();
      return stopped;
    },
  };
}

/** Launches Chromium headless through playwright-core, offline and quiet. */
export async function launchBrowser(scratch) {
  const require = createRequire(join(HARNESS, 'package.json'));
  const { chromium } = require('playwright-core');
  const env = offlineEnvironment(scratch);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    env,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * Returns the workbench address that opens `folder` as an Extension Development
 * Host, the way VS Code does for `--extensionDevelopmentPath` and
 * `--extensionTestsPath`. The web workbench keeps one value per payload key, so
 * only one development folder can be given.
 */
export function workbenchUrl(server, { folder, developmentPath, testsPath }) {
  const remote = (path) => `vscode-remote://${server.url.host}${path}`;
  const payload = [];
  if (developmentPath) payload.push(['extensionDevelopmentPath', remote(developmentPath)]);
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  const url = new URL('/', server.url);
  if (folder) url.searchParams.set('folder', folder);
  if (payload.length) url.searchParams.set('payload', JSON.stringify(payload));
  return url.toString();
}

/**
 * Runs an extension-host test suite (a module exporting `run()`) in a new page
 * and resolves with its exit code. The host's console output goes to `log`.
 */
export async function runExtensionHostTests(browser, server, { folder, developmentPath, testsPath, log, timeoutMs = 240_000 }) {
  const page = await browser.newPage();
  try {
    let finish;
    const finished = new Promise((r) => (finish = r));
    await page.exposeFunction('codeAutomationLog', (type, args) => log(type, args));
    await page.exposeFunction('codeAutomationExit', (code) => finish(code));
    await page.goto(workbenchUrl(server, { folder, developmentPath, testsPath }), { waitUntil: 'domcontentloaded' });
    let timer;
    const timedOut = new Promise((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const result = await Promise.race([finished, timedOut, server.exited.then(() => 'code-server exited')]);
    clearTimeout(timer);
    if (typeof result === 'string') throw new Error(`extension-host tests did not finish: ${result} after ${timeoutMs / 1000} s at most.`);
    return result;
  } finally {
    await page.close();
  }
}
