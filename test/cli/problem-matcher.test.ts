/**
 * The `falco-pci` problem matcher of package.json, applied to the CLI's text
 * output the way VS Code applies a single-line pattern. VS Code compiles the
 * pattern with `new RegExp(regexp)`, without flags, and runs it on each output
 * line. It trims the file, code, severity and message groups, reads `hint` and
 * `info` as Info, and sets a missing end column to the start column. With
 * `autoDetect`, it resolves file names against the workspace folder
 * (vscode src/vs/workbench/contrib/tasks/common/problemMatcher.ts).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { CliDiagnostic } from '../../server/src/cli/main';
import { ROOT } from '../helpers';

const CLI = join(ROOT, 'out', 'cli.js');

interface ProblemMatcher {
  name: string;
  owner: string;
  fileLocation: [string, string];
  pattern: { regexp: string; file: number; line: number; column: number; severity: number; code: number; message: number; endLine?: number; endColumn?: number };
}

interface Problem {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'Error' | 'Warning' | 'Info';
  code: string;
  message: string;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { problemMatchers: ProblemMatcher[] } };
const matcher = manifest.contributes.problemMatchers.find((m) => m.name === 'falco-pci')!;

/** Severity as VS Code's problem matcher reads it; anything unknown falls back to Error. */
function markerSeverity(value: string): Problem['severity'] {
  const lower = value.toLowerCase();
  if (lower === 'warning' || lower === 'warn') return 'Warning';
  if (lower === 'info' || lower === 'hint' || lower === 'note') return 'Info';
  return 'Error';
}

/** Applies the matcher to each line of `output`, resolving files against `workspaceFolder`. */
function matchProblems(output: string, workspaceFolder: string): Problem[] {
  const regexp = new RegExp(matcher.pattern.regexp);
  const { pattern } = matcher;
  const problems: Problem[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = regexp.exec(line);
    if (!match) continue;
    const file = match[pattern.file]!.trim();
    const startLine = Number.parseInt(match[pattern.line]!, 10);
    const startColumn = Number.parseInt(match[pattern.column]!, 10);
    problems.push({
      file: isAbsolute(file) ? file : resolve(workspaceFolder, file),
      line: startLine,
      column: startColumn,
      endLine: pattern.endLine ? Number.parseInt(match[pattern.endLine]!, 10) : startLine,
      endColumn: pattern.endColumn ? Number.parseInt(match[pattern.endColumn]!, 10) : startColumn,
      severity: markerSeverity(match[pattern.severity]!.trim()),
      code: match[pattern.code]!.trim(),
      message: match[pattern.message]!.trim(),
    });
  }
  return problems;
}

/** The problem VS Code should show for one JSON diagnostic, given that text lines carry no end position. */
function expectedProblem(d: CliDiagnostic, cwd: string): Problem {
  return {
    file: resolve(cwd, d.file),
    line: d.line,
    column: d.column,
    endLine: d.line,
    endColumn: d.column,
    severity: markerSeverity(d.severity),
    code: d.code,
    message: d.message.replace(/\r\n|\r|\n/g, '\\n'),
  };
}

function lint(cwd: string, ...args: string[]): { text: string; stderr: string; json: CliDiagnostic[] } {
  const text = spawnSync(process.execPath, [CLI, 'lint', ...args], { encoding: 'utf8', cwd });
  const json = spawnSync(process.execPath, [CLI, 'lint', '--format', 'json', ...args], { encoding: 'utf8', cwd });
  return { text: text.stdout, stderr: text.stderr, json: JSON.parse(json.stdout) as CliDiagnostic[] };
}

const SAMPLE = [
  '- list: unused_list',
  '  items: [a]',
  '- macro: open_only',
  '  condition: evt.type = open',
  '- rule: Shell in CDE',
  '  desc: d',
  '  condition: |',
  '    evt.type = connect and fd.sport = "8',
  '    0" and fd.ip != 10.0.0.0/8',
  '  output: "\u{1F4B3} %(proc.name)s opened %fd.name"',
  '  priority: WARN',
  '  tags: [pci_dss_10.2.1]',
  '',
].join('\n');

describe('falco-pci problem matcher', () => {
  it('is contributed with a valid pattern', () => {
    assert.equal(matcher.owner, 'falco-pci');
    assert.deepEqual(matcher.fileLocation, ['autoDetect', '${workspaceFolder}']);
    assert.doesNotThrow(() => new RegExp(matcher.pattern.regexp));
  });

  it('matches every line of the seed output', () => {
    const { text, json } = lint(ROOT, join('test', 'fixtures', 'cases', 'seed-pci-rules.indented.yaml'));
    assert.ok(json.length > 5);
    assert.deepEqual(matchProblems(text, ROOT), json.map((d) => expectedProblem(d, ROOT)));
  });

  it('matches a sample with every severity', () => {
    const folder = mkdtempSync(join(tmpdir(), 'falco-pci-matcher-'));
    writeFileSync(join(folder, 'sample_rules.yaml'), SAMPLE);
    const { text, json } = lint(folder, '--severity', 'LOAD_UNUSED_LIST=info', '--severity', 'pci-tag-format=hint', 'sample_rules.yaml');
    const severities = new Set(json.map((d) => d.severity));
    for (const severity of ['error', 'warning', 'info', 'hint']) assert.ok(severities.has(severity as CliDiagnostic['severity']), `sample has no ${severity}`);
    assert.ok(json.some((d) => d.message.includes('\n')), 'sample has no message with a line break');
    assert.deepEqual(matchProblems(text, folder), json.map((d) => expectedProblem(d, folder)));
  });

  it('resolves files outside the workspace', () => {
    const folder = mkdtempSync(join(tmpdir(), 'falco-pci-matcher-'));
    const file = join(folder, 'elsewhere_rules.yaml');
    writeFileSync(file, SAMPLE);
    const workspaceFolder = mkdtempSync(join(tmpdir(), 'falco-pci-workspace-'));
    const { text, json } = lint(workspaceFolder, file);
    const problems = matchProblems(text, workspaceFolder);
    assert.equal(problems.length, json.length);
    for (const problem of problems) assert.equal(problem.file, file);
  });

  it('ignores the summary and usage lines', () => {
    const { stderr } = spawnSync(process.execPath, [CLI, 'lint', join('examples', 'pci_rules.yaml')], { encoding: 'utf8', cwd: ROOT });
    assert.match(stderr, /^2 error\(s\), 0 warning\(s\), 0 note\(s\)$/m);
    assert.deepEqual(matchProblems(stderr, ROOT), []);
    const usage = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' }).stdout;
    assert.deepEqual(matchProblems(usage, ROOT), []);
  });
});
