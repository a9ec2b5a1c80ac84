/**
 * The HTML rendering of the PCI DSS coverage report: one self-contained page
 * with inline CSS, no external assets and no script, readable in any browser
 * and printable for an auditor.
 *
 * Every value from a rules file is escaped. Each requirement row has the id
 * `req-<id>` (such as `req-10.2.1.1`) and each family row `family-<id>`, so a
 * link can jump to one, and the row that the URL fragment names is
 * highlighted. Locations
 * are links with `data-uri`, `data-line`, `data-column`, `data-end-line` and
 * `data-end-column` (1-based, end exclusive), which the editor's webview uses
 * to open the rule. The page has exactly one `<style>` element and one
 * `<head>`, so an embedding client can add a nonce and a Content-Security-Policy.
 */
import type { CoverageLocation, CoverageReport, CoverageRule } from './coverage';
import { describeProblems, REQUIREMENT_STATUS_LABELS, UNKNOWN_TAG_LABELS } from './coverage-markdown';

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --line: #d1d9e0; --head: #f6f8fa;
  --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --none: #59636e; --mark: #fff8c5; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d; --head: #151b23;
    --ok: #3fb950; --warn: #d29922; --bad: #f85149; --none: #9198a1; --mark: #3b2e00; }
}
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 2em; max-width: 80em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid var(--line); padding-bottom: 0.2em; }
p.summary { font-size: 1.2em; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0; }
th, td { border: 1px solid var(--line); padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: var(--head); }
td.number { text-align: right; white-space: nowrap; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.95em; }
a { color: inherit; }
a.location { white-space: nowrap; }
.status { font-weight: 600; white-space: nowrap; }
.status-covered, .status-enabled { color: var(--ok); }
.status-disabled { color: var(--warn); }
.status-not-loaded, .status-failed, .status-skipped { color: var(--bad); }
.status-none { color: var(--none); }
.muted { color: var(--muted); }
tr:target, tr.highlight { background: var(--mark); outline: 2px solid var(--warn); }
@media print { body { margin: 0; } a { text-decoration: none; } tr:target, tr.highlight { outline: none; } }
`;

/** Returns the report as one self-contained HTML page. */
export function renderCoverageHtml(report: CoverageReport): string {
  const { summary } = report;
  const ruleIds = new Map<CoverageRule, string>(report.rules.map((rule, index) => [rule, `rule-${index + 1}`]));
  const ruleByName = new Map(report.rules.map((rule) => [rule.name, rule]));
  const ruleLinks = (ruleNames: string[]) =>
    ruleNames.length ? ruleNames.map((name) => `<a href="#${ruleIds.get(ruleByName.get(name)!)}">${escapeHtml(name)}</a>`).join(', ') : '<span class="muted">-</span>';
  const title = `${report.standard} v${report.version} coverage`;
  const parts: string[] = [];

  parts.push('<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">');
  parts.push(`<title>${escapeHtml(title)}</title>`, `<style>${STYLE}</style>`, '</head>', '<body>');
  parts.push(`<h1>${escapeHtml(title)}</h1>`);
  parts.push(`<p class="summary"><strong>${summary.covered}/${summary.total} requirements covered</strong> by enabled rules that load.</p>`);
  parts.push('<ul>');
  parts.push(`<li>Rules with PCI tags: ${summary.rulesWithPciTags}, of which ${summary.rulesNotLoaded} do not load.</li>`);
  parts.push(`<li>Tags that name no requirement of the catalog: ${summary.unknownTags}.</li>`);
  parts.push(`<li>Files, in load order: ${report.files.map((file) => `<code>${escapeHtml(file.file)}</code>`).join(', ') || 'none'}.</li>`);
  parts.push('</ul>');
  parts.push(
    `<p class="muted">Coverage is read from the <code>PCI_DSS_&lt;id&gt;</code> tags of the rules, in the state Falco ends with after loading every file. The catalog lists the ${summary.total} requirements that a runtime rule can support.</p>`,
  );

  parts.push('<h2 id="families">Requirement families</h2>', '<table>', '<thead><tr><th>family</th><th>title</th><th>covered</th></tr></thead>', '<tbody>');
  for (const family of report.families) {
    parts.push(`<tr id="family-${escapeHtml(family.id)}"><td>${escapeHtml(family.id)}</td><td>${escapeHtml(family.title)}</td><td class="number">${family.covered}/${family.total}</td></tr>`);
  }
  parts.push(`<tr><th>all</th><th></th><th class="number">${summary.covered}/${summary.total}</th></tr>`, '</tbody>', '</table>');

  parts.push('<h2 id="requirements">Requirements</h2>');
  parts.push('<p class="muted">Falco support tells how far a runtime rule can show that the requirement is met: direct, partial or indirect.</p>', '<table>');
  parts.push('<thead><tr><th>requirement</th><th>title</th><th>Falco support</th><th>status</th><th>enabled rules</th><th>disabled rules</th><th>rules that do not load</th></tr></thead>', '<tbody>');
  for (const requirement of report.requirements) {
    const id = escapeHtml(requirement.id);
    parts.push(
      `<tr id="req-${id}"><td><a href="#req-${id}">${id}</a></td><td>${escapeHtml(requirement.title)}</td><td>${escapeHtml(requirement.support)}</td>` +
        `<td class="status status-${requirement.status}">${escapeHtml(REQUIREMENT_STATUS_LABELS[requirement.status])}</td>` +
        `<td>${ruleLinks(requirement.rules)}</td><td>${ruleLinks(requirement.disabledRules)}</td><td>${ruleLinks(requirement.notLoadedRules)}</td></tr>`,
    );
  }
  parts.push('</tbody>', '</table>');

  const requirementLinks = (ids: string[]) => ids.map((id) => `<a href="#req-${escapeHtml(id)}">${escapeHtml(id)}</a>`).join(', ');
  const loaded = report.rules.filter((rule) => rule.status === 'enabled' || rule.status === 'disabled');
  parts.push('<h2 id="rules">Rules with PCI tags</h2>');
  if (loaded.length === 0) parts.push('<p>None.</p>');
  else {
    parts.push('<table>', '<thead><tr><th>rule</th><th>status</th><th>priority</th><th>source</th><th>requirements</th><th>PCI tags</th><th>location</th></tr></thead>', '<tbody>');
    for (const rule of loaded) {
      parts.push(
        `<tr id="${ruleIds.get(rule)}"><td>${escapeHtml(rule.name)}</td><td class="status status-${rule.status}">${rule.status}</td>` +
          `<td>${escapeHtml(rule.priority ?? '')}</td><td>${escapeHtml(rule.source)}</td><td>${requirementLinks(rule.requirements)}</td>` +
          `<td>${rule.pciTags.map((tag) => `<code>${escapeHtml(tag)}</code>`).join(', ')}</td><td>${locationLink(rule.location)}${updatesText(rule)}</td></tr>`,
      );
    }
    parts.push('</tbody>', '</table>');
  }

  const notLoaded = report.rules.filter((rule) => rule.status === 'failed' || rule.status === 'skipped');
  parts.push('<h2 id="not-loaded">Rules with PCI tags that do not load</h2>');
  if (notLoaded.length === 0) parts.push('<p>None.</p>');
  else {
    parts.push('<p>They cover no requirement.</p>', '<table>', '<thead><tr><th>rule</th><th>status</th><th>requirements</th><th>reason</th><th>location</th></tr></thead>', '<tbody>');
    for (const rule of notLoaded) {
      const first = rule.problems[0];
      const reason = first ? `${escapeHtml(describeProblems(rule))} ${locationLink(first.location)}` : '';
      parts.push(
        `<tr id="${ruleIds.get(rule)}"><td>${escapeHtml(rule.name)}</td><td class="status status-${rule.status}">${rule.status}</td>` +
          `<td>${requirementLinks(rule.requirements)}</td><td>${reason}</td><td>${locationLink(rule.location)}</td></tr>`,
      );
    }
    parts.push('</tbody>', '</table>');
  }

  parts.push('<h2 id="unknown-tags">Tags that name no requirement of the catalog</h2>');
  if (report.unknownTags.length === 0) parts.push('<p>None.</p>');
  else {
    parts.push('<table>', '<thead><tr><th>tag</th><th>meaning</th><th>rules</th></tr></thead>', '<tbody>');
    for (const tag of report.unknownTags) {
      parts.push(`<tr><td><code>${escapeHtml(tag.tag)}</code></td><td>${escapeHtml(UNKNOWN_TAG_LABELS[tag.kind])}</td><td>${ruleLinks(tag.rules)}</td></tr>`);
    }
    parts.push('</tbody>', '</table>');
  }

  parts.push('</body>', '</html>', '');
  return parts.join('\n');
}

/** Returns a link to a location: a `file:` link for a file on disk, and the data attributes the editor opens it by. */
function locationLink(location: CoverageLocation): string {
  const text = escapeHtml(`${location.file}:${location.line}`);
  const data =
    `data-uri="${escapeHtml(location.uri)}" data-line="${location.line}" data-column="${location.column}" ` +
    `data-end-line="${location.endLine}" data-end-column="${location.endColumn}"`;
  const href = location.uri.startsWith('file:') ? ` href="${escapeHtml(location.uri)}"` : '';
  return `<a class="location"${href} ${data}>${text}</a>`;
}

function updatesText(rule: CoverageRule): string {
  if (rule.updates.length === 0) return '';
  return `<br><span class="muted">changed at</span> ${rule.updates.map(locationLink).join(', ')}`;
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
