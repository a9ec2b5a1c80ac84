/**
 * The seed PCI rules as users copy them from an article: fix-all applies every
 * safe fix, then the first candidate of each remaining diagnostic that has
 * candidates is applied, and no error remains.
 */
import * as assert from 'node:assert/strict';
import { RulesWorkspace, getCodeActions, applyEdits, fixAll } from '../../server/src/core';
import type { Diagnostic } from '../../server/src/core';
import { readFixture } from '../helpers';

const URI = 'file:///seed-pci-rules.yaml';

function describe_(diagnostic: Diagnostic, text: string): string {
  return `${diagnostic.code} '${text.slice(diagnostic.span.start, diagnostic.span.end)}'`;
}

describe('quick-fixes on the seed rules', () => {
  it('leave nothing after fix-all and first candidates', () => {
    const workspace = new RulesWorkspace();
    workspace.setFile(URI, readFixture('cases', 'seed-pci-rules.indented.yaml'));
    const safe = fixAll(workspace, URI);
    assert.ok(safe >= 30, `fix-all applied only ${safe} fixes`);

    const choices: string[] = [];
    for (let round = 0; round < 40; round++) {
      const text = workspace.getDocument(URI)!.text;
      const pending = workspace.diagnostics(URI);
      const next = pending.map((d) => ({ diagnostic: d, actions: getCodeActions(workspace, URI, d.span, [d]) })).find((p) => p.actions.length > 0);
      if (!next) break;
      choices.push(describe_(next.diagnostic, text));
      workspace.setFile(URI, applyEdits(text, next.actions[0]!.edits.filter((e) => e.uri === URI)));
    }

    const text = workspace.getDocument(URI)!.text;
    const left = workspace.diagnostics(URI).map((d) => describe_(d, text));
    assert.deepEqual(left, []);
    // The diagnostics that needed a person's choice.
    assert.deepEqual(choices.sort(), [
      "LOAD_ERR_COMPILE_CONDITION '!~'",
      "LOAD_ERR_COMPILE_OUTPUT '%(fd.ip)'",
      "LOAD_ERR_COMPILE_OUTPUT '%(ாளர்.name)'",
      "LOAD_NO_EVTTYPE 'condition'",
      "pci-requirement-meaning-changed 'PCI_DSS_6.4.3'",
      "pci-requirement-mismatch '1.2'",
      "pci-requirement-mismatch '10.2.1'",
      "pci-requirement-mismatch '2.2'",
      "pci-requirement-mismatch '2.4'",
      "pci-requirement-mismatch '6.4.3'",
      "pci-tag-without-requirement 'pci_dss'",
      "pci-tag-without-requirement 'pci_dss'",
      "pci-tag-without-requirement 'pci_dss'",
      "pci-tag-without-requirement 'pci_dss'",
      "pci-tag-without-requirement 'pci_dss'",
    ]);
  });
});
