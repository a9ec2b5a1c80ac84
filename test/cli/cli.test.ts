import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, ROOT } from '../helpers';

const CLI = join(ROOT, 'out', 'cli.js');

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
}

const SEED = join(FIXTURES, 'cases', 'seed-pci-rules.indented.yaml');
const AS_WRITTEN = join(FIXTURES, 'cases', 'seed-pci-rules.as-written.yaml');

describe('falco-pci lint', () => {
  it('refuses a device without reading it', () => {
    const folder = mkdtempSync(join(tmpdir(), 'falco-cli-device-'));
    symlinkSync('/dev/zero', join(folder, 'zero_rules.yaml'));
    const result = run('lint', folder);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /zero_rules\.yaml:1:1: error LOAD_ERR_FILE_READ Cannot read '.*zero_rules\.yaml': it is not a regular file/);
  });

  it('rejects an unknown code in --severity', () => {
    const result = run('lint', '--severity', 'LOAD_NO_EVTYPE=error', SEED);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /Unknown diagnostic code 'LOAD_NO_EVTYPE' for --severity\. Did you mean 'LOAD_NO_EVTTYPE'\?/);
  });

  it('stops quietly when the output pipe closes', () => {
    const result = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" lint "${SEED}" | head -1`], { encoding: 'utf8', cwd: ROOT });
    assert.equal(result.stdout.split('\n').filter(Boolean).length, 1);
    assert.doesNotMatch(result.stderr, /EPIPE|Error:/);
  });

  it('prints JSON diagnostics with 1-based exclusive ranges', () => {
    const result = run('lint', '--format', 'json', SEED);
    assert.equal(result.status, 1);
    const diagnostics = JSON.parse(result.stdout) as JsonDiagnostic[];
    const placeholder = diagnostics.find((d) => d.code === 'LOAD_ERR_COMPILE_OUTPUT')!;
    assert.deepEqual(Object.keys(placeholder).sort(), ['code', 'column', 'endColumn', 'endLine', 'file', 'line', 'message', 'severity']);
    // `%(proc.name)s` on line 4: `  output: "Shell process '` is 26 characters.
    assert.deepEqual([placeholder.line, placeholder.column, placeholder.endLine, placeholder.endColumn], [4, 27, 4, 40]);
    assert.equal(placeholder.severity, 'error');
  });

  it('prints file:line:column: severity code message', () => {
    const result = run('lint', SEED);
    assert.equal(result.status, 1);
    const first = result.stdout.split('\n')[0]!;
    assert.match(first, /^test\/fixtures\/cases\/seed-pci-rules\.indented\.yaml:\d+:\d+: (error|warning|info) [A-Za-z_-]+ .+/);
  });

  it('reports the as-written seed and still checks the next file', () => {
    const result = run('lint', '--format', 'json', AS_WRITTEN, SEED);
    assert.equal(result.status, 1);
    const diagnostics = JSON.parse(result.stdout) as JsonDiagnostic[];
    const indentation = diagnostics.find((d) => d.file.endsWith('as-written.yaml') && d.code === 'LOAD_ERR_YAML_PARSE')!;
    assert.equal(indentation.line, 2);
    assert.ok(diagnostics.some((d) => d.file.endsWith('indented.yaml') && d.code === 'LOAD_NO_EVTTYPE'));
  });

  it('exits 0 on a clean file', () => {
    const folder = mkdtempSync(join(tmpdir(), 'falco-pci-'));
    const file = join(folder, 'clean_rules.yaml');
    writeFileSync(file, '- rule: Shell in container\n  desc: A shell was started in a container.\n  condition: spawned_process and container and proc.name in (shell_binaries)\n  output: Shell started (user=%user.name command=%proc.cmdline container=%container.id)\n  priority: WARNING\n');
    const result = run('lint', file);
    assert.equal(result.stdout, '');
    assert.equal(result.status, 0);
  });

  it('checks every yaml file of a folder', () => {
    const result = run('lint', '--format', 'json', join(FIXTURES, 'cases'));
    const files = new Set((JSON.parse(result.stdout) as JsonDiagnostic[]).map((d) => d.file));
    assert.equal(files.size, 2);
  });

  it('reports a missing file and checks the others', () => {
    const result = run('lint', '--format', 'json', 'no/such/file.yaml', SEED);
    const diagnostics = JSON.parse(result.stdout) as JsonDiagnostic[];
    assert.equal(diagnostics[0]!.code, 'LOAD_ERR_FILE_READ');
    assert.match(diagnostics[0]!.message, /no such file/);
    assert.ok(diagnostics.length > 30);
  });

  it('exits 2 on a usage error', () => {
    assert.equal(run('lint').status, 2);
    assert.equal(run('lint', '--format', 'xml', SEED).status, 2);
    const unknown = run('check', SEED);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Unknown command 'check'/);
  });

  it('resolves base macros unless --no-default-rules', () => {
    const withBase = JSON.parse(run('lint', '--format', 'json', SEED).stdout) as JsonDiagnostic[];
    const without = JSON.parse(run('lint', '--format', 'json', '--no-default-rules', SEED).stdout) as JsonDiagnostic[];
    assert.equal(withBase.filter((d) => d.message.startsWith("Undefined macro 'container'")).length, 0);
    assert.ok(without.filter((d) => d.message.startsWith("Undefined macro 'container'")).length >= 5);
  });

  it('applies --severity overrides', () => {
    const base = JSON.parse(run('lint', '--format', 'json', SEED).stdout) as JsonDiagnostic[];
    assert.equal(base.filter((d) => d.code === 'LOAD_NO_EVTTYPE')[0]!.severity, 'warning');
    const info = JSON.parse(run('lint', '--format', 'json', '--severity', 'LOAD_NO_EVTTYPE=info', SEED).stdout) as JsonDiagnostic[];
    assert.equal(info.filter((d) => d.code === 'LOAD_NO_EVTTYPE')[0]!.severity, 'info');
    const off = run('lint', '--format', 'json', '--severity', 'LOAD_ERR_COMPILE_OUTPUT=off', '--severity', 'LOAD_ERR_COMPILE_CONDITION=warning', SEED);
    const remaining = JSON.parse(off.stdout) as JsonDiagnostic[];
    assert.equal(remaining.filter((d) => d.code === 'LOAD_ERR_COMPILE_OUTPUT').length, 0);
    assert.equal(off.status, 0);
    assert.equal(run('lint', '--severity', 'LOAD_NO_EVTTYPE=loud', SEED).status, 2);
  });
});

describe('falco-pci lint --fix', () => {
  it('writes the safe fixes and reports what is left', () => {
    const folder = mkdtempSync(join(tmpdir(), 'falco-pci-fix-'));
    const file = join(folder, 'fix_rules.yaml');
    writeFileSync(file, '- rule: R\n  desc: d\n  condition: spawned_process and proc.nme = x\n  output: "shell %(proc.name)s"\n  priority: INFO\n');
    const result = run('lint', '--fix', '--format', 'json', file);
    assert.equal(readFileSync(file, 'utf8'), '- rule: R\n  desc: d\n  condition: spawned_process and proc.nme = x\n  output: "shell %proc.name"\n  priority: INFO\n');
    const left = JSON.parse(result.stdout) as JsonDiagnostic[];
    assert.deepEqual(left.map((d) => d.code), ['LOAD_ERR_COMPILE_CONDITION']);
    assert.match(result.stderr, /applied 1 fix/);
    assert.equal(result.status, 1);
  });

  it('refuses --fix on standard input', () => {
    assert.equal(run('lint', '--fix', '-').status, 2);
  });
});
