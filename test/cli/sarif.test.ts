/**
 * `lint --format sarif`: the log validates against the SARIF 2.1.0 schema
 * kept in test/fixtures/sarif, and its results match the JSON output.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { DIAGNOSTIC_CODES } from '../../server/src/core/codes';
import { buildSarifLog } from '../../server/src/cli/sarif';
import type { SarifLog } from '../../server/src/cli/sarif';
import type { CliDiagnostic } from '../../server/src/cli/main';
import { FIXTURES, ROOT } from '../helpers';

const CLI = join(ROOT, 'out', 'cli.js');
const SEED = join('test', 'fixtures', 'cases', 'seed-pci-rules.indented.yaml');
const EXAMPLE = join('examples', 'pci_rules.yaml');

function run(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function sarifOf(cwd: string, ...args: string[]): { status: number | null; log: SarifLog } {
  const result = run(cwd, 'lint', '--format', 'sarif', ...args);
  return { status: result.status, log: JSON.parse(result.stdout) as SarifLog };
}

function jsonOf(cwd: string, ...args: string[]): CliDiagnostic[] {
  return JSON.parse(run(cwd, 'lint', '--format', 'json', ...args).stdout) as CliDiagnostic[];
}

const schema = JSON.parse(readFileSync(join(FIXTURES, 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validateSarif = ajv.compile(schema);

function assertValid(log: unknown): void {
  const valid = validateSarif(log);
  assert.equal(valid, true, JSON.stringify(validateSarif.errors, null, 2));
}

describe('falco-pci lint --format sarif', () => {
  let seed: { status: number | null; log: SarifLog };
  before(() => {
    seed = sarifOf(ROOT, SEED);
  });

  it('schema rejects a broken log', () => {
    // Guards the validator itself: a log without `runs` and with a bad level must fail.
    assert.equal(validateSarif({ version: '2.1.0' }), false);
    const broken = structuredClone(seed.log) as unknown as { runs: Array<{ results: Array<{ level: string }> }> };
    broken.runs[0]!.results[0]!.level = 'fatal';
    assert.equal(validateSarif(broken), false);
  });

  it('seed log validates against SARIF 2.1.0', () => {
    const { status, log } = seed;
    assert.equal(status, 1);
    assertValid(log);
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    assert.ok(log.runs[0]!.results.length > 5);
  });

  it('example log validates against SARIF 2.1.0', () => {
    const { status, log } = sarifOf(ROOT, EXAMPLE);
    assert.equal(status, 1);
    assertValid(log);
    assert.deepEqual(
      log.runs[0]!.results.map((r) => r.ruleId),
      ['LOAD_ERR_COMPILE_CONDITION', 'LOAD_ERR_COMPILE_OUTPUT'],
    );
  });

  it('clean file gives no results and exit 0', () => {
    const folder = mkdtempSync(join(tmpdir(), 'falco-pci-sarif-'));
    writeFileSync(join(folder, 'clean_rules.yaml'), '- rule: Shell in container\n  desc: A shell was started in a container.\n  condition: spawned_process and container and proc.name in (shell_binaries)\n  output: Shell started (user=%user.name container=%container.id)\n  priority: WARNING\n');
    const { status, log } = sarifOf(folder, 'clean_rules.yaml');
    assert.equal(status, 0);
    assertValid(log);
    assert.deepEqual(log.runs[0]!.results, []);
  });

  it('results match the JSON output', () => {
    const json = jsonOf(ROOT, SEED);
    const { log } = seed;
    const run0 = log.runs[0]!;
    assert.equal(run0.results.length, json.length);
    json.forEach((d, i) => {
      const result = run0.results[i]!;
      assert.equal(result.ruleId, d.code);
      assert.equal(run0.tool.driver.rules[result.ruleIndex]!.id, d.code);
      assert.equal(result.level, d.severity === 'error' || d.severity === 'warning' ? d.severity : 'note');
      assert.equal(result.message.text, d.message);
      const location = result.locations[0]!.physicalLocation;
      assert.deepEqual(location.artifactLocation, { uri: 'test/fixtures/cases/seed-pci-rules.indented.yaml', uriBaseId: '%SRCROOT%' });
      assert.deepEqual(location.region, { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn });
    });
  });

  it('run declares UTF-16 columns and the source root', () => {
    const { log } = seed;
    const run0 = log.runs[0]!;
    assert.equal(run0.columnKind, 'utf16CodeUnits');
    assert.equal(run0.originalUriBaseIds['%SRCROOT%']!.uri, `${pathToFileURL(ROOT).href.replace(/\/$/, '')}/`);
    assert.equal(run0.tool.driver.name, 'falco-pci');
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(run0.tool.driver.version, version);
    assert.equal(run0.tool.driver.semanticVersion, version);
  });

  it('rules cover every diagnostic code', () => {
    const { log } = seed;
    const rules = log.runs[0]!.tool.driver.rules;
    assert.deepEqual(rules.map((r) => r.id), Object.keys(DIAGNOSTIC_CODES));
    for (const rule of rules) {
      const info = DIAGNOSTIC_CODES[rule.id]!;
      assert.equal(rule.shortDescription.text, info.title, rule.id);
      assert.equal(rule.fullDescription.text, info.description, rule.id);
      assert.ok(rule.help.text.startsWith(info.description), rule.id);
      assert.match(rule.name, /^[A-Z][A-Za-z0-9]*$/, rule.id);
      assert.equal(rule.defaultConfiguration.level, info.severity === 'info' || info.severity === 'hint' ? 'note' : info.severity, rule.id);
    }
    const placeholder = rules.find((r) => r.id === 'LOAD_ERR_COMPILE_OUTPUT')!;
    assert.equal(placeholder.help.text, `${DIAGNOSTIC_CODES.LOAD_ERR_COMPILE_OUTPUT!.description} Falco's description of LOAD_ERR_COMPILE_OUTPUT: This occurs when an output string can not be compiled to an output object.`);
  });

  it('columns count UTF-16 code units', () => {
    const folder = mkdtempSync(join(tmpdir(), 'falco-pci-sarif-'));
    // U+1F4B3 (credit card) is two UTF-16 code units, so the placeholder starts at column 25; counting code points would give 24.
    const output = '  output: "\u{1F4B3} card data %(proc.name)s"\n';
    writeFileSync(join(folder, 'x_rules.yaml'), `- rule: R\n  desc: d\n  condition: spawned_process\n${output}  priority: INFO\n`);
    const { log } = sarifOf(folder, 'x_rules.yaml');
    assertValid(log);
    const result = log.runs[0]!.results.find((r) => r.ruleId === 'LOAD_ERR_COMPILE_OUTPUT')!;
    const start = output.indexOf('%(');
    assert.equal(start, 24);
    assert.deepEqual(result.locations[0]!.physicalLocation.region, { startLine: 4, startColumn: start + 1, endLine: 4, endColumn: start + 1 + '%(proc.name)s'.length });
  });

  it('encodes paths as URI references', () => {
    const folder = mkdtempSync(join(tmpdir(), 'falco-pci-sarif-'));
    mkdirSync(join(folder, 'my rules'));
    writeFileSync(join(folder, 'my rules', 'a#1_rules.yaml'), '- macro: m\n  condition: proc.nme = x\n');
    const { log } = sarifOf(folder, join('my rules', 'a#1_rules.yaml'));
    assertValid(log);
    assert.deepEqual(log.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation, { uri: 'my%20rules/a%231_rules.yaml', uriBaseId: '%SRCROOT%' });
  });

  it('files outside the working directory get file URIs', () => {
    const folder = mkdtempSync(join(tmpdir(), 'falco-pci-sarif-'));
    const file = join(folder, 'outside_rules.yaml');
    writeFileSync(file, '- macro: m\n  condition: proc.nme = x\n');
    const cwd = mkdtempSync(join(tmpdir(), 'falco-pci-cwd-'));
    const { log } = sarifOf(cwd, file);
    assertValid(log);
    assert.deepEqual(log.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation, { uri: pathToFileURL(file).href });
  });

  it('standard input gets a described location', () => {
    const result = spawnSync(process.execPath, [CLI, 'lint', '--format', 'sarif', '-'], { encoding: 'utf8', cwd: ROOT, input: '- macro: m\n  condition: proc.nme = x\n' });
    const log = JSON.parse(result.stdout) as SarifLog;
    assertValid(log);
    assert.deepEqual(log.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation, { description: { text: 'standard input' } });
  });

  it('unreadable file is a result', () => {
    const { status, log } = sarifOf(ROOT, 'no-such-file_rules.yaml');
    assert.equal(status, 1);
    assertValid(log);
    const result = log.runs[0]!.results[0]!;
    assert.equal(result.ruleId, 'LOAD_ERR_FILE_READ');
    assert.deepEqual(result.locations[0]!.physicalLocation.region, { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 });
  });

  it('severity overrides set the result level', () => {
    const { log } = sarifOf(ROOT, '--severity', 'LOAD_NO_EVTTYPE=info', '--severity', 'LOAD_ERR_COMPILE_OUTPUT=off', SEED);
    const results = log.runs[0]!.results;
    assert.ok(results.some((r) => r.ruleId === 'LOAD_NO_EVTTYPE'));
    assert.ok(results.filter((r) => r.ruleId === 'LOAD_NO_EVTTYPE').every((r) => r.level === 'note'));
    assert.equal(results.filter((r) => r.ruleId === 'LOAD_ERR_COMPILE_OUTPUT').length, 0);
  });
});

describe('buildSarifLog', () => {
  const diagnostic = (overrides: Partial<CliDiagnostic>): CliDiagnostic => ({ file: 'a_rules.yaml', line: 3, column: 5, endLine: 3, endColumn: 9, severity: 'warning', code: 'LOAD_UNUSED_MACRO', message: "Macro 'm' is not referred to by any rule or macro.", ...overrides });

  it('unknown code gets a generic rule', () => {
    const log = buildSarifLog([diagnostic({ code: 'made-up-code', severity: 'hint' })], { version: 'development', cwd: ROOT });
    assertValid(log);
    const run0 = log.runs[0]!;
    const result = run0.results[0]!;
    assert.equal(result.ruleIndex, Object.keys(DIAGNOSTIC_CODES).length);
    assert.equal(run0.tool.driver.rules[result.ruleIndex]!.id, 'made-up-code');
    assert.equal(result.level, 'note');
    assert.equal(run0.tool.driver.semanticVersion, undefined);
  });

  it('fingerprints survive moved lines', () => {
    const before = buildSarifLog([diagnostic({})], { version: '0.1.0', cwd: ROOT }).runs[0]!.results[0]!;
    const after = buildSarifLog([diagnostic({ line: 10, endLine: 10 })], { version: '0.1.0', cwd: ROOT }).runs[0]!.results[0]!;
    assert.deepEqual(after.partialFingerprints, before.partialFingerprints);
    assert.match(Object.values(before.partialFingerprints)[0]!, /^[0-9a-f]{64}$/);
  });

  it('fingerprints differ for repeats', () => {
    const results = buildSarifLog([diagnostic({}), diagnostic({ line: 7, endLine: 7 }), diagnostic({ file: 'b_rules.yaml' })], { version: '0.1.0', cwd: ROOT }).runs[0]!.results;
    const prints = results.map((r) => JSON.stringify(r.partialFingerprints));
    assert.equal(new Set(prints).size, 3);
  });
});
