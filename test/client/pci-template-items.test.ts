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

  it('groups by requirement in standard order', () => {
    const ids = separators.slice(1).map((label) => label.split(' ')[0]!);
    // The 36 distinct requirement ids that T01 to T18 tag.
    assert.equal(ids.length, 36);
    assert.deepEqual(ids.slice(0, 6), ['1.2.5', '1.3.1', '1.3.2', '1.4.4', '2.2.1', '2.2.4']);
    assert.deepEqual(ids.slice(-5), ['10.6.3', '10.7.2', '11.5.1', '11.5.1.1', '11.5.2']);
    assert.deepEqual([...ids].sort(compareRequirementIds), ids);
  });

  it('lists a template under each requirement', () => {
    const underEach = entries.filter((entry) => entry.kind === 'template' && entry.template.id === 'T07');
    assert.equal(underEach.length, 5);
    const t07 = underEach[0]!;
    assert.ok(t07.kind === 'template');
    assert.equal(t07.label, 'Audit log tampering and unexpected reads');
    assert.equal(t07.description, 'T07 · PCI DSS 10.3.2, 10.3.4, 10.2.1.6, 10.2.1.3, 10.3.1');
  });

  it('titles separators from the catalog', () => {
    assert.ok(separators.some((label) => /^10\.2\.1\.1 Audit logs record every individual user access/.test(label)), separators.join('\n'));
  });

  it('orders requirement ids numerically', () => {
    const ids = ['10.2.1.1', 'A1.1.1', '2.2.1', '10.2.1', '10.2', '1.10.1', '1.2.5'];
    assert.deepEqual(ids.sort(compareRequirementIds), ['1.2.5', '1.10.1', '2.2.1', '10.2', '10.2.1', '10.2.1.1', 'A1.1.1']);
  });
});
