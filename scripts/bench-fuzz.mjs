// Runs the fuzzer of test/robustness (compiled to out/tsc by `npm run build`)
// on many more cases than `npm test` does, and reports the failures and the
// slowest case. Writes bench/fuzz.json; exits with status 1 when a case fails.
//
//   node scripts/bench-fuzz.mjs [SEED] [COUNT]
//
// SEED defaults to the current time, so each run tries new cases; the seed is
// printed and written, and `generateCase(corpus, SEED, index)` replays a case.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const { generateCase, loadCorpus } = require('../out/tsc/test/robustness/mutate.js');
const { runCoreCase } = require('../out/tsc/test/robustness/run-case.js');

const seed = process.argv[2] !== undefined ? Number(process.argv[2]) : Date.now() % 2 ** 31;
const count = process.argv[3] !== undefined ? Number(process.argv[3]) : 10_000;
if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(count) || count < 1) {
  console.error(`Invalid arguments '${process.argv.slice(2).join(' ')}': write a whole-number SEED and a positive COUNT, such as 42 10000.`);
  process.exit(2);
}

const corpus = loadCorpus(join('test', 'fixtures'));
// The first case would also time compiling the code and reading the bundled rules.
runCoreCase(generateCase(corpus, seed, 0));
const failures = [];
const times = [];
let slowest;
const started = performance.now();
for (let index = 0; index < count; index++) {
  const fuzzCase = generateCase(corpus, seed, index);
  const result = runCoreCase(fuzzCase);
  times.push(result.milliseconds);
  if (!slowest || result.milliseconds > slowest.milliseconds) {
    slowest = { index, source: fuzzCase.source, mutations: fuzzCase.mutations, length: fuzzCase.text.length, milliseconds: Math.round(result.milliseconds) };
  }
  for (const failure of result.failures) failures.push({ index, source: fuzzCase.source, mutations: fuzzCase.mutations, failure });
  if ((index + 1) % 1000 === 0) process.stderr.write(`${index + 1} cases, ${failures.length} failure(s)\n`);
}
const totalSeconds = (performance.now() - started) / 1000;
times.sort((a, b) => a - b);
const percentile = (p) => Math.round(times[Math.min(times.length - 1, Math.floor(times.length * p))] * 10) / 10;

const report = {
  seed,
  count,
  failureCount: failures.length,
  failures: failures.slice(0, 100),
  totalSeconds: Math.round(totalSeconds * 10) / 10,
  milliseconds: { median: percentile(0.5), p99: percentile(0.99), max: slowest.milliseconds },
  slowest,
  node: process.version,
};
mkdirSync('bench', { recursive: true });
writeFileSync(join('bench', 'fuzz.json'), `${JSON.stringify(report, null, 2)}\n`);

console.log(`fuzz: seed ${seed}, ${count} cases in ${report.totalSeconds} s, ${failures.length} failure(s)`);
console.log(`fuzz: per case median ${report.milliseconds.median} ms, p99 ${report.milliseconds.p99} ms`);
console.log(`fuzz: slowest case ${slowest.index} (${slowest.milliseconds} ms, ${slowest.length} characters of ${slowest.source}): ${slowest.mutations.join('; ')}`);
for (const failure of failures.slice(0, 10)) console.log(`fuzz: case ${failure.index} (${failure.mutations.join('; ')}): ${failure.failure}`);
if (failures.length) process.exitCode = 1;
