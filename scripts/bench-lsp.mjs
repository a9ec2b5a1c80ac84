// Measures the language server over stdio on the official sandbox rules file,
// with the stable and incubating files also open: time to first diagnostics,
// and p50/p99 of completion and hover at condition positions. Exported for
// scripts/bench.mjs, which prints the figures with their budgets.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const rpc = require('vscode-languageserver-protocol/node');
// The Node options the VS Code client starts the server with.
const { execArgv } = require('../server/src/lsp/node-options.json');

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Positions just after a dot inside condition lines, where a field is being typed. */
function conditionPositions(text, max) {
  const positions = [];
  const lines = text.split('\n');
  let inCondition = false;
  for (let line = 0; line < lines.length && positions.length < max; line++) {
    const content = lines[line];
    if (/^\s+condition:/.test(content)) inCondition = true;
    else if (/^\s*[a-z_-]+:/.test(content) || content.startsWith('-')) inCondition = false;
    if (!inCondition) continue;
    const match = /\b(proc|fd|evt|user|container)\.[a-z]/.exec(content);
    if (match) positions.push({ line, character: match.index + match[1].length + 2 });
  }
  return positions;
}

/** Positions inside names of macros used in conditions, for go-to-definition. */
function macroPositions(text, max) {
  const names = [...text.matchAll(/^- macro: (\S+)$/gm)].map((m) => m[1]);
  const positions = [];
  const lines = text.split('\n');
  for (let line = 0; line < lines.length && positions.length < max; line++) {
    if (!/^\s+condition:/.test(lines[line]) && !/^\s{4,}\S/.test(lines[line])) continue;
    for (const name of names) {
      const index = lines[line].indexOf(` ${name}`);
      if (index !== -1) positions.push({ line, character: index + 2 });
    }
  }
  return positions;
}

/** Resident memory of a process in MB, from /proc (Linux); NaN elsewhere. */
function residentMegabytes(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kilobytes = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
    return kilobytes / 1024;
  } catch {
    return Number.NaN;
  }
}

/**
 * Starts the server on a workspace folder of `copies` rules files (the official
 * files with their items renamed, so every copy defines its own names) and
 * measures the time until the server reports them indexed, and its memory.
 */
export async function benchWorkspaceIndexing({ copies = 200 } = {}) {
  const sources = ['rules/falco_rules.yaml', 'rules/falco-incubating_rules.yaml', 'rules/falco-sandbox_rules.yaml', 'plugin-rules/k8s_audit_rules.yaml']
    .map((name) => readFileSync(resolve('test/fixtures/official', name), 'utf8'));
  const folder = mkdtempSync(join(tmpdir(), 'falco-bench-workspace-'));
  let bytes = 0;
  for (let i = 0; i < copies; i++) {
    const text = sources[i % sources.length].replace(/^(- (?:rule|macro|list): )(.*)$/gm, (_, head, name) => `${head}${name}_copy${i}`);
    bytes += text.length;
    writeFileSync(join(folder, `copy${String(i).padStart(3, '0')}_rules.yaml`), text);
  }

  const child = spawn(process.execPath, [...execArgv, 'out/server.js', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = rpc.createProtocolConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  const indexed = new Promise((resolveIndexed) => {
    connection.onNotification(rpc.LogMessageNotification.type, (params) => {
      const match = /^index: (\d+) rules files indexed in (\d+) ms/.exec(params.message);
      if (match) resolveIndexed({ files: Number(match[1]), serverMs: Number(match[2]) });
    });
  });
  connection.listen();
  const start = performance.now();
  const root = pathToFileURL(folder).toString();
  await connection.sendRequest(rpc.InitializeRequest.type, { processId: process.pid, rootUri: root, capabilities: {}, workspaceFolders: [{ uri: root, name: 'bench' }] });
  await connection.sendNotification(rpc.InitializedNotification.type, {});
  const result = await indexed;
  const wallMs = performance.now() - start;
  const residentMb = residentMegabytes(child.pid);
  await connection.sendRequest(rpc.ShutdownRequest.type);
  await connection.sendNotification(rpc.ExitNotification.type);
  connection.dispose();
  child.kill();
  rmSync(folder, { recursive: true, force: true });
  return { files: result.files, megabytes: Number((bytes / 1024 / 1024).toFixed(1)), indexMs: Math.round(wallMs), residentMb: Number(residentMb.toFixed(1)) };
}

export async function benchLanguageServer({ requests = 300 } = {}) {
  const files = ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml'].map((name) => {
    const path = resolve('test/fixtures/official/rules', name);
    return { uri: pathToFileURL(path).toString(), text: readFileSync(path, 'utf8') };
  });
  const sandbox = files[2];

  const child = spawn(process.execPath, [...execArgv, 'out/server.js', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = rpc.createProtocolConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  const waiters = new Map();
  connection.onNotification(rpc.PublishDiagnosticsNotification.type, (params) => waiters.get(params.uri)?.(params));
  connection.listen();
  await connection.sendRequest(rpc.InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
  await connection.sendNotification(rpc.InitializedNotification.type, {});

  const open = (file) => {
    const published = new Promise((resolveDiagnostics) => waiters.set(file.uri, resolveDiagnostics));
    const start = performance.now();
    void connection.sendNotification(rpc.DidOpenTextDocumentNotification.type, { textDocument: { uri: file.uri, languageId: 'falco-rules', version: 1, text: file.text } });
    return published.then(() => performance.now() - start);
  };
  await open(files[0]);
  await open(files[1]);
  const firstDiagnosticsMs = await open(sandbox);

  const positions = conditionPositions(sandbox.text, requests);
  const time = async (method, params) => {
    const start = performance.now();
    await connection.sendRequest(method, params);
    return performance.now() - start;
  };
  const completion = [];
  const hover = [];
  const definition = [];
  const macroUses = macroPositions(sandbox.text, requests);
  for (let i = 0; i < requests; i++) {
    const position = positions[i % positions.length];
    completion.push(await time(rpc.CompletionRequest.type, { textDocument: { uri: sandbox.uri }, position }));
    hover.push(await time(rpc.HoverRequest.type, { textDocument: { uri: sandbox.uri }, position: { line: position.line, character: position.character - 1 } }));
    definition.push(await time(rpc.DefinitionRequest.type, { textDocument: { uri: sandbox.uri }, position: macroUses[i % macroUses.length] }));
  }

  const residentMb = residentMegabytes(child.pid);

  // One-character edits: type a character into a condition, then delete it, and
  // time each until the server publishes diagnostics for the new version.
  const edits = [];
  let version = 1;
  for (let i = 0; i < requests; i++) {
    // Even steps insert, odd steps delete what the step before inserted.
    const at = positions[(Math.floor(i / 2) * 7) % positions.length];
    const insert = i % 2 === 0;
    const change = insert
      ? { range: { start: at, end: at }, text: 'x' }
      : { range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: '' };
    version++;
    const expected = version;
    const published = new Promise((resolveDiagnostics) => waiters.set(sandbox.uri, (params) => { if (params.version === expected) resolveDiagnostics(); }));
    const start = performance.now();
    void connection.sendNotification(rpc.DidChangeTextDocumentNotification.type, { textDocument: { uri: sandbox.uri, version }, contentChanges: [change] });
    await published;
    edits.push(performance.now() - start);
  }

  await connection.sendRequest(rpc.ShutdownRequest.type);
  await connection.sendNotification(rpc.ExitNotification.type);
  connection.dispose();
  child.kill();
  const round = (v) => Number(v.toFixed(1));
  return {
    requests,
    residentMb: round(residentMb),
    firstDiagnosticsMs: round(firstDiagnosticsMs),
    completionP50Ms: round(percentile(completion, 50)),
    completionP99Ms: round(percentile(completion, 99)),
    hoverP50Ms: round(percentile(hover, 50)),
    hoverP99Ms: round(percentile(hover, 99)),
    definitionP50Ms: round(percentile(definition, 50)),
    definitionP99Ms: round(percentile(definition, 99)),
    editP50Ms: round(percentile(edits, 50)),
    editP99Ms: round(percentile(edits, 99)),
  };
}
