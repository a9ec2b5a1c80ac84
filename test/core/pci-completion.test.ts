/**
 * The PCI-DSS templates as completion candidates where a top-level item may
 * start, and the code lenses of rules with PCI requirement tags.
 */
import * as assert from 'node:assert/strict';
import { RulesWorkspace, doComplete, pciCodeLenses } from '../../server/src/core';
import type { CompletionOptions } from '../../server/src/core';
import { findPciRequirement } from '../../server/src/core/pci/requirements';
import { findPciTemplate } from '../../server/src/core/pci/templates';
import { withCursor } from '../helpers';

const URI = 'file:///pci/templates_rules.yaml';

function completeAt(source: string, options: CompletionOptions = {}) {
  const { text, offset } = withCursor(source);
  const workspace = new RulesWorkspace();
  workspace.setFile(URI, text);
  const candidates = doComplete(workspace, URI, offset, options);
  return { text, candidates, templates: candidates.filter((c) => c.kind === 'snippet') };
}

describe('PCI template completion', () => {
  it('offers every template at column 0', () => {
    const { templates } = completeAt('- rule: r\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: INFO\n\npc$0\n');
    assert.equal(templates.length, 19);
    const t01 = templates.find((c) => c.label === 'PCI-DSS 10.2.1.2, 11.5.1 – Shell spawned in a CDE container')!;
    assert.equal(t01.detail, 'PCI-DSS template T01');
    assert.equal(t01.insertText, findPciTemplate('T01')!.snippet);
    assert.equal(t01.isSnippet, true);
    assert.equal(t01.filterText, 'PCI-DSS 10.2.1.2, 11.5.1 – Shell spawned in a CDE container pci-shell-in-cde');
    assert.match(t01.documentation!, /^\*\*Shell spawned in a CDE container\*\*/);
    assert.ok(t01.documentation!.includes(`- 10.2.1.2: ${findPciRequirement('10.2.1.2')!.title}`));
    assert.match(t01.documentation!, /Needs the PCI-DSS prelude/);
  });

  it('sorts templates after item kinds', () => {
    const { candidates } = completeAt('$0');
    assert.deepEqual(candidates.slice(0, 5).map((c) => c.label), ['rule', 'macro', 'list', 'required_engine_version', 'required_plugin_versions']);
    const sorted = [...candidates].sort((a, b) => (a.sortText! < b.sortText! ? -1 : 1));
    assert.equal(sorted[5]!.label, 'PCI-DSS prelude – CDE lists and macros');
  });

  it('replaces a typed dash with the template', () => {
    const { text, templates } = completeAt('- rule: r\n  desc: d\n\n- sh$0');
    const t18 = templates.find((c) => c.label.includes('Kubernetes audit'))!;
    assert.equal(text.slice(t18.replace.start, t18.replace.end), '- sh');
    assert.ok(t18.filterText!.startsWith('- PCI-DSS 10.2.1.2, 10.2.2, 8.2.1, 6.5.4 – '));
    assert.match(t18.documentation!, /k8saudit plugin/);
  });

  it('leaves templates out when turned off', () => {
    const source = '- rule: r\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: INFO\n\npc$0\n';
    const { candidates, templates } = completeAt(source, { pciTemplates: false });
    assert.deepEqual(templates, []);
    assert.deepEqual(candidates.map((c) => c.label), ['rule', 'macro', 'list', 'required_engine_version', 'required_plugin_versions']);
    assert.equal(completeAt(source, { pciTemplates: true }).templates.length, 19);
  });

  it('offers no template on an existing key', () => {
    assert.deepEqual(completeAt('- ru$0le: r\n').templates, []);
    assert.deepEqual(completeAt('- rule: r\n  de$0').templates, []);
  });
});

describe('PCI code lenses', () => {
  it('titles each tagged rule with its requirements', () => {
    const text = [
      '- rule: Shell in CDE',
      '  desc: d',
      '  condition: spawned_process',
      '  output: o',
      '  priority: INFO',
      '  tags: [container, PCI_DSS_10.2.1.2, PCI_DSS_10.5.1, PCI_DSS_10.2.1.2, PCI_DSS_10.2.5]',
      '- rule: Untagged',
      '  desc: d',
      '  condition: spawned_process',
      '  output: o',
      '  priority: INFO',
      '  tags: [container, pci_dss]',
      '- macro: m',
      '  condition: spawned_process',
      '',
    ].join('\n');
    const workspace = new RulesWorkspace();
    workspace.setFile(URI, text);
    const lenses = pciCodeLenses(workspace, URI);
    assert.equal(lenses.length, 1);
    const lens = lenses[0]!;
    assert.equal(text.slice(lens.span.start, lens.span.end), 'rule: Shell in CDE');
    assert.deepEqual(lens.requirements, ['10.2.1.2', '10.5.1', '10.2.5']);
    const title = findPciRequirement('10.2.1.2')!.title.replace(/\.$/, '');
    assert.equal(lens.title, `PCI DSS 10.2.1.2 ${title} · 10.5.1 · 10.2.5`);
  });

  it('returns nothing for an unknown document', () => {
    assert.deepEqual(pciCodeLenses(new RulesWorkspace(), URI), []);
  });
});
