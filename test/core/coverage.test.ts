import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { computeCoverage, CoverageLocator, CoverageReport, renderCoverageHtml, renderCoverageJson, renderCoverageMarkdown, RulesWorkspace } from '../../server/src/core';
import type { WorkspaceOptions } from '../../server/src/core';
import { readFixture } from '../helpers';

const RULES_URI = 'file:///coverage/1_pci_rules.yaml';
const OVERRIDES_URI = 'file:///coverage/2_pci_overrides.yaml';
const HOSTILE_NAME = '<script>alert("x")</script> | anti-malware stopped';

const locator: CoverageLocator = {
  positionAt: (uri, text, offset) => TextDocument.create(uri, 'falco-rules', 0, text).positionAt(offset),
  displayName: (uri) => uri.slice(uri.lastIndexOf('/') + 1),
};

function fixtureCoverage(options: WorkspaceOptions = {}): CoverageReport {
  const workspace = new RulesWorkspace(options);
  workspace.setFile(RULES_URI, readFixture('coverage', '1_pci_rules.yaml'));
  workspace.setFile(OVERRIDES_URI, readFixture('coverage', '2_pci_overrides.yaml'));
  return computeCoverage(workspace, locator);
}

function inlineCoverage(...texts: string[]): CoverageReport {
  const workspace = new RulesWorkspace();
  texts.forEach((text, index) => workspace.setFile(`file:///inline/${index + 1}.yaml`, text));
  return computeCoverage(workspace, locator);
}

/** Returns the rules of the inline files, without those of the bundled ruleset. */
function inlineRules(report: CoverageReport) {
  return report.rules.filter((entry) => entry.location.uri.startsWith('file:///inline/'));
}

function rule(report: CoverageReport, name: string) {
  const found = report.rules.find((candidate) => candidate.name === name);
  assert.ok(found, `rule '${name}' is not in the report`);
  return found;
}

function requirement(report: CoverageReport, id: string) {
  const found = report.requirements.find((candidate) => candidate.id === id);
  assert.ok(found, `requirement ${id} is not in the report`);
  return found;
}

const RULE = (name: string, tags: string, extra = '') =>
  `- rule: ${name}\n  desc: d\n  condition: spawned_process and proc.name = x\n  output: o (command=%proc.cmdline)\n  priority: WARNING\n  tags: ${tags}\n${extra}`;

describe('PCI coverage of the fixture workspace', () => {
  const report = fixtureCoverage();

  it('counts covered requirements', () => {
    assert.deepEqual(report.summary, { covered: 7, total: 57, rulesWithPciTags: 11, rulesNotLoaded: 3, unknownTags: 3 });
  });

  it('lists the files in load order', () => {
    assert.deepEqual(
      report.files.map((file) => [file.uri, file.base]),
      [
        ['bundled:falco_rules.yaml', true],
        [RULES_URI, false],
        [OVERRIDES_URI, false],
      ],
    );
  });

  it('gives each rule its final status', () => {
    const statuses = Object.fromEntries(report.rules.map((entry) => [entry.name, entry.status]));
    assert.deepEqual(statuses, {
      'Drop and execute new binary in container': 'enabled',
      'Shell in PCI container': 'enabled',
      'Card data file read': 'disabled',
      'Audit log tampered': 'disabled',
      'Account changed': 'enabled',
      'System time changed': 'failed',
      'File integrity with mixed tags': 'enabled',
      [HOSTILE_NAME]: 'enabled',
      'Unexpected egress': 'enabled',
      'Exec into payment pod': 'skipped',
      'Rule defined nowhere': 'failed',
    });
  });

  it('counts rules of the bundled ruleset', () => {
    const official = rule(report, 'Drop and execute new binary in container');
    assert.equal(official.location.uri, 'bundled:falco_rules.yaml');
    assert.deepEqual(official.requirements, ['11.5.1']);
    assert.equal(requirement(report, '11.5.1').status, 'covered');
  });

  it('applies an override of enabled', () => {
    const tampered = rule(report, 'Audit log tampered');
    assert.equal(tampered.enabled, false);
    assert.deepEqual(tampered.updates.map((update) => [update.file, update.line]), [['2_pci_overrides.yaml', 3]]);
    assert.deepEqual(requirement(report, '10.3.2'), {
      id: '10.3.2',
      title: 'Audit log files are protected against modification by individuals.',
      family: '10',
      support: 'direct',
      status: 'disabled',
      rules: [],
      disabledRules: ['Audit log tampered'],
      notLoadedRules: [],
    });
  });

  it('applies an item with only enabled', () => {
    const changed = rule(report, 'Account changed');
    assert.equal(changed.enabled, true);
    assert.equal(requirement(report, '8.2.4').status, 'covered');
  });

  it('applies appended tags', () => {
    const egress = rule(report, 'Unexpected egress');
    assert.deepEqual(egress.pciTags, ['PCI_DSS_1.3.2']);
    assert.deepEqual(requirement(report, '1.3.2').rules, ['Unexpected egress']);
  });

  it('reports rule details and range', () => {
    const shell = rule(report, 'Shell in PCI container');
    assert.equal(shell.priority, 'WARNING');
    assert.equal(shell.source, 'syscall');
    assert.deepEqual(shell.requirements, ['8.6.1', '10.2.1.2']);
    assert.deepEqual(shell.pciTags, ['PCI_DSS_10.2.1.2', 'PCI_DSS_8.6.1']);
    assert.deepEqual(shell.location, { file: '1_pci_rules.yaml', uri: RULES_URI, line: 7, column: 1, endLine: 12, endColumn: 53 });
    assert.deepEqual(shell.problems, []);
  });

  it('fails a rule through a broken macro', () => {
    const time = rule(report, 'System time changed');
    assert.deepEqual(
      time.problems.map((problem) => [problem.item, problem.code, problem.location.line, problem.location.column]),
      [['macro pci_time_tools', 'LOAD_ERR_COMPILE_CONDITION', 38, 14]],
    );
    assert.equal(requirement(report, '10.6.3').status, 'not-loaded');
    assert.deepEqual(requirement(report, '10.6.3').notLoadedRules, ['System time changed']);
  });

  it('skips a rule of an unknown source', () => {
    const exec = rule(report, 'Exec into payment pod');
    assert.equal(exec.source, 'k8s_audit');
    assert.deepEqual(exec.problems.map((problem) => problem.code), ['LOAD_UNKNOWN_SOURCE']);
    assert.equal(requirement(report, '10.2.1.5').status, 'not-loaded');
  });

  it('fails an override without a rule', () => {
    const orphan = rule(report, 'Rule defined nowhere');
    assert.deepEqual(orphan.problems.map((problem) => [problem.code, problem.location.file, problem.location.line]), [['LOAD_ERR_VALIDATE', '2_pci_overrides.yaml', 16]]);
    assert.equal(requirement(report, '7.2.2').status, 'not-loaded');
  });

  it('counts families', () => {
    assert.deepEqual(
      report.families.map((family) => `${family.id} ${family.covered}/${family.total}`),
      ['1 1/8', '2 0/6', '3 0/2', '4 0/1', '5 1/3', '6 0/7', '7 0/3', '8 2/5', '9 0/0', '10 1/16', '11 2/4', '12 0/2', 'A1 0/0', 'A2 0/0', 'A3 0/0'],
    );
  });

  it('leaves requirements without rules at none', () => {
    const none = report.requirements.filter((entry) => entry.status === 'none');
    assert.equal(none.length, 57 - 7 - 3 - 3);
    assert.ok(none.some((entry) => entry.id === '10.2.1'));
  });

  it('lists tags that name no catalog requirement', () => {
    assert.deepEqual(
      report.unknownTags.map((tag) => [tag.tag, tag.kind, tag.rules]),
      [
        ['PCI_DSS_10.2.5', 'not-v4', ['File integrity with mixed tags']],
        ['PCI_DSS_10.2', 'v4-section', ['File integrity with mixed tags']],
        ['PCI_DSS_12.5.1', 'v4-not-in-catalog', ['File integrity with mixed tags']],
      ],
    );
  });
});

describe('PCI coverage and load order', () => {
  it('rejects overrides that load first', () => {
    const report = fixtureCoverage({ loadOrder: [OVERRIDES_URI, RULES_URI] });
    const tampered = report.rules.filter((entry) => entry.name === 'Audit log tampered');
    assert.deepEqual(tampered.map((entry) => entry.status), ['enabled']);
    assert.equal(requirement(report, '10.3.2').status, 'covered');
    assert.equal(rule(report, 'Account changed').status, 'disabled');
    // The override that appends the egress rule's tag now comes first, so Falco rejects it.
    assert.equal(requirement(report, '1.3.2').status, 'not-loaded');
    assert.deepEqual(report.summary, { covered: 7, total: 57, rulesWithPciTags: 11, rulesNotLoaded: 4, unknownTags: 3 });
  });

  it('fails every rule without the default macros', () => {
    const report = fixtureCoverage({ useDefaultRules: false });
    assert.deepEqual(report.summary, { covered: 0, total: 57, rulesWithPciTags: 10, rulesNotLoaded: 10, unknownTags: 3 });
  });

  it('drops tags of a redefined rule', () => {
    const report = inlineCoverage(RULE('R', '[PCI_DSS_10.2.1.1]'), RULE('R', '[other]'));
    assert.deepEqual(inlineRules(report), []);
    assert.equal(requirement(report, '10.2.1.1').status, 'none');
  });

  it('keeps the tags of a redefinition', () => {
    const report = inlineCoverage(RULE('R', '[other]', '  enabled: false\n'), RULE('R', '[PCI_DSS_10.2.1.1]'));
    assert.deepEqual(inlineRules(report).map((entry) => [entry.name, entry.status, entry.location.file]), [['R', 'enabled', '2.yaml']]);
  });

  it('replaces tags by override', () => {
    const report = inlineCoverage(RULE('R', '[PCI_DSS_10.2.1.1]'), '- rule: R\n  tags: [PCI_DSS_10.2.1.3]\n  override:\n    tags: replace\n');
    assert.deepEqual(rule(report, 'R').requirements, ['10.2.1.3']);
    assert.equal(requirement(report, '10.2.1.1').status, 'none');
  });

  it('ignores tags of append: true', () => {
    const report = inlineCoverage(RULE('R', '[other]'), '- rule: R\n  condition: and proc.name = y\n  tags: [PCI_DSS_10.2.1.3]\n  append: true\n');
    assert.deepEqual(inlineRules(report), []);
  });

  it('re-enables a rule by override', () => {
    const report = inlineCoverage(RULE('R', '[PCI_DSS_10.2.1.3]', '  enabled: false\n'), '- rule: R\n  enabled: true\n  override:\n    enabled: replace\n');
    assert.equal(rule(report, 'R').status, 'enabled');
  });

  it('replaces the priority by override', () => {
    const report = inlineCoverage(RULE('R', '[PCI_DSS_10.2.1.3]'), '- rule: R\n  priority: CRITICAL\n  override:\n    priority: replace\n');
    assert.equal(rule(report, 'R').priority, 'CRITICAL');
  });

  it('fails a rule through a broken list', () => {
    const report = inlineCoverage(
      '- list: pci_tools\n  items: [nc]\n  override:\n    items: append\n' +
        '- rule: R\n  desc: d\n  condition: spawned_process and proc.name in (pci_tools)\n  output: o (command=%proc.cmdline)\n  priority: WARNING\n  tags: [PCI_DSS_10.2.1.3]\n',
    );
    assert.deepEqual(rule(report, 'R').problems.map((problem) => [problem.item, problem.code]), [['list pci_tools', 'LOAD_ERR_VALIDATE']]);
  });

  it('skips a rule with skip-if-unknown-filter', () => {
    const report = inlineCoverage(
      '- rule: R\n  desc: d\n  condition: spawned_process and proc.nme = x\n  output: o\n  priority: WARNING\n  skip-if-unknown-filter: true\n  tags: [PCI_DSS_10.2.1.3]\n',
    );
    assert.equal(rule(report, 'R').status, 'skipped');
    assert.deepEqual(rule(report, 'R').problems.map((problem) => problem.code), ['LOAD_UNKNOWN_FILTER']);
  });
});

describe('PCI coverage renderings', () => {
  const report = fixtureCoverage();

  it('JSON round-trips the report', () => {
    const parsed = JSON.parse(renderCoverageJson(report)) as CoverageReport;
    assert.deepEqual(parsed, JSON.parse(JSON.stringify(report)));
    assert.deepEqual(Object.keys(parsed), ['standard', 'version', 'summary', 'files', 'families', 'requirements', 'rules', 'unknownTags']);
    assert.deepEqual(Object.keys(parsed.rules[0]!), ['name', 'status', 'enabled', 'priority', 'source', 'requirements', 'pciTags', 'location', 'updates', 'problems']);
  });

  it('markdown has the summary and rows', () => {
    const markdown = renderCoverageMarkdown(report);
    const lines = markdown.split('\n');
    assert.ok(lines.includes('**7/57 requirements covered** by enabled rules that load.'));
    assert.ok(lines.includes('| 10 | Logging and monitoring | 1/16 |'));
    assert.ok(lines.includes('| all |  | 7/57 |'));
    assert.ok(lines.includes('| 10.3.2 | Audit log files are protected against modification by individuals. | direct | rules disabled | - | Audit log tampered | - |'));
    assert.ok(lines.includes('| 10.2.1 | Audit logging is enabled and active for all system components and cardholder data. | partial | no rule | - | - | - |'));
    assert.ok(lines.includes('| Audit log tampered | disabled | ERROR | syscall | 10.3.2, 10.3.4 | `PCI_DSS_10.3.2`, `PCI_DSS_10.3.4` | 1\\_pci\\_rules.yaml:22, changed at 2\\_pci\\_overrides.yaml:3 |'));
    assert.ok(lines.includes('| `PCI_DSS_10.2` | a v4.0.1 section heading, not a requirement | File integrity with mixed tags |'));
    assert.equal(lines.filter((line) => /^\| \d+\.\d[\d.]* \|/.test(line)).length, 57);
  });

  it('markdown escapes a hostile rule name', () => {
    const markdown = renderCoverageMarkdown(report);
    assert.ok(markdown.includes('| \\<script\\>alert("x")\\</script\\> \\| anti-malware stopped | enabled | CRITICAL |'));
    assert.equal(markdown.includes('<script>'), false);
  });

  it('HTML has an anchor per requirement', () => {
    const html = renderCoverageHtml(report);
    for (const entry of report.requirements) assert.ok(html.includes(`<tr id="req-${entry.id}">`), entry.id);
    assert.equal((html.match(/<tr id="req-/g) ?? []).length, 57);
    assert.ok(html.includes('<tr id="family-10">'));
  });

  it('HTML escapes a hostile rule name', () => {
    const html = renderCoverageHtml(report);
    assert.equal(/<script/i.test(html), false);
    assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; | anti-malware stopped'));
  });

  it('HTML is self-contained', () => {
    const html = renderCoverageHtml(report);
    assert.equal((html.match(/<style>/g) ?? []).length, 1);
    assert.equal(/<link|src=|@import|url\(/i.test(html), false);
    assert.ok(html.startsWith('<!DOCTYPE html>'));
  });

  it('HTML links rules to their range', () => {
    const html = renderCoverageHtml(report);
    assert.ok(html.includes(`href="${RULES_URI}" data-uri="${RULES_URI}" data-line="7" data-column="1" data-end-line="12" data-end-column="53">1_pci_rules.yaml:7</a>`));
    // The bundled ruleset has no file to open.
    assert.ok(html.includes('<a class="location" data-uri="bundled:falco_rules.yaml" data-line="1185"'));
  });
});

describe('PCI coverage of the official rulesets', () => {
  it('covers 6.4.2 and 11.5.1 only', () => {
    const workspace = new RulesWorkspace({ useDefaultRules: false });
    const files = [
      ['rules', 'falco_rules.yaml'],
      ['rules', 'falco-incubating_rules.yaml'],
      ['rules', 'falco-sandbox_rules.yaml'],
      ...['aws_cloudtrail_rules.yaml', 'gcp_auditlog_rules.yaml', 'github.yaml', 'k8s_audit_rules.yaml', 'okta_rules.yaml'].map((name) => ['plugin-rules', name]),
    ];
    for (const [folder, name] of files) workspace.setFile(`file:///official/${folder}/${name}`, readFixture('official', folder!, name!));
    const report = computeCoverage(workspace, locator);
    assert.deepEqual(report.summary, { covered: 2, total: 57, rulesWithPciTags: 3, rulesNotLoaded: 0, unknownTags: 1 });
    assert.deepEqual(
      report.rules.map((entry) => [entry.name, entry.status, entry.pciTags.join(' ')]),
      [
        ['Drop and execute new binary in container', 'enabled', 'PCI_DSS_11.5.1'],
        ['Launch Privileged Container', 'enabled', 'PCI_DSS_10.2.5'],
        ['Network Connection outside Local Subnet', 'enabled', 'PCI_DSS_6.4.2'],
      ],
    );
  });
});
