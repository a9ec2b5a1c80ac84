/**
 * `falco-pci test [--format text|json] [--rules PATH]... [--no-default-rules] PATH...`:
 * runs the cases of rule test files and prints pass or fail, with the
 * condition's explanation tree for every case that did not pass.
 *
 * Exit status: 0 when every case passed, 1 when a case failed or could not
 * run, 2 on a usage error.
 */
import { readdirSync, statSync } from 'node:fs';
import { readRegularFile } from './files';
import { dirname, join, relative, resolve } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { RulesWorkspace } from '../core/workspace';
import { parseRuleTestFile, isRuleTestsFileName } from '../core/rule-tests/format';
import type { RuleTestFile } from '../core/rule-tests/format';
import { parseAlertJson, runRuleTests, validateRuleTestFile } from '../core/rule-tests/run';
import type { RuleTestResult } from '../core/rule-tests/run';
import type { ExplanationNode } from '../core/eval';
import { describeReadError } from './files';

export const TEST_USAGE = `Usage: falco-pci test [--format text|json] [--rules PATH]... [--no-default-rules] PATH...

Runs the cases of rule test files (*.falco-tests.yaml) and prints one line per case.
For a case that fails, prints the rule's condition as a tree with the value of each
sub-expression for the case's event.

Options:
  --format text|json    output format (default: text). json prints
                        {results: [...], passed, failed, errors} for CI.
  --rules PATH          a rules file or folder to load for test files that have no
                        'rules' list; repeat for each. Files load in the order given.
  --no-default-rules    do not load the bundled falco_rules.yaml first.
  -h, --help            print this help.

PATH is a test file or a folder; a folder contributes its *.falco-tests.yaml files.
Exit status: 0 every case passed, 1 a case failed or could not run, 2 usage error.`;

const OUTCOME_LABELS: Record<RuleTestResult['outcome'], string> = { pass: 'PASS ', fail: 'FAIL ', error: 'ERROR' };

interface TestOptions {
  format: 'text' | 'json';
  rules: string[];
  useDefaultRules: boolean;
  paths: string[];
}

class TestUsageError extends Error {}

function parseTestArguments(args: string[]): TestOptions | 'help' {
  const options: TestOptions = { format: 'text', rules: [], useDefaultRules: true, paths: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--') {
      options.paths.push(...args.slice(i + 1));
      break;
    }
    if (arg === '--no-default-rules') options.useDefaultRules = false;
    else if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      if (value !== 'text' && value !== 'json') throw new TestUsageError(`Invalid value '${value ?? ''}' for --format: use 'text' or 'json'.`);
      options.format = value;
    } else if (arg === '--rules' || arg.startsWith('--rules=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      if (!value) throw new TestUsageError('--rules needs a rules file or folder.');
      options.rules.push(value);
    } else if (arg.startsWith('-')) {
      throw new TestUsageError(`Unknown option '${arg}'. Run 'falco-pci test --help' for the options.`);
    } else options.paths.push(arg);
  }
  if (options.paths.length === 0) throw new TestUsageError('No test file or folder. Give at least one PATH.');
  return options;
}

/** Expands folders into their rule test files, sorted by path. */
function expandTestPaths(paths: string[], problems: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    try {
      if (!statSync(path).isDirectory()) {
        files.push(path);
        continue;
      }
      files.push(...readdirSync(path).filter((name) => isRuleTestsFileName(name)).map((name) => join(path, name)).sort());
    } catch (error) {
      problems.push(describeReadError(path, error));
    }
  }
  return files;
}

/** Expands rules folders into their *.yaml files, leaving test files out. */
function expandRulesPaths(paths: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    if (statSync(path).isDirectory()) {
      files.push(...readdirSync(path).filter((name) => /\.ya?ml$/.test(name) && !isRuleTestsFileName(name)).map((name) => join(path, name)).sort());
    } else files.push(path);
  }
  return files;
}

interface FileRun {
  file: string;
  test: RuleTestFile;
  workspace: RulesWorkspace;
  results: RuleTestResult[];
  /** Validation errors of the test file. */
  problems: Array<{ line: number; column: number; message: string }>;
}

/** Loads the rules of one test file and runs its cases. Throws only for unreadable rules files, with a message. */
function runFile(path: string, options: TestOptions): FileRun {
  const text = readRegularFile(path).toString('utf8');
  const uri = resolve(path);
  const test = parseRuleTestFile(uri, text);
  const workspace = new RulesWorkspace({ useDefaultRules: options.useDefaultRules });
  const rulesPaths = test.rules ? test.rules.map((rule) => resolve(dirname(uri), rule.value)) : expandRulesPaths(options.rules).map((rule) => resolve(rule));
  for (const rulesPath of rulesPaths) {
    try {
      workspace.setFile(rulesPath, readRegularFile(rulesPath).toString('utf8'));
    } catch (error) {
      throw new Error(`${describeReadError(relative(process.cwd(), rulesPath), error)} It is listed in the rules of ${path}.`);
    }
  }
  const program = workspace.getProgram();
  const document = TextDocument.create(uri, 'falco-tests', 0, text);
  const problems = validateRuleTestFile(program, test)
    .filter((problem) => problem.severity === 'error')
    .map((problem) => ({ ...toLineColumn(document, problem.span.start), message: problem.message }));
  const readAlert = (alertPath: string) => {
    const full = resolve(dirname(uri), alertPath);
    try {
      return parseAlertJson(readRegularFile(full).toString('utf8'), alertPath);
    } catch (error) {
      return { error: describeReadError(alertPath, error) };
    }
  };
  return { file: path, test, workspace, results: runRuleTests(program, test, readAlert), problems };
}

function toLineColumn(document: TextDocument, offset: number): { line: number; column: number } {
  const position = document.positionAt(offset);
  return { line: position.line + 1, column: position.character + 1 };
}

/** Converts an explanation tree to plain data with file, line and column. */
function explanationJson(node: ExplanationNode, documents: Map<string, TextDocument>): Record<string, unknown> {
  const location = node.location;
  const document = location ? documents.get(location.uri) : undefined;
  return {
    kind: node.kind,
    text: node.text,
    value: node.value,
    ...(location ? { file: displayPath(location.uri) } : {}),
    ...(document && location ? toLineColumn(document, location.span.start) : {}),
    ...(node.field !== undefined ? { field: node.field } : {}),
    ...(node.fieldValue !== undefined ? { fieldValue: node.fieldValue } : {}),
    ...(node.note !== undefined ? { note: node.note } : {}),
    children: node.children.map((child) => explanationJson(child, documents)),
  };
}

function displayPath(uri: string): string {
  return uri.startsWith('/') ? relative(process.cwd(), uri) || uri : uri;
}

/** Writes an explanation tree, one sub-expression per line. */
export function formatExplanation(node: ExplanationNode, documents: Map<string, TextDocument>, indent = '    '): string[] {
  const location = node.location;
  const document = location ? documents.get(location.uri) : undefined;
  const where = document && location ? ` (${displayPath(location.uri)}:${toLineColumn(document, location.span.start).line})` : '';
  const text = node.text.replace(/\s+/g, ' ');
  const truncated = text.length > 100 ? `${text.slice(0, 97)}...` : text;
  const value = node.fieldValue !== undefined ? ` [${node.field} = ${node.fieldValue}]` : '';
  const note = node.note ? ` -- ${node.note}` : '';
  const label = node.kind === 'macro' ? `macro ${truncated}` : truncated;
  const lines = [`${indent}${node.value ? 'true ' : 'false'} ${label}${value}${where}${note}`];
  for (const child of node.children) lines.push(...formatExplanation(child, documents, `${indent}  `));
  return lines;
}

function documentsOf(run: FileRun): Map<string, TextDocument> {
  const documents = new Map<string, TextDocument>();
  for (const file of run.workspace.getProgram().files) documents.set(file.document.uri, TextDocument.create(file.document.uri, 'falco-rules', 0, file.document.text));
  return documents;
}

export function runTestCommand(args: string[]): number {
  let options: TestOptions | 'help';
  try {
    options = parseTestArguments(args);
  } catch (error) {
    if (!(error instanceof TestUsageError)) throw error;
    process.stderr.write(`falco-pci: ${error.message}\n\n${TEST_USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${TEST_USAGE}\n`);
    return 0;
  }

  const readProblems: string[] = [];
  const runs: FileRun[] = [];
  for (const path of expandTestPaths(options.paths, readProblems)) {
    try {
      runs.push(runFile(path, options));
    } catch (error) {
      readProblems.push(error instanceof Error && /^Cannot read/.test(error.message) ? error.message : describeReadError(path, error));
    }
  }

  const all = runs.flatMap((run) => run.results);
  const count = (outcome: RuleTestResult['outcome']) => all.filter((result) => result.outcome === outcome).length;
  const invalidFiles = runs.filter((run) => run.problems.length).length;
  if (options.format === 'json') {
    const results = runs.flatMap((run) => {
      const document = TextDocument.create(run.file, 'falco-tests', 0, run.test.text);
      const documents = documentsOf(run);
      return run.results.map((result) => ({
        file: run.file,
        ...toLineColumn(document, result.span.start),
        name: result.name,
        rule: result.rule ?? null,
        expected: result.expected ?? null,
        actual: result.actual ?? null,
        outcome: result.outcome,
        ...(result.message ? { message: result.message } : {}),
        ...(result.evaluation ? { explanation: explanationJson(result.evaluation.tree, documents), approximations: result.evaluation.approximations } : {}),
      }));
    });
    const problems = [
      ...readProblems.map((message) => ({ message })),
      ...runs.flatMap((run) => run.problems.map((problem) => ({ file: run.file, ...problem }))),
    ];
    process.stdout.write(`${JSON.stringify({ results, problems, passed: count('pass'), failed: count('fail'), errors: count('error') }, null, 2)}\n`);
  } else {
    for (const message of readProblems) process.stdout.write(`ERROR ${message}\n`);
    for (const run of runs) {
      const document = TextDocument.create(run.file, 'falco-tests', 0, run.test.text);
      const documents = documentsOf(run);
      for (const problem of run.problems) process.stdout.write(`${run.file}:${problem.line}:${problem.column}: error ${problem.message}\n`);
      for (const result of run.results) {
        const { line } = toLineColumn(document, result.span.start);
        const label = OUTCOME_LABELS[result.outcome];
        process.stdout.write(`${label} ${run.file}:${line} ${result.name}${result.rule ? ` (rule '${result.rule}')` : ''}${result.message ? `: ${result.message}` : ''}\n`);
        if (result.outcome !== 'pass' && result.evaluation) process.stdout.write(`${formatExplanation(result.evaluation.tree, documents).join('\n')}\n`);
        for (const note of result.evaluation?.approximations ?? []) process.stdout.write(`    note: ${note}\n`);
      }
    }
    process.stderr.write(`${count('pass')} passed, ${count('fail')} failed, ${count('error')} could not run\n`);
  }
  return count('fail') + count('error') + readProblems.length + invalidFiles > 0 ? 1 : 0;
}
