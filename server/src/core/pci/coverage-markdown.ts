/**
 * Text renderings of the PCI DSS coverage report: JSON (the report object
 * itself) and markdown with GitHub-flavoured tables. Every value from a
 * rules file is escaped, so a rule name cannot break a table or add markup.
 */
import type { CoverageLocation, CoverageReport, CoverageRule, RequirementStatus, UnknownTagKind } from './coverage';

/** Labels of requirement states, shared by the markdown and HTML reports. */
export const REQUIREMENT_STATUS_LABELS: Record<RequirementStatus, string> = {
  covered: 'covered',
  disabled: 'rules disabled',
  'not-loaded': 'rules do not load',
  none: 'no rule',
};

/** Labels of unknown tag kinds, shared by the markdown and HTML reports. */
export const UNKNOWN_TAG_LABELS: Record<UnknownTagKind, string> = {
  'v4-not-in-catalog': 'a v4.0.1 requirement that the catalog of runtime requirements lacks',
  'v4-section': 'a v4.0.1 section heading, not a requirement',
  'not-v4': 'not a PCI DSS v4.0.1 requirement id',
};

/** Returns the report as indented JSON, the shape documented on `CoverageReport`. */
export function renderCoverageJson(report: CoverageReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Returns the report as a markdown document. */
export function renderCoverageMarkdown(report: CoverageReport): string {
  const lines: string[] = [];
  const { summary } = report;
  lines.push(`# ${report.standard} v${report.version} coverage`, '');
  lines.push(`**${summary.covered}/${summary.total} requirements covered** by enabled rules that load.`, '');
  lines.push(`- Rules with PCI tags: ${summary.rulesWithPciTags}, of which ${summary.rulesNotLoaded} do not load.`);
  lines.push(`- Tags that name no requirement of the catalog: ${summary.unknownTags}.`);
  lines.push(`- Files, in load order: ${report.files.map((file) => code(file.file)).join(', ') || 'none'}.`, '');
  lines.push(
    'Coverage is read from the `PCI_DSS_<id>` tags of the rules, in the state Falco ends with after loading every file. ' +
      `The catalog lists the ${summary.total} requirements that a runtime rule can support.`,
    '',
  );

  lines.push('## Requirement families', '', '| family | title | covered |', '|---|---|---|');
  for (const family of report.families) lines.push(row([family.id, family.title, `${family.covered}/${family.total}`]));
  lines.push(row(['all', '', `${summary.covered}/${summary.total}`]), '');

  lines.push(
    '## Requirements',
    '',
    'Falco support tells how far a runtime rule can show that the requirement is met: `direct`, `partial` or `indirect`.',
    '',
    '| requirement | title | Falco support | status | enabled rules | disabled rules | rules that do not load |',
    '|---|---|---|---|---|---|---|',
  );
  for (const requirement of report.requirements) {
    const cells = [requirement.id, requirement.title, requirement.support, REQUIREMENT_STATUS_LABELS[requirement.status]];
    lines.push(row([...cells, names(requirement.rules), names(requirement.disabledRules), names(requirement.notLoadedRules)]));
  }
  lines.push('');

  const loaded = report.rules.filter((rule) => rule.status === 'enabled' || rule.status === 'disabled');
  lines.push('## Rules with PCI tags', '');
  if (loaded.length === 0) lines.push('None.', '');
  else {
    lines.push('| rule | status | priority | source | requirements | PCI tags | location |', '|---|---|---|---|---|---|---|');
    for (const rule of loaded) {
      lines.push(row([rule.name, rule.status, rule.priority ?? '-', rule.source, names(rule.requirements), rule.pciTags.map(code).join(', '), locationWithUpdates(rule)], [5]));
    }
    lines.push('');
  }

  const notLoaded = report.rules.filter((rule) => rule.status === 'failed' || rule.status === 'skipped');
  lines.push('## Rules with PCI tags that do not load', '');
  if (notLoaded.length === 0) lines.push('None.', '');
  else {
    lines.push('They cover no requirement.', '', '| rule | status | requirements | reason | location |', '|---|---|---|---|---|');
    for (const rule of notLoaded) lines.push(row([rule.name, rule.status, names(rule.requirements), describeProblems(rule), locationText(rule.location)]));
    lines.push('');
  }

  lines.push('## Tags that name no requirement of the catalog', '');
  if (report.unknownTags.length === 0) lines.push('None.', '');
  else {
    lines.push('| tag | meaning | rules |', '|---|---|---|');
    for (const tag of report.unknownTags) lines.push(row([code(tag.tag), UNKNOWN_TAG_LABELS[tag.kind], names(tag.rules)], [0]));
    lines.push('');
  }
  return lines.join('\n');
}

/** Describes the first problem of a rule that does not load, and how many more there are. */
export function describeProblems(rule: CoverageRule): string {
  const first = rule.problems[0];
  if (!first) return '';
  const more = rule.problems.length > 1 ? ` (and ${rule.problems.length - 1} more)` : '';
  return `${first.code} on ${first.item} at ${locationText(first.location)}: ${first.message}${more}`;
}

/** Returns `file:line` of a rule, followed by the items that change it. */
function locationWithUpdates(rule: CoverageRule): string {
  if (rule.updates.length === 0) return locationText(rule.location);
  return `${locationText(rule.location)}, changed at ${rule.updates.map(locationText).join(', ')}`;
}

/** Returns `file:line` of a location. */
export function locationText(location: CoverageLocation): string {
  return `${location.file}:${location.line}`;
}

function names(list: string[]): string {
  return list.length ? list.join(', ') : '-';
}

/**
 * Returns a table row. Cells are escaped, except those at `preformatted`
 * indexes, which hold code spans built by `code`.
 */
function row(cells: string[], preformatted: number[] = []): string {
  return `| ${cells.map((cell, index) => (preformatted.includes(index) ? cell : escapeMarkdown(cell))).join(' | ')} |`;
}

/** Returns a code span for `text`, or escaped text when a backtick or a pipe would break the span or the table. */
function code(text: string): string {
  return /[`|\r\n]/.test(text) ? escapeMarkdown(text) : `\`${text}\``;
}

/** Escapes markdown syntax and line breaks, so the text stays one table cell of plain text. */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(/[\\`*_[\]<>|#&!~]/g, '\\$&');
}
