// Benchmarks the checker on the eight official rule files (test/fixtures/official):
// the CLI as a user runs it (process start included), and in one process the
// analysis time beside a plain `yaml` parse of the same text, which is the floor.
// Prints each figure with its budget and writes them to bench/results.json.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { benchLanguageServer, benchWorkspaceIndexing } from './bench-lsp.mjs';

const require = createRequire(import.meta.url);
const { parseDocument } = require('yaml');
const { RulesWorkspace } = require('../out/tsc/server/src/core/index.js');

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const files = ['rules', 'plugin-rules'].flatMap((folder) => {
  const dir = join('test/fixtures/official', folder);
  return readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort().map((n) => join(dir, n));
});
const texts = files.map((f) => readFileSync(f, 'utf8'));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(fn) {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

// CLI, process start included.
const cliTimes = [];
for (let i = 0; i < RUNS; i++) {
  cliTimes.push(time(() => {
    const result = spawnSync(process.execPath, ['out/cli.js', 'lint', '--format', 'json', ...files], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`the CLI reported errors on the official files:\n${result.stdout.slice(0, 2000)}`);
  }));
}

// In-process: a plain parse of every file, then the full analysis of every file.
const parseTimes = [];
const analysisTimes = [];
for (let i = 0; i < RUNS + 3; i++) {
  const parse = time(() => texts.forEach((text) => parseDocument(text)));
  const analysis = time(() => {
    // Configured as the CLI's lint configures it.
    const workspace = new RulesWorkspace({ reuseItemDiagnostics: false });
    files.forEach((file, index) => workspace.setFile(`file:///${file}`, texts[index]));
    for (const uri of workspace.uris()) workspace.diagnostics(uri);
  });
  if (i >= 3) {
    parseTimes.push(parse);
    analysisTimes.push(analysis);
  }
}

const lsp = await benchLanguageServer();
const indexing = await benchWorkspaceIndexing();

const results = {
  date: new Date().toISOString(),
  node: process.version,
  runs: RUNS,
  files: files.length,
  bytes: texts.reduce((sum, t) => sum + t.length, 0),
  cliWallMs: Number(median(cliTimes).toFixed(1)),
  yamlParseMs: Number(median(parseTimes).toFixed(1)),
  analysisMs: Number(median(analysisTimes).toFixed(1)),
};
results.analysisToParseRatio = Number((results.analysisMs / results.yamlParseMs).toFixed(2));
Object.assign(results, { lsp, indexing });

const holds = (value, budget) => `<= ${budget} ms: ${value <= budget ? 'holds' : 'MISSED'}`;

const rows = [
  ['CLI, 8 official files, process start included', `${results.cliWallMs} ms`, 'reported'],
  ['plain yaml parseDocument of the same files (floor)', `${results.yamlParseMs} ms`, '-'],
  ['in-process analysis of the same files', `${results.analysisMs} ms`, `<= 2x parse: ${results.analysisToParseRatio <= 2 ? 'holds' : 'MISSED'} (${results.analysisToParseRatio}x)`],
  ['server: first diagnostics, sandbox file', `${lsp.firstDiagnosticsMs} ms`, holds(lsp.firstDiagnosticsMs, 40)],
  [`server: completion p50 (${lsp.requests} requests)`, `${lsp.completionP50Ms} ms`, '-'],
  ['server: completion p99', `${lsp.completionP99Ms} ms`, holds(lsp.completionP99Ms, 10)],
  ['server: hover p50', `${lsp.hoverP50Ms} ms`, '-'],
  ['server: hover p99', `${lsp.hoverP99Ms} ms`, holds(lsp.hoverP99Ms, 10)],
  ['server: definition p50', `${lsp.definitionP50Ms} ms`, '-'],
  ['server: definition p99', `${lsp.definitionP99Ms} ms`, holds(lsp.definitionP99Ms, 10)],
  ['server: diagnostics after a 1-char edit, p50', `${lsp.editP50Ms} ms`, '-'],
  ['server: diagnostics after a 1-char edit, p99', `${lsp.editP99Ms} ms`, holds(lsp.editP99Ms, 20)],
  ['server: resident memory, official files open', `${lsp.residentMb} MB`, `<= 120 MB: ${lsp.residentMb <= 120 ? 'holds' : 'MISSED'}`],
  [`server: index ${indexing.files} files (${indexing.megabytes} MB)`, `${indexing.indexMs} ms`, `<= 3000 ms: ${indexing.indexMs <= 3000 ? 'holds' : 'MISSED'}`],
  ['server: resident memory after indexing', `${indexing.residentMb} MB`, `<= 200 MB: ${indexing.residentMb <= 200 ? 'holds' : 'MISSED'}`],
];
for (const [name, value, budget] of rows) console.log(`${name.padEnd(52)} ${value.padStart(10)}   ${budget}`);

mkdirSync('bench', { recursive: true });
writeFileSync('bench/results.json', JSON.stringify(results, null, 2) + '\n');
console.log('wrote bench/results.json');
