import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RulesWorkspace } from '../../server/src/core';
import { FIXTURES, readFixture } from '../helpers';

const OFFICIAL = ['rules', 'plugin-rules'].flatMap((folder) =>
  readdirSync(join(FIXTURES, 'official', folder))
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => ({ folder, name })),
);

describe('official rulesets', () => {
  it('finds all eight official files', () => {
    assert.equal(OFFICIAL.length, 8);
  });

  for (const { folder, name } of OFFICIAL) {
    it(`${name} loads without errors`, () => {
      const workspace = new RulesWorkspace();
      const uri = `file:///official/${name}`;
      const text = readFixture('official', folder, name);
      workspace.setFile(uri, text);
      const errors = workspace.diagnostics(uri).filter((d) => d.severity === 'error');
      const described = errors.slice(0, 5).map((d) => `${d.code} '${text.slice(d.span.start, d.span.end)}': ${d.message}`);
      assert.deepEqual(described, []);
    });
  }

  it('warn only about the v3.2.1 tag 10.2.5', () => {
    const warnings: string[] = [];
    for (const { folder, name } of OFFICIAL) {
      const workspace = new RulesWorkspace();
      const uri = `file:///official/${name}`;
      const text = readFixture('official', folder, name);
      workspace.setFile(uri, text);
      for (const d of workspace.diagnostics(uri)) {
        if (d.severity === 'warning') warnings.push(`${name} ${d.code} ${text.slice(d.span.start, d.span.end)}`);
      }
    }
    assert.deepEqual(warnings, ['falco-incubating_rules.yaml pci-unknown-requirement PCI_DSS_10.2.5']);
  });

  it('stable, incubating and sandbox load together without errors', () => {
    const workspace = new RulesWorkspace({ useDefaultRules: false });
    for (const name of ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml']) {
      workspace.setFile(`file:///official/${name}`, readFixture('official', 'rules', name));
    }
    for (const uri of workspace.uris()) {
      const errors = workspace.diagnostics(uri).filter((d) => d.severity === 'error');
      assert.deepEqual(errors.map((d) => `${uri} ${d.code}: ${d.message}`), []);
    }
  });
});
