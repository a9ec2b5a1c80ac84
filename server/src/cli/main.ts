/**
 * The `falco-pci` command: checks rules files from the command line through
 * the same language core as the editor.
 *
 *   falco-pci lint [--format text|json|sarif|falco-json] [--no-default-rules] PATH...
 *   falco-pci coverage [--format markdown|json|html] [--no-default-rules] [--output FILE] PATH...
 *
 * Exit status: 0 when no error was found, 1 when at least one was, 2 on a
 * usage error.
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { RulesWorkspace } from '../core/workspace';
import { fixAll } from '../core/features/code-actions';
import { describeReadError, invalidUtf8Message, readRulesFileChecked } from './files';
import { runFalcoJsonLint } from './falco-json';
import { buildSarifLog } from './sarif';
import { runCoverage } from './coverage';
import { runTestCommand } from './test';
import { isRuleTestsFileName } from '../core/rule-tests/format';
import type { Diagnostic, Severity } from '../core/types';
import type { PluginSpec } from '../core/analysis/environment';
import { parseVersion } from '../core/analysis/environment';
import { DIAGNOSTIC_CODES, describeCode } from '../core/codes';
import { suggest } from '../core/util/suggest';
import { LIMIT_EXCEEDED_CODE } from '../core/limits';
import type { Limits } from '../core/limits';

/** The package version, set by the bundler from package.json. */
declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : 'development';

const USAGE = `Usage: falco-pci lint [--format text|json|sarif|falco-json] [--no-default-rules] PATH...
       falco-pci coverage [--format markdown|json|html] [--no-default-rules] [--output FILE] PATH...
       falco-pci test [--format text|json] PATH...   (runs rule tests; see falco-pci test --help)

Checks Falco rules files and prints one line per problem:
  file:line:column: severity code message

Options:
  --format text|json|sarif|falco-json
                        output format (default: text). json prints one array of
                        {file, line, column, endLine, endColumn, severity, code, message}
                        with 1-based lines and columns, end exclusive, columns in UTF-16 units.
                        sarif prints a SARIF 2.1.0 log for GitHub code scanning, with one
                        rule per diagnostic code and paths relative to the working directory.
                        falco-json prints what 'falco -V PATH... -o json_output=true' prints:
                        {"falco_load_results": [...]}, one result per file with Falco's codes
                        and 0-based positions, and at most one error per file, as Falco reports.
  --no-default-rules    do not load the bundled falco_rules.yaml before the given files
                        (by default its macros and lists are visible, as Falco loads it first).
  --engine-version X.Y.Z
                        Falco engine version to check required_engine_version against
                        (default: 0.62.0, the engine of Falco 0.44.x).
  --fix                 write the safe fixes into the files, then report what is left.
  --severity CODE=LEVEL set the severity of a diagnostic code: error, warning, info, hint or off
                        (off hides it); repeat for each code. Errors decide the exit status.
  --plugin NAME[@X.Y.Z] a plugin Falco has loaded; repeat for each. When given, these are
                        exactly the loaded plugins: unmet required_plugin_versions and fields
                        of other plugins are reported. By default the container plugin and
                        every plugin a checked file declares count as loaded.
  --max-file-size BYTES skip files larger than this, with one warning each (default: 2097152, 2 MiB).
  --max-condition-length CHARACTERS
                        skip items whose condition is longer, with one warning each (default: 65536).
  --max-nesting-depth LEVELS
                        skip items whose YAML lists and maps nest deeper (default: 100, at most 500).
  -h, --help            print this help.
  --version             print the version.

PATH - reads the rules from standard input. Arguments after -- are paths, even if they start with -.

PATH is a rules file or a folder; a folder contributes its *.yaml and *.yml files, sorted by path.
Exit status: 0 no error, 1 at least one error or a file or item skipped over a limit, 2 usage error.

'falco-pci coverage --help' describes the PCI DSS coverage report.`;

export interface CliDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Diagnostic['severity'];
  code: string;
  message: string;
}

interface LintOptions {
  format: 'text' | 'json' | 'sarif' | 'falco-json';
  useDefaultRules: boolean;
  engineVersion?: string;
  plugins?: PluginSpec[];
  severityOverrides?: Record<string, Severity | 'off'>;
  /** Write the safe fixes into the files before reporting what is left. */
  fix?: boolean;
  limits?: Partial<Limits>;
  paths: string[];
}

class UsageError extends Error {}

const LIMIT_OPTIONS = ['--max-file-size', '--max-condition-length', '--max-nesting-depth'] as const;

function limitOf(option: string): keyof Limits {
  if (option === '--max-file-size') return 'maxFileSize';
  return option === '--max-condition-length' ? 'maxConditionLength' : 'maxNestingDepth';
}

function parseArguments(args: string[]): LintOptions | 'help' | 'version' {
  if (args.length === 0 || args[0] === '-h' || args[0] === '--help') return 'help';
  if (args[0] === '--version') return 'version';
  const [command, ...rest] = args;
  if (command !== 'lint') throw new UsageError(`Unknown command '${command}'. The commands are 'lint', 'coverage' and 'test'.`);
  const options: LintOptions = { format: 'text', useDefaultRules: true, paths: [] };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--') {
      options.paths.push(...rest.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--no-default-rules') options.useDefaultRules = false;
    else if (arg === '--fix') options.fix = true;
    else if (arg === '--engine-version' || arg.startsWith('--engine-version=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : rest[++i];
      if (value === undefined || !parseVersion(value)) throw new UsageError(`Invalid value '${value ?? ''}' for --engine-version: write a version such as 0.62.0.`);
      options.engineVersion = value;
    } else if (arg === '--severity' || arg.startsWith('--severity=')) {
      const value = arg.includes('=') && arg.startsWith('--severity=') ? arg.slice('--severity='.length) : rest[++i];
      const match = value === undefined ? null : /^([A-Za-z0-9_-]+)=(error|warning|info|hint|off)$/.exec(value);
      if (!match) throw new UsageError(`Invalid value '${value ?? ''}' for --severity: write CODE=LEVEL with LEVEL one of error, warning, info, hint, off, such as LOAD_NO_EVTTYPE=info.`);
      if (!describeCode(match[1]!)) {
        // A misspelled code would silently change nothing, which could turn off a CI gate.
        const near = suggest(match[1]!, Object.keys(DIAGNOSTIC_CODES), 1);
        throw new UsageError(`Unknown diagnostic code '${match[1]}' for --severity.${near.length ? ` Did you mean '${near[0]}'?` : ''} The README lists every code.`);
      }
      options.severityOverrides = { ...options.severityOverrides, [match[1]!]: match[2] as Severity | 'off' };
    } else if (arg === '--plugin' || arg.startsWith('--plugin=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : rest[++i];
      const match = value === undefined ? null : /^([A-Za-z0-9_.-]+)(?:@(.+))?$/.exec(value);
      if (!match || (match[2] !== undefined && !parseVersion(match[2]))) throw new UsageError(`Invalid value '${value ?? ''}' for --plugin: write a plugin name, optionally with its version, such as container@0.7.1.`);
      options.plugins = [...(options.plugins ?? []), { name: match[1]!, ...(match[2] !== undefined ? { version: match[2] } : {}) }];
    }
    else if (LIMIT_OPTIONS.some((option) => arg === option || arg.startsWith(`${option}=`))) {
      const option = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : rest[++i];
      const number = value !== undefined && /^[0-9]+$/.test(value) ? Number(value) : NaN;
      if (!Number.isSafeInteger(number) || number < 1) throw new UsageError(`Invalid value '${value ?? ''}' for ${option}: write a positive whole number, such as ${option === '--max-file-size' ? '4194304' : '1000'}.`);
      options.limits = { ...options.limits, [limitOf(option)]: number };
    } else if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : rest[++i];
      if (value === undefined || value === '') throw new UsageError("Missing value for --format: use 'text', 'json', 'sarif' or 'falco-json'.");
      if (value !== 'text' && value !== 'json' && value !== 'sarif' && value !== 'falco-json') throw new UsageError(`Invalid value '${value}' for --format: use 'text', 'json', 'sarif' or 'falco-json'.`);
      options.format = value;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`Unknown option '${arg}'. Run 'falco-pci --help' for the options.`);
    } else options.paths.push(arg);
  }
  if (options.paths.length === 0) throw new UsageError('No file or folder to check. Give at least one PATH.');
  if (options.fix && options.paths.includes('-')) throw new UsageError("--fix cannot write to standard input ('-'). Give the file's path instead.");
  return options;
}

/** Expands folders into their rules files, keeping the command-line order. */
function expandPaths(paths: string[], unreadable: Array<{ file: string; message: string }>): string[] {
  const files: string[] = [];
  for (const path of paths) {
    if (path === '-') {
      files.push(path);
      continue;
    }
    try {
      if (!statSync(path).isDirectory()) {
        files.push(path);
        continue;
      }
      const entries = readdirSync(path, { withFileTypes: true })
        .filter((e) => (e.isFile() || e.isSymbolicLink()) && /\.ya?ml$/.test(e.name) && !isRuleTestsFileName(e.name))
        .map((e) => join(path, e.name))
        .sort();
      files.push(...entries);
    } catch (error) {
      unreadable.push({ file: path, message: describeReadError(path, error) });
    }
  }
  return files;
}


/**
 * Applies every safe fix to each file, writes the files that changed, and
 * prints on standard error how many fixes each took. The diagnostics that
 * follow are those of the fixed text.
 */
function applySafeFixes(workspace: RulesWorkspace, texts: Map<string, TextDocument>, unreadable: Array<{ file: string; message: string }>, skip: ReadonlyMap<string, unknown>): void {
  for (const [uri, before] of texts) {
    if (skip.has(uri)) continue;
    const applied = fixAll(workspace, uri);
    if (applied === 0) continue;
    const text = workspace.getDocument(uri)!.text;
    const display = relative(process.cwd(), uri) || uri;
    try {
      writeFileSync(uri, text);
      texts.set(uri, TextDocument.create(uri, 'falco-rules', before.version + 1, text));
      process.stderr.write(`${display}: applied ${applied} fix(es)\n`);
    } catch (error) {
      unreadable.push({ file: display, message: `Cannot write the fixes to '${display}': ${String(error)}. Check its permissions.` });
      workspace.setFile(uri, before.getText());
    }
  }
}

/** Checks `options.paths` and returns every diagnostic with 1-based positions. */
export function lintPaths(options: Omit<LintOptions, 'format'>): CliDiagnostic[] {
  const unreadable: Array<{ file: string; message: string }> = [];
  const files = expandPaths(options.paths, unreadable);
  const { useDefaultRules, engineVersion, plugins, severityOverrides, limits } = options;
  const workspace = new RulesWorkspace({
    useDefaultRules,
    ...(engineVersion !== undefined ? { engineVersion } : {}),
    ...(plugins !== undefined ? { plugins } : {}),
    ...(severityOverrides !== undefined ? { severityOverrides } : {}),
    ...(limits !== undefined ? { limits } : {}),
    // Fixing re-checks the files after each round of edits, which reuses item diagnostics.
    reuseItemDiagnostics: options.fix === true,
  });
  const texts = new Map<string, TextDocument>();
  const invalidUtf8 = new Map<string, number>();
  for (const file of files) {
    const uri = resolve(file);
    if (texts.has(uri)) continue;
    try {
      const { text, invalidUtf8At } = readRulesFileChecked(file);
      texts.set(uri, TextDocument.create(uri, 'falco-rules', 0, text));
      workspace.setFile(uri, text);
      if (invalidUtf8At !== undefined) invalidUtf8.set(uri, invalidUtf8At);
    } catch (error) {
      unreadable.push({ file, message: describeReadError(file, error) });
    }
  }

  // Writing a file back would replace its invalid bytes with U+FFFD, so such files are left as they are.
  if (options.fix) applySafeFixes(workspace, texts, unreadable, invalidUtf8);

  const results: CliDiagnostic[] = unreadable.map((u) => ({ file: u.file, line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code: 'LOAD_ERR_FILE_READ', message: u.message }));
  for (const [uri, textDocument] of texts) {
    const display = relative(process.cwd(), uri) || uri;
    const invalidAt = invalidUtf8.get(uri);
    if (invalidAt !== undefined) {
      const start = textDocument.positionAt(invalidAt);
      const message = `${invalidUtf8Message(display)}${options.fix ? ' --fix left this file unchanged.' : ''}`;
      results.push({ file: display, line: start.line + 1, column: start.character + 1, endLine: start.line + 1, endColumn: start.character + 2, severity: 'warning', code: 'invalid-utf8', message });
    }
    let diagnostics: Diagnostic[];
    try {
      diagnostics = workspace.diagnostics(uri);
    } catch (error) {
      results.push({ file: display, line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code: 'internal-error', message: `The checker failed on this file: ${String(error)}. Please report this with the file.` });
      continue;
    }
    for (const diagnostic of diagnostics) {
      const start = textDocument.positionAt(diagnostic.span.start);
      const end = textDocument.positionAt(diagnostic.span.end);
      results.push({
        file: display,
        line: start.line + 1,
        column: start.character + 1,
        endLine: end.line + 1,
        endColumn: end.character + 1,
        severity: diagnostic.severity,
        code: diagnostic.code,
        message: diagnostic.message,
      });
    }
  }
  return results;
}

export function main(args: string[]): number {
  if (args[0] === 'coverage') {
    return runCoverage(args.slice(1), expandPaths, { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) });
  }
  if (args[0] === 'test') return runTestCommand(args.slice(1));
  let options: LintOptions | 'help' | 'version';
  try {
    options = parseArguments(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`falco-pci: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (options === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }

  if (options.format === 'falco-json') return runFalcoJsonLint(options, expandPaths);
  const diagnostics = lintPaths(options);
  if (options.format === 'json') {
    process.stdout.write(`${JSON.stringify(diagnostics, null, 2)}\n`);
  } else if (options.format === 'sarif') {
    process.stdout.write(`${JSON.stringify(buildSarifLog(diagnostics, { version: VERSION, cwd: process.cwd() }), null, 2)}\n`);
  } else {
    // A message can quote a value that spans lines. Escaping its line breaks keeps one problem per line for problem matchers.
    const lines = diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code} ${d.message.replace(/\r\n|\r|\n/g, '\\n')}`);
    if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
    const count = (severity: string) => diagnostics.filter((d) => d.severity === severity).length;
    process.stderr.write(`${count('error')} error(s), ${count('warning')} warning(s), ${count('info') + count('hint')} note(s)\n`);
  }
  // A file or item the checker skipped over a limit was not checked, so it must not pass a CI gate.
  return diagnostics.some((d) => d.severity === 'error' || d.code === LIMIT_EXCEEDED_CODE) ? 1 : 0;
}

if (require.main === module) {
  // `lint ... | head` closes the pipe early: stop quietly instead of printing a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  process.exitCode = main(process.argv.slice(2));
}
