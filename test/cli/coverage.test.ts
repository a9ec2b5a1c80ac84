import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, ROOT } from '../helpers';
import type { CoverageReport } from '../../server/src/core';

const CLI = join(ROOT, 'out', 'cli.js');
const COVERAGE = join(FIXTURES, 'coverage');

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('falco-pci coverage', () => {
  it('prints the JSON report of a folder', () => {
    const result = run('coverage', '--format', 'json', COVERAGE);
    assert.equal(result.status, 0);
    const report = JSON.parse(result.stdout) as CoverageReport;
    assert.deepEqual(report.summary, { covered: 7, total: 57, rulesWithPciTags: 11, rulesNotLoaded: 3, unknownTags: 3 });
    assert.deepEqual(
      report.files.map((file) => file.file),
      ['falco_rules.yaml (bundled)', 'test/fixtures/coverage/1_pci_rules.yaml', 'test/fixtures/coverage/2_pci_overrides.yaml'],
    );
    const shell = report.rules.find((rule) => rule.name === 'Shell in PCI container')!;
    assert.equal(shell.location.uri, `file://${join(COVERAGE, '1_pci_rules.yaml')}`);
    assert.equal(result.stderr, '7/57 PCI DSS requirements covered, 3 rule(s) with PCI tags do not load\n');
  });

  it('prints markdown by default', () => {
    const result = run('coverage', COVERAGE);
    assert.equal(result.status, 0);
    const lines = result.stdout.split('\n');
    assert.equal(lines[0], '# PCI DSS v4.0.1 coverage');
    assert.ok(lines.includes('| 8.2.4 | Creating, deleting or modifying user IDs and authentication factors is authorized and scoped. | direct | covered | Account changed | - | - |'));
    assert.ok(lines.includes('| Card data file read | disabled | NOTICE | syscall | 10.2.1.1 | `PCI_DSS_10.2.1.1` | test/fixtures/coverage/1\\_pci\\_rules.yaml:14 |'));
  });

  it('loads the files in the order given', () => {
    const result = run('coverage', '--format', 'json', join(COVERAGE, '2_pci_overrides.yaml'), join(COVERAGE, '1_pci_rules.yaml'));
    const report = JSON.parse(result.stdout) as CoverageReport;
    assert.deepEqual(report.summary, { covered: 7, total: 57, rulesWithPciTags: 11, rulesNotLoaded: 4, unknownTags: 3 });
    assert.equal(report.requirements.find((requirement) => requirement.id === '10.3.2')!.status, 'covered');
  });

  it('leaves out the bundled rules on request', () => {
    const result = run('coverage', '--format', 'json', '--no-default-rules', COVERAGE);
    assert.equal(result.status, 0);
    const report = JSON.parse(result.stdout) as CoverageReport;
    assert.deepEqual(report.summary, { covered: 0, total: 57, rulesWithPciTags: 10, rulesNotLoaded: 10, unknownTags: 3 });
    assert.equal(report.files.length, 2);
  });

  it('writes HTML to --output', () => {
    const output = join(mkdtempSync(join(tmpdir(), 'falco-pci-coverage-')), 'report.html');
    const result = run('coverage', '--format=html', '--output', output, COVERAGE);
    assert.equal(result.status, 0);
    assert.equal(result.stdout, '');
    const html = readFileSync(output, 'utf8');
    assert.ok(html.includes('<tr id="req-10.2.1.2">'));
    assert.ok(html.includes('<strong>7/57 requirements covered</strong>'));
    assert.equal(/<script/i.test(html), false);
  });

  it('reports an unreadable path and goes on', () => {
    const result = run('coverage', '--format', 'json', join(COVERAGE, 'missing.yaml'), COVERAGE);
    assert.equal(result.status, 0);
    assert.match(result.stderr, /Cannot read '.*missing\.yaml': no such file or folder\./);
    assert.equal((JSON.parse(result.stdout) as CoverageReport).summary.covered, 7);
  });

  it('exits 2 on bad arguments', () => {
    for (const args of [['--format', 'pdf', COVERAGE], ['--output'], ['--unknown', COVERAGE], []]) {
      const result = run('coverage', ...args);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, /^falco-pci coverage: /);
    }
  });

  it('names the command in the help', () => {
    assert.match(run('--help').stdout, /falco-pci coverage \[--format markdown\|json\|html\]/);
    const help = run('coverage', '--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--output FILE/);
  });
});
