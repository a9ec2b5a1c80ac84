/**
 * PCI DSS tag checks that report information, with their fixes and the hover
 * of PCI tags. They cover v4.0.1 ids whose meaning changed since v3.2.1,
 * generic PCI tags, and requirement ids that a rule's name or description
 * cites but its tags do not name.
 */
import * as assert from 'node:assert/strict';
import { findPciCitations } from '../../server/src/core/pci/citations';
import { pciMeaningChange } from '../../server/src/core/pci/v321';
import { isPciV4Id } from '../../server/src/core/checks/tags';
import { findPciRequirement } from '../../server/src/core/pci/requirements';
import changesJson from '../../data/pci/v321-changes.json';
import { RulesWorkspace, doComplete, doHover } from '../../server/src/core';
import { withCursor } from '../helpers';
import { URI, action, applyChecked, fixesFor, workspaceWith } from './fix-helpers';

const ruleText = (name: string, desc: string, tags: string) => `- rule: ${name}\n  desc: ${desc}\n  condition: spawned_process\n  output: o\n  priority: INFO\n${tags}`;
const tagged = (tags: string) => ruleText('R', 'd', `  tags: ${tags}\n`);

function pciDiagnostics(text: string) {
  return workspaceWith(text)
    .diagnostics(URI)
    .filter((d) => d.code.startsWith('pci-'))
    .map((d) => `${d.severity} ${d.code} ${text.slice(d.span.start, d.span.end)}`);
}

describe('v3.2.1 changes data', () => {
  it('names only v4.0.1 ids', () => {
    for (const entry of changesJson.meaning_changed) {
      assert.ok(isPciV4Id(entry.id), entry.id);
      for (const id of entry.v4_0_1_ids) assert.ok(isPciV4Id(id), `${entry.id} -> ${id}`);
    }
    for (const entry of changesJson.renumbered) {
      assert.ok(!isPciV4Id(entry.v3_2_1), entry.v3_2_1);
      for (const id of entry.v4_0_1_ids) assert.ok(isPciV4Id(id), `${entry.v3_2_1} -> ${id}`);
    }
  });

  it('covers the official rules ids', () => {
    assert.deepEqual(pciMeaningChange('11.5.1')?.v4Ids, ['11.5.2', '12.10.5']);
    assert.deepEqual(pciMeaningChange('6.4.2')?.v4Ids, ['6.5.4']);
    assert.equal(pciMeaningChange('10.2.1.1'), undefined);
  });
});

describe('PCI tag meaning changed since v3.2.1', () => {
  it('notes a v4.0.1 id with a v3.2.1 meaning', () => {
    const before = tagged('[container, PCI_DSS_11.5.1]');
    const { diagnostic, actions } = fixesFor(before, 'PCI_DSS_11.5.1', 'pci-requirement-meaning-changed');
    assert.equal(diagnostic.severity, 'info');
    assert.match(diagnostic.message, /^Tag 'PCI_DSS_11\.5\.1' names PCI DSS v4\.0\.1 11\.5\.1: intrusion detection/);
    assert.match(diagnostic.message, /In v3\.2\.1, 11\.5\.1 meant that alerts of the change-detection solution are responded to/);
    assert.deepEqual(actions.map((a) => a.edits[0]!.newText), ['PCI_DSS_11.5.2', 'PCI_DSS_12.10.5']);
    assert.ok(actions.every((a) => !a.safe && !a.isPreferred));
    assert.equal(actions[0]!.title, `Replace with 'PCI_DSS_11.5.2' (${findPciRequirement('11.5.2')!.title})`);
    assert.equal(applyChecked(before, actions[0]!), tagged('[container, PCI_DSS_11.5.2]'));
  });

  it('suggests the official rule ids first', () => {
    const before = ruleText('Drop and execute new binary in container', 'd', '  tags: [PCI_DSS_11.5.1]\n');
    const { actions } = fixesFor(before, 'PCI_DSS_11.5.1', 'pci-requirement-meaning-changed');
    assert.deepEqual(actions.map((a) => a.edits[0]!.newText), ['PCI_DSS_11.5.2', 'PCI_DSS_5.3.2', 'PCI_DSS_6.5.1', 'PCI_DSS_12.10.5']);
  });

  it('skips candidates already tagged', () => {
    const before = tagged('[PCI_DSS_6.5.4, PCI_DSS_6.4.2]');
    const { diagnostic, actions } = fixesFor(before, 'PCI_DSS_6.4.2', 'pci-requirement-meaning-changed');
    assert.match(diagnostic.message, /tag its v4\.0\.1 id instead\.$/);
    assert.deepEqual(actions, []);
  });

  it('notes the 10.4 to 10.7 ids', () => {
    assert.deepEqual(pciDiagnostics(tagged('[PCI_DSS_10.6.3, PCI_DSS_10.7, PCI_DSS_10.5.1]')), [
      'info pci-requirement-meaning-changed PCI_DSS_10.6.3',
      'info pci-requirement-meaning-changed PCI_DSS_10.7',
      'info pci-requirement-meaning-changed PCI_DSS_10.5.1',
    ]);
    assert.deepEqual(pciDiagnostics(tagged('[PCI_DSS_10.4.1.1]')), []);
  });

  it('trusts a rule with a v4.0.1-only id', () => {
    assert.deepEqual(pciDiagnostics(tagged('[PCI_DSS_10.2.1.2, PCI_DSS_11.5.1]')), []);
    assert.deepEqual(pciDiagnostics(tagged('[PCI_DSS_7.2.5, PCI_DSS_6.4.2]')), []);
    assert.deepEqual(pciDiagnostics(tagged('[PCI_DSS_1.3.2, PCI_DSS_11.5.1]')), ['info pci-requirement-meaning-changed PCI_DSS_11.5.1']);
    assert.deepEqual(pciDiagnostics(tagged('[PCI_DSS_12.10.5, PCI_DSS_11.5.1]')), ['info pci-requirement-meaning-changed PCI_DSS_11.5.1']);
  });

  it('leaves unchanged v4.0.1 ids alone', () => {
    assert.deepEqual(pciDiagnostics(tagged('[PCI_DSS_10.2.1.1, PCI_DSS_11.5.2, PCI_DSS_7.2.5]')), []);
  });
});

describe('generic PCI tags', () => {
  for (const tag of ['pci', 'PCI', 'pci_dss', 'pci-dss', 'PCI_DSS', 'pcidss', "'PCI DSS'", 'pci_dss_v4', "'PCI-DSS v4.0.1'"]) {
    it(`notes ${tag}`, () => {
      const written = tag.replace(/'/g, '');
      assert.deepEqual(pciDiagnostics(tagged(`[container, ${tag}]`)), [`info pci-tag-without-requirement ${written}`]);
    });
  }

  it('reads a bare 3.2.1 as a requirement', () => {
    assert.deepEqual(pciDiagnostics(tagged("['pci 3.2.1', pci_dss_v3.2.1]")), ['warning pci-tag-format pci 3.2.1', 'info pci-tag-without-requirement pci_dss_v3.2.1']);
  });

  it('leaves other tags alone', () => {
    assert.deepEqual(pciDiagnostics(tagged('[pcie, compliance, spic, pci_scope_note]')), []);
  });

  it('suggests the cited requirement', () => {
    const before = ruleText('R', 'Records access to card data (PCI DSS 10.2.1.1).', '  tags: [container, pci]\n');
    const { diagnostic, actions } = fixesFor(before, 'pci', 'pci-tag-without-requirement');
    assert.match(diagnostic.message, /such as 'PCI_DSS_10\.2\.1\.1'/);
    assert.deepEqual(actions.map((a) => a.title), [`Replace with 'PCI_DSS_10.2.1.1' (${findPciRequirement('10.2.1.1')!.title})`]);
    assert.equal(applyChecked(before, actions[0]!), ruleText('R', 'Records access to card data (PCI DSS 10.2.1.1).', '  tags: [container, PCI_DSS_10.2.1.1]\n'));
  });

  it('removes a redundant flow tag', () => {
    const cases: Array<[string, string]> = [
      ['[container, pci_dss, PCI_DSS_10.2.1.1]', '[container, PCI_DSS_10.2.1.1]'],
      ['[PCI_DSS_10.2.1.1, pci_dss]', '[PCI_DSS_10.2.1.1]'],
      ['[pci_dss, PCI_DSS_10.2.1.1]', '[PCI_DSS_10.2.1.1]'],
    ];
    for (const [tags, expected] of cases) {
      const before = tagged(tags);
      const { diagnostic, actions } = fixesFor(before, 'pci_dss', 'pci-tag-without-requirement');
      assert.match(diagnostic.message, /already name its requirements/);
      const removal = action(actions, "Remove tag 'pci_dss'");
      assert.equal(removal.safe, false);
      assert.equal(applyChecked(before, removal), tagged(expected), tags);
    }
  });

  it('removes a redundant block tag', () => {
    const before = ruleText('R', 'd', '  tags:\n    - container\n    - pci_dss\n    - PCI_DSS_10.2.1.1\n');
    const { actions } = fixesFor(before, 'pci_dss', 'pci-tag-without-requirement');
    assert.equal(applyChecked(before, action(actions, "Remove tag 'pci_dss'")), ruleText('R', 'd', '  tags:\n    - container\n    - PCI_DSS_10.2.1.1\n'));
  });

  it('offers no removal without requirement tags', () => {
    const { actions } = fixesFor(tagged('[container, pci_dss]'), 'pci_dss', 'pci-tag-without-requirement');
    assert.deepEqual(actions, []);
  });
});

describe('PCI citations in name and description', () => {
  it('finds ids after a PCI mention', () => {
    const found = (text: string) => findPciCitations(text).map((c) => `${c.id}@${c.span.start}`);
    assert.deepEqual(found('PCI-DSS 2.4 - Prevent shells'), ['2.4@8']);
    assert.deepEqual(found('PCI DSS v4.0.1 requirement 10.2.1.1.'), ['10.2.1.1@27']);
    assert.deepEqual(found('see PCI 1.3.2, 1.3.4 and 11.5.1 / 11.5.2'), ['1.3.2@8', '1.3.4@15', '11.5.1@25', '11.5.2@34']);
    assert.deepEqual(found('PCI DSS req. 10.2.2 or PCI: A1.1.1'), ['10.2.2@13', 'A1.1.1@28']);
  });

  it('ignores versions and other numbers', () => {
    assert.deepEqual(findPciCitations('PCI DSS 4.0 and PCI DSS v4.0.1 compliance; runs 10.2.1 times'), []);
    assert.deepEqual(findPciCitations('Epci 1.2.3 and spice 2.2'), []);
  });

  it('notes an id no tag names', () => {
    const text = ruleText('Card data read (PCI DSS 10.2.1.1)', 'd', '  tags: [PCI_DSS_10.2.2]\n');
    const { diagnostic, actions } = fixesFor(text, '10.2.1.1', 'pci-requirement-mismatch');
    assert.equal(diagnostic.severity, 'info');
    assert.equal(diagnostic.message, "The rule's name cites PCI DSS 10.2.1.1, but its PCI tags name 10.2.2. Add the tag 'PCI_DSS_10.2.1.1', or correct the name.");
    assert.deepEqual(actions.map((a) => [a.title, a.isPreferred, a.safe]), [[`Add tag 'PCI_DSS_10.2.1.1' (${findPciRequirement('10.2.1.1')!.title})`, true, false]]);
    assert.equal(applyChecked(text, actions[0]!), ruleText('Card data read (PCI DSS 10.2.1.1)', 'd', '  tags: [PCI_DSS_10.2.2, PCI_DSS_10.2.1.1]\n'));
  });

  it('reports each cited id once', () => {
    const text = ruleText('Shells (PCI DSS 11.5.1)', 'Supports PCI DSS 11.5.1 and 10.2.1.2.', '  tags: [container]\n');
    assert.deepEqual(pciDiagnostics(text), ['info pci-requirement-mismatch 11.5.1', 'info pci-requirement-mismatch 10.2.1.2']);
  });

  it('accepts sections, parts and v3.2.1 numbers', () => {
    const text = ruleText('Logging (PCI DSS 10.2)', 'Meets PCI-DSS 10.2.5 and PCI 10.2.1.', '  tags: [PCI_DSS_10.2.1.5]\n');
    assert.deepEqual(pciDiagnostics(text), []);
  });

  it('adds a tags key when there is none', () => {
    const before = ruleText('R', 'Supports PCI-DSS 2.4.', '');
    const { diagnostic, actions } = fixesFor(before, '2.4', 'pci-requirement-mismatch');
    assert.match(diagnostic.message, /no tag names it.*2\.4 is not a PCI DSS v4\.0\.1 requirement id; its v4\.0\.1 id is 12\.5\.1\. Add the tag 'PCI_DSS_12\.5\.1'/);
    assert.equal(applyChecked(before, actions[0]!), ruleText('R', 'Supports PCI-DSS 2.4.', '  tags: [PCI_DSS_12.5.1]\n'));
  });

  it('adds to block and empty tags', () => {
    const block = ruleText('R', 'Per PCI DSS 10.2.1.3', '  tags:\n    - container\n');
    const blockFix = fixesFor(block, '10.2.1.3', 'pci-requirement-mismatch').actions[0]!;
    assert.equal(applyChecked(block, blockFix), ruleText('R', 'Per PCI DSS 10.2.1.3', '  tags:\n    - container\n    - PCI_DSS_10.2.1.3\n'));
    const empty = ruleText('R', 'Per PCI DSS 10.2.1.3', '  tags: []\n');
    const emptyFix = fixesFor(empty, '10.2.1.3', 'pci-requirement-mismatch').actions[0]!;
    assert.equal(applyChecked(empty, emptyFix), ruleText('R', 'Per PCI DSS 10.2.1.3', '  tags: [PCI_DSS_10.2.1.3]\n'));
  });

  it('offers both senses of 10.2.1', () => {
    const { actions } = fixesFor(ruleText('R', 'Per PCI DSS 10.2.1', ''), '10.2.1', 'pci-requirement-mismatch');
    assert.deepEqual(actions.map((a) => [a.edits[0]!.newText.trim(), a.isPreferred]), [
      ['tags: [PCI_DSS_10.2.1]', false],
      ['tags: [PCI_DSS_10.2.1.1]', false],
    ]);
  });

  it('maps the span through a quoted scalar', () => {
    const text = ruleText('R', '"Tab\\there: PCI DSS 7.2.5"', '  tags: [container]\n');
    const { diagnostic } = fixesFor(text, '7.2.5', 'pci-requirement-mismatch');
    assert.equal(text.slice(diagnostic.span.start, diagnostic.span.end), '7.2.5');
  });
});

/** Hovers at the `$0` marker of a rule's tags. */
function hoverTag(tags: string): { covered: string; contents: string } {
  const { text, offset } = withCursor(tagged(tags));
  const workspace = new RulesWorkspace();
  workspace.setFile(URI, text);
  const result = doHover(workspace, URI, offset);
  assert.ok(result, 'no hover');
  return { covered: text.slice(result.span.start, result.span.end), contents: result.contents };
}

describe('PCI tag hover', () => {
  it('shows a requirement and its v3.2.1 number', () => {
    const result = hoverTag('[PCI_DSS_10.2.1$0.5]');
    const requirement = findPciRequirement('10.2.1.5')!;
    assert.equal(result.covered, 'PCI_DSS_10.2.1.5');
    assert.deepEqual(result.contents.split('\n'), [
      '**PCI DSS v4.0.1 requirement 10.2.1.5**',
      '',
      requirement.title,
      '',
      `Runtime signal: ${requirement.runtimeSignal}`,
      '',
      'Falco support: direct.',
      '',
      'PCI DSS v3.2.1 number: 10.2.5.',
    ]);
  });

  it('explains a changed meaning', () => {
    const result = hoverTag('[PCI_DSS_11$0.5.1]');
    assert.match(result.contents, /^\*\*PCI DSS v4\.0\.1 requirement 11\.5\.1\*\*\n\nIntrusion detection/);
    assert.match(result.contents, /In v3\.2\.1, 11\.5\.1 meant that alerts of the change-detection solution are responded to; v4\.0\.1 numbers that requirement 11\.5\.2 or 12\.10\.5\./);
  });

  it('notes a v3.2.1 number reused in v4.0.1', () => {
    const result = hoverTag('[PCI_DSS_10.2$0.1]');
    assert.match(result.contents, /In v3\.2\.1, 10\.2\.1 was another requirement, which v4\.0\.1 numbers 10\.2\.1\.1\.$/);
  });

  it('shows a v4.0.1 id outside the catalog', () => {
    const result = hoverTag('[PCI_DSS_10.5$0.1]');
    assert.match(result.contents, /^\*\*PCI DSS v4\.0\.1 requirement 10\.5\.1\*\*\n\nNot in the catalog/);
    assert.match(result.contents, /v4\.0\.1 numbers that requirement 10\.3\.1\./);
  });

  it('shows a section', () => {
    assert.match(hoverTag('[PCI_DSS_1$00.2]').contents, /^\*\*PCI DSS v4\.0\.1 section 10\.2\*\*/);
  });

  it('lists v4.0.1 ids for an unknown id', () => {
    const result = hoverTag('[PCI_DSS_10.2$0.5]');
    assert.deepEqual(result.contents.split('\n').slice(0, 4), [
      '**PCI_DSS_10.2.5**: 10.2.5 is not a PCI DSS v4.0.1 requirement id.',
      '',
      'Tag one of these v4.0.1 ids instead:',
      '',
    ]);
    assert.equal(result.contents.split('\n')[4], `- 10.2.1.5: ${findPciRequirement('10.2.1.5')!.title}`);
  });

  it('explains a generic tag', () => {
    assert.match(hoverTag('[pci_d$0ss]').contents, /^\*\*pci_dss\*\*: names PCI DSS but no requirement/);
  });
});

describe('PCI tag completion', () => {
  it('documents requirements with v3.2.1 notes', () => {
    const { text, offset } = withCursor(tagged('[$0]'));
    const workspace = new RulesWorkspace();
    workspace.setFile(URI, text);
    const candidate = doComplete(workspace, URI, offset).find((c) => c.label === 'PCI_DSS_11.5.1');
    assert.ok(candidate);
    assert.equal(candidate.detail, findPciRequirement('11.5.1')!.title);
    assert.match(candidate.documentation!, /In v3\.2\.1, 11\.5\.1 meant that/);
  });
});
