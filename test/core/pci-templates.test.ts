/**
 * The PCI-DSS rule templates. Each one, expanded with its default
 * placeholder values, must pass our own checker on top of the bundled
 * falco_rules.yaml and the prelude. The Kubernetes audit template also
 * loads the official k8s_audit rules. The generated snippet files must
 * match data/pci/templates.yaml.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RulesWorkspace } from '../../server/src/core';
import { findPciTemplate, pciTemplateLabel, pciTemplates, pciTemplateText } from '../../server/src/core/pci/templates';
import { pciRequirements } from '../../server/src/core/pci/requirements';
import { ROOT, readFixture } from '../helpers';

interface SnippetGenerator {
  buildSnippetFiles(root: string): Record<string, string>;
}

const PRELUDE_URI = 'file:///pci/00-prelude.yaml';
/** The tags of each template that get a changed-meaning note. */
const EXPECTED_NOTES: Record<string, string[]> = { T04: ['PCI_DSS_11.5.1'], T17: ['PCI_DSS_10.6.3', 'PCI_DSS_10.6.3'] };
const K8S_AUDIT_URI = 'file:///pci/01-k8s_audit_rules.yaml';
const TEMPLATE_URI = 'file:///pci/02-template.yaml';

/** Loads the prelude, the official k8s_audit rules when the template needs them, then the template. */
function checkTemplate(id: string) {
  const template = findPciTemplate(id)!;
  const workspace = new RulesWorkspace();
  workspace.setFile(PRELUDE_URI, pciTemplateText(findPciTemplate('prelude')!));
  if (template.needs.includes('k8s_audit')) workspace.setFile(K8S_AUDIT_URI, readFixture('official', 'plugin-rules', 'k8s_audit_rules.yaml'));
  const text = pciTemplateText(template);
  workspace.setFile(TEMPLATE_URI, text);
  const describe = (uri: string, source: string) =>
    workspace.diagnostics(uri).map((d) => `${d.severity} ${d.code} '${source.slice(d.span.start, d.span.end)}': ${d.message}`);
  return {
    template: describe(TEMPLATE_URI, text),
    prelude: describe(PRELUDE_URI, pciTemplateText(findPciTemplate('prelude')!)),
  };
}

describe('PCI-DSS templates', () => {
  it('lists the prelude and T01 to T18', () => {
    const ids = pciTemplates().map((template) => template.id);
    assert.deepEqual(ids, ['prelude', ...Array.from({ length: 18 }, (_, i) => `T${String(i + 1).padStart(2, '0')}`)]);
  });

  it('labels a template with its requirements', () => {
    assert.equal(pciTemplateLabel(findPciTemplate('T01')!), 'PCI-DSS 10.2.1.2, 11.5.1 – Shell spawned in a CDE container');
    assert.equal(pciTemplateLabel(findPciTemplate('prelude')!), 'PCI-DSS prelude – CDE lists and macros');
  });

  it('tags only requirements of the catalog', () => {
    const catalog = new Set(pciRequirements().map((requirement) => requirement.id));
    const missing = pciTemplates().flatMap((template) => template.requirements.filter((id) => !catalog.has(id)).map((id) => `${template.id} ${id}`));
    assert.deepEqual(missing, []);
  });

  it('expands the prelude with its defaults', () => {
    const text = pciTemplateText(findPciTemplate('prelude')!);
    assert.match(text, /^- list: pci_cde_namespaces\n {2}items: \[payments, cardholder-data\]\n\n- list: pci_cde_images\n {2}items: \[\]\n/);
    assert.ok(!text.includes('$'), text);
  });

  it('prelude alone has only unused-item warnings', () => {
    const workspace = new RulesWorkspace();
    const text = pciTemplateText(findPciTemplate('prelude')!);
    workspace.setFile(PRELUDE_URI, text);
    const found = workspace.diagnostics(PRELUDE_URI).map((d) => `${d.code} ${text.slice(d.span.start, d.span.end)}`);
    assert.deepEqual(found, ['LOAD_UNUSED_MACRO pci_cde_container', 'LOAD_UNUSED_MACRO pci_container_started']);
  });

  for (const template of pciTemplates().filter((t) => t.id !== 'prelude')) {
    it(`${template.id} checks without errors or warnings`, () => {
      const found = checkTemplate(template.id);
      assert.deepEqual(found.template.filter((line) => line.startsWith('error') || line.startsWith('warning')), []);
      // 11.5.1 and 10.6.3 meant other requirements in v3.2.1. The templates use them in the v4.0.1
      // sense, which the checker can tell only where another tag exists in v4.0.1 numbering alone.
      const notes = found.template.filter((line) => line.startsWith('info')).map((line) => line.split(':')[0]);
      assert.deepEqual(notes, (EXPECTED_NOTES[template.id] ?? []).map((tag) => `info pci-requirement-meaning-changed '${tag}'`));
      const preludeProblems = found.prelude.filter((line) => !/^warning LOAD_UNUSED_(MACRO|LIST) /.test(line));
      assert.deepEqual(preludeProblems, []);
    });
  }

  // NOTE: with k8s_audit_rules.yaml loaded, T08's `proc.name in (systemctl, service)` gets a
  // macro-in-list warning, because that file defines a k8s_audit macro named `service`.
  it('syscall templates together check clean', () => {
    const workspace = new RulesWorkspace();
    workspace.setFile(PRELUDE_URI, pciTemplateText(findPciTemplate('prelude')!));
    const text = pciTemplates()
      .filter((template) => template.id !== 'prelude' && !template.needs.includes('k8s_audit'))
      .map(pciTemplateText)
      .join('\n');
    workspace.setFile(TEMPLATE_URI, text);
    const problems = workspace.diagnostics(TEMPLATE_URI).filter((d) => d.severity === 'error' || d.severity === 'warning');
    assert.deepEqual(problems.map((d) => `${d.code} ${text.slice(d.span.start, d.span.end)}`), []);
    assert.deepEqual(workspace.diagnostics(PRELUDE_URI), []);
    assert.equal(text.match(/^- rule: /gm)?.length, 28);
  });

  it('k8s_audit template needs the k8saudit rules', () => {
    const workspace = new RulesWorkspace();
    workspace.setFile(PRELUDE_URI, pciTemplateText(findPciTemplate('prelude')!));
    const text = pciTemplateText(findPciTemplate('T18')!);
    workspace.setFile(TEMPLATE_URI, text);
    const undefinedMacros = workspace
      .diagnostics(TEMPLATE_URI)
      .filter((d) => d.severity === 'error')
      .map((d) => text.slice(d.span.start, d.span.end));
    assert.ok(undefinedMacros.includes('k8s_audit_never_true'), undefinedMacros.join(', '));
  });
});

describe('snippet generator', () => {
  it('reproduces the committed snippet files', () => {
    // The generator is plain ESM, which require() loads on Node 20.19 and later.
    const generator = require(path.join(ROOT, 'scripts/generate-snippets.mjs')) as SnippetGenerator;
    const files = generator.buildSnippetFiles(ROOT);
    assert.deepEqual(Object.keys(files), ['snippets/falco-rules.json', 'server/src/core/pci/templates.json']);
    for (const [file, text] of Object.entries(files)) {
      assert.equal(text, fs.readFileSync(path.join(ROOT, file), 'utf8'), `${file} is stale: run npm run snippets`);
    }
  });

  it('keeps the basic snippets and adds one per template', () => {
    const snippets = JSON.parse(fs.readFileSync(path.join(ROOT, 'snippets/falco-rules.json'), 'utf8')) as Record<string, { prefix: string; body: string[] }>;
    const names = Object.keys(snippets);
    assert.deepEqual(names.slice(0, 3), ['Falco rule', 'Falco macro', 'Falco list']);
    assert.equal(names.length, 3 + 19);
    assert.equal(snippets['PCI-DSS 10.2.1.2, 11.5.1: Shell spawned in a CDE container']!.prefix, 'pci-shell-in-cde');
    assert.equal(snippets['PCI-DSS 10.2.1.2, 11.5.1: Shell spawned in a CDE container']!.body.join('\n'), findPciTemplate('T01')!.snippet);
  });
});
