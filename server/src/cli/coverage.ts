/**
 * `falco-pci coverage`: the PCI DSS coverage report of rules files, loaded
 * in the order given on top of the bundled falco_rules.yaml.
 */
import { positionConverter } from '../shared/io';
import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RulesWorkspace, DEFAULT_RULES_URI } from '../core/workspace';
import { computeCoverage, CoverageLocator, CoverageReport } from '../core/pci/coverage';
import { renderCoverageJson, renderCoverageMarkdown } from '../core/pci/coverage-markdown';
import { renderCoverageHtml } from '../core/pci/coverage-html';
import { describeReadError, readRulesFile } from './files';

export const COVERAGE_USAGE = `Usage: falco-pci coverage [--format markdown|json|html] [--no-default-rules] [--output FILE] PATH...

Reports which PCI DSS v4.0.1 requirements the rules cover: for each requirement of
the catalog, the rules whose PCI_DSS_<id> tags name it, whether they are enabled,
their priority and source; the rules with PCI tags that do not load; and the tags
that name no requirement of the catalog. Rules are read in the state Falco ends
with after loading every file, so overrides and 'enabled' changes count.

Options:
  --format markdown|json|html
                        output format (default: markdown). json is the report object
                        with 1-based lines and columns; html is one self-contained page.
  --no-default-rules    do not load the bundled falco_rules.yaml first (by default its
                        rules count too, as Falco loads it first).
  --output FILE         write the report to FILE instead of standard output.
  -h, --help            print this help.

PATH is a rules file or a folder; a folder contributes its *.yaml and *.yml files,
sorted by path. Files load in the order given. PATH - reads standard input.
Exit status: 0 when the report was written (problems in the rules are part of the
report), 2 on a usage error or when the output file cannot be written.`;

type CoverageFormat = 'markdown' | 'json' | 'html';

interface CoverageOptions {
  format: CoverageFormat;
  useDefaultRules: boolean;
  output?: string;
  paths: string[];
}

/** Standard output and error, replaceable in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Expands folders into rules files in command-line order and records paths that cannot be read. */
export type ExpandPaths = (paths: string[], unreadable: Array<{ file: string; message: string }>) => string[];

class UsageError extends Error {}

/** Runs `coverage` with the arguments after the command name; returns the exit status. */
export function runCoverage(args: string[], expandPaths: ExpandPaths, io: CliIo): number {
  let options: CoverageOptions | 'help';
  try {
    options = parseCoverageArguments(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`falco-pci coverage: ${error.message}\n\n${COVERAGE_USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    io.stdout(`${COVERAGE_USAGE}\n`);
    return 0;
  }

  const unreadable: Array<{ file: string; message: string }> = [];
  const report = coverageOfPaths(options, expandPaths, unreadable);
  for (const problem of unreadable) io.stderr(`falco-pci coverage: ${problem.message}\n`);
  const rendered = render(report, options.format);
  if (options.output === undefined) {
    io.stdout(rendered);
  } else {
    try {
      writeFileSync(options.output, rendered);
    } catch (error) {
      io.stderr(`falco-pci coverage: Cannot write the report to '${options.output}': ${String(error)}. Check the path and its permissions.\n`);
      return 2;
    }
  }
  io.stderr(`${report.summary.covered}/${report.summary.total} PCI DSS requirements covered, ${report.summary.rulesNotLoaded} rule(s) with PCI tags do not load\n`);
  return 0;
}

function parseCoverageArguments(args: string[]): CoverageOptions | 'help' {
  const options: CoverageOptions = { format: 'markdown', useDefaultRules: true, paths: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      options.paths.push(...args.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--no-default-rules') options.useDefaultRules = false;
    else if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      if (value !== 'markdown' && value !== 'json' && value !== 'html') throw new UsageError(`Invalid value '${value ?? ''}' for --format: use 'markdown', 'json' or 'html'.`);
      options.format = value;
    } else if (arg === '--output' || arg.startsWith('--output=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      if (value === undefined || value === '') throw new UsageError('Missing file name for --output: write --output report.html.');
      options.output = value;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`Unknown option '${arg}'. Run 'falco-pci coverage --help' for the options.`);
    } else options.paths.push(arg);
  }
  if (options.paths.length === 0) throw new UsageError('No file or folder to report on. Give at least one PATH.');
  return options;
}

/** Loads the files of `options.paths` in order and computes their coverage report. */
function coverageOfPaths(options: CoverageOptions, expandPaths: ExpandPaths, unreadable: Array<{ file: string; message: string }>): CoverageReport {
  const workspace = new RulesWorkspace({ useDefaultRules: options.useDefaultRules });
  for (const file of expandPaths(options.paths, unreadable)) {
    const uri = file === '-' ? 'stdin:' : pathToFileURL(resolve(file)).toString();
    try {
      workspace.setFile(uri, readRulesFile(file));
    } catch (error) {
      unreadable.push({ file, message: describeReadError(file, error) });
    }
  }
  return computeCoverage(workspace, createLocator());
}

/** Converts offsets through `TextDocument` and shows files relative to the working folder. */
function createLocator(): CoverageLocator {
  return {
    positionAt: positionConverter(),
    displayName(uri) {
      if (uri === DEFAULT_RULES_URI) return 'falco_rules.yaml (bundled)';
      if (uri === 'stdin:') return '-';
      if (!uri.startsWith('file:')) return uri;
      const path = fileURLToPath(uri);
      return relative(process.cwd(), path) || path;
    },
  };
}

function render(report: CoverageReport, format: CoverageFormat): string {
  if (format === 'json') return renderCoverageJson(report);
  if (format === 'html') return renderCoverageHtml(report);
  return renderCoverageMarkdown(report);
}
