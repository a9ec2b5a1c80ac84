/**
 * `lint --format sarif`: the diagnostics as a SARIF 2.1.0 log, the format that
 * GitHub code scanning and other result viewers read.
 *
 * The log has one run. Its rules are the diagnostic codes of `core/codes.ts`,
 * in table order, so a code keeps its rule index from one run to the next.
 * Results point at files relative to the working directory through the
 * `%SRCROOT%` base, with 1-based lines and columns counted in UTF-16 code
 * units (`columnKind`), the end column exclusive, as SARIF defines regions.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIAGNOSTIC_CODES } from '../core/codes';
import type { DiagnosticCodeInfo } from '../core/codes';
import type { Severity } from '../core/types';
import type { CliDiagnostic } from './main';

export type SarifLevel = 'error' | 'warning' | 'note';

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[] };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: Array<{
    physicalLocation: {
      artifactLocation: { uri?: string; uriBaseId?: string; description?: { text: string } };
      region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
    };
  }>;
  partialFingerprints: Record<string, string>;
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: Array<{
    tool: { driver: { name: string; version: string; semanticVersion?: string; rules: SarifRule[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    columnKind: 'utf16CodeUnits';
    results: SarifResult[];
  }>;
}

/** The schema's address, as an identifier for readers: nothing fetches it. */
const SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
const SOURCE_ROOT = '%SRCROOT%';
/** Key of our fingerprint in `partialFingerprints`. Its version changes when the hashed facts change. */
const FINGERPRINT_KEY = 'falcoPciDiagnostic/v1';

export function toSarifLevel(severity: Severity): SarifLevel {
  if (severity === 'error' || severity === 'warning') return severity;
  return 'note';
}

/** Builds the rule of one code. A code missing from the table gets a generic rule instead of failing. */
function toRule(code: string, info: DiagnosticCodeInfo | undefined): SarifRule {
  const title = info?.title ?? code;
  const description = info?.description ?? `Diagnostic ${code} of falco-pci.`;
  const falcoNote = info?.falco ? ` Falco's description of ${code}: ${info.falco.description}` : '';
  return {
    id: code,
    name: ruleName(title),
    shortDescription: { text: title },
    fullDescription: { text: description },
    help: {
      text: `${description}${falcoNote}`,
      markdown: `**${title}** (\`${code}\`)\n\n${description}${info?.falco ? `\n\nFalco's description: ${info.falco.description}` : ''}`,
    },
    defaultConfiguration: { level: toSarifLevel(info?.severity ?? 'warning') },
    properties: { tags: code.startsWith('LOAD_') ? ['falco', 'falco-load-result'] : ['falco'] },
  };
}

/** A PascalCase name from a title, as SARIF suggests for `reportingDescriptor.name`. */
function ruleName(title: string): string {
  return title
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

/**
 * Returns the artifact location of a CLI file name. Files under the working
 * directory are relative to `%SRCROOT%`; other files get an absolute `file:`
 * URI, and standard input (`-`) only a description.
 */
function toArtifactLocation(file: string, cwd: string): SarifResult['locations'][number]['physicalLocation']['artifactLocation'] {
  if (file === '-') return { description: { text: 'standard input' } };
  if (isAbsolute(file) || file === '..' || file.startsWith(`..${sep}`)) {
    return { uri: pathToFileURL(isAbsolute(file) ? file : `${cwd}${sep}${file}`).href };
  }
  return { uri: file.split(sep).map(encodeURIComponent).join('/'), uriBaseId: SOURCE_ROOT };
}

/** Returns `path` as a `file:` URI that ends with a slash, as SARIF requires of a base URI. */
function directoryUri(path: string): string {
  const href = pathToFileURL(path).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/**
 * Builds the SARIF log of `diagnostics`, which the CLI computed with file
 * names relative to `cwd`. The fingerprint of a result hashes its code, file
 * and message with the number of earlier results that share them, so it
 * survives edits that only move the problem to another line.
 */
export function buildSarifLog(diagnostics: readonly CliDiagnostic[], options: { version: string; cwd: string }): SarifLog {
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const addRule = (code: string): number => {
    let index = ruleIndex.get(code);
    if (index === undefined) {
      index = rules.push(toRule(code, DIAGNOSTIC_CODES[code])) - 1;
      ruleIndex.set(code, index);
    }
    return index;
  };
  for (const code of Object.keys(DIAGNOSTIC_CODES)) addRule(code);

  const seen = new Map<string, number>();
  const results = diagnostics.map((d): SarifResult => {
    const identity = `${d.code}\u0000${d.file}\u0000${d.message}`;
    const occurrence = seen.get(identity) ?? 0;
    seen.set(identity, occurrence + 1);
    return {
      ruleId: d.code,
      ruleIndex: addRule(d.code),
      level: toSarifLevel(d.severity),
      message: { text: d.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: toArtifactLocation(d.file, options.cwd),
            region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
          },
        },
      ],
      partialFingerprints: { [FINGERPRINT_KEY]: createHash('sha256').update(`${identity}\u0000${occurrence}`).digest('hex') },
    };
  });

  const semanticVersion = /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/.test(options.version) ? { semanticVersion: options.version } : {};
  return {
    $schema: SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'falco-pci', version: options.version, ...semanticVersion, rules } },
        originalUriBaseIds: { [SOURCE_ROOT]: { uri: directoryUri(options.cwd) } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}
