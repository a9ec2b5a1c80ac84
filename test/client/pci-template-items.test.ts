import * as assert from 'node:assert/strict';
import { compareRequirementIds, pciTemplatePickEntries } from '../../client/src/pci-template-items';
import { pciTemplateList } from '../../server/src/core';

describe('PCI template quick pick', () => {
  const entries = pciTemplatePickEntries(pciTemplateList());
  const separators = entries.filter((entry) => entry.kind === 'separator').map((entry) => entry.label);

  it('puts the prelude first', () => {
    assert.deepEqual(entries[0], { kind: 'separator', label: 'Shared lists and macros' });
    assert.equal(entries[1]!.kind === 'template' && entries[1]!.template.id, 'prelude');
  });

  it('groups by first requirement in standard order', () => {
    const ids = separators.slice(1).map((label) => label.replace(/^PCI DSS /, ''));
    assert.ok(separators.slice(1).every((label) => /^PCI DSS \d/.test(label)), separators.join('\n'));
    assert.deepEqual([...ids].sort(compareRequirementIds), ids);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('lists each template once', () => {
    const templates = entries.filter((entry) => entry.kind === 'template').map((entry) => entry.kind === 'template' && entry.template.id);
    assert.equal(templates.length, pciTemplateList().length);
    assert.equal(new Set(templates).size, templates.length);
  });

  it('files a template under its first requirement', () => {
    const index = entries.findIndex((entry) => entry.kind === 'template' && entry.template.id === 'T07');
    const t07 = entries[index]!;
    assert.ok(t07.kind === 'template');
    assert.equal(t07.label, 'Audit log tampering and unexpected reads');
    assert.equal(t07.description, 'T07 · PCI DSS 10.3.2, 10.3.4, 10.2.1.6, 10.2.1.3, 10.3.1');
    const heading = entries.slice(0, index).reverse().find((entry) => entry.kind === 'separator');
    assert.equal(heading?.label, 'PCI DSS 10.3.2');
  });

  it('orders requirement ids numerically', () => {
    const ids = ['10.2.1.1', 'A1.1.1', '2.2.1', '10.2.1', '10.2', '1.10.1', '1.2.5'];
    assert.deepEqual(ids.sort(compareRequirementIds), ['1.2.5', '1.10.1', '2.2.1', '10.2', '10.2.1', '10.2.1.1', 'A1.1.1']);
  });
});
