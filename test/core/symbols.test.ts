import * as assert from 'node:assert/strict';
import { DEFAULT_RULES_URI, RulesWorkspace, documentSymbols, foldingRanges, workspaceSymbols } from '../../server/src/core';
import type { RulesSymbol } from '../../server/src/core';

const URI = 'file:///rules/pci_rules.yaml';

const TEXT = `- required_engine_version: 0.50.0

- required_plugin_versions:
    - name: container
      version: 0.7.1

- list: "pci_shells"
  items: [bash, sh]

- macro: pci_shell
  condition: >
    spawned_process
    and proc.name in (pci_shells)

- rule: PCI shell
  desc: A shell started in a cardholder-data container
  condition: pci_shell and container
  output: Shell started (user=%user.name command=%proc.cmdline)
  priority: WARNING
  source: syscall
  exceptions:
    - name: known_admins
      fields: [user.name]
      values:
        - [root]

- rule: PCI shell
  enabled: false
`;

function parse(text: string) {
  const workspace = new RulesWorkspace();
  workspace.setFile(URI, text);
  return { workspace, document: workspace.getDocument(URI)! };
}

/** The symbol tree as `kind name (detail): covered selection | first line of the range ... last line`. */
function outline(text: string, symbols: RulesSymbol[], depth = 0): string[] {
  return symbols.flatMap((s) => {
    const range = text.slice(s.span.start, s.span.end).split('\n');
    const detail = s.detail !== undefined ? ` (${s.detail})` : '';
    const line = `${'  '.repeat(depth)}${s.kind} ${s.name}${detail}: [${text.slice(s.selectionSpan.start, s.selectionSpan.end)}] ${range[0]} ... ${range[range.length - 1]!.trim()}`;
    return [line, ...outline(text, s.children, depth + 1)];
  });
}

describe('document symbols', () => {
  it('lists every item with its kind, name and ranges', () => {
    const { document } = parse(TEXT);
    assert.deepEqual(outline(TEXT, documentSymbols(document)), [
      'required_engine_version required_engine_version (0.50.0): [required_engine_version] - required_engine_version: 0.50.0 ... - required_engine_version: 0.50.0',
      'required_plugin_versions required_plugin_versions: [required_plugin_versions] - required_plugin_versions: ... version: 0.7.1',
      '  plugin container (0.7.1): [container] name: container ... version: 0.7.1',
      'list pci_shells (2 items): [pci_shells] - list: "pci_shells" ... items: [bash, sh]',
      'macro pci_shell (spawned_process and proc.name in (pci_shells)): [pci_shell] - macro: pci_shell ... and proc.name in (pci_shells)',
      'rule PCI shell (WARNING): [PCI shell] - rule: PCI shell ... - [root]',
      '  exception known_admins (user.name): [known_admins] name: known_admins ... - [root]',
      'rule PCI shell (disabled): [PCI shell] - rule: PCI shell ... enabled: false',
    ]);
  });

  it('names items without a name and skips unknown items', () => {
    const text = '- rule:\n  desc: d\n- unknown: x\n- macro: m\n  condition: proc.name = sh\n  override:\n    condition: replace\n';
    const { document } = parse(text);
    assert.deepEqual(outline(text, documentSymbols(document)), [
      'rule (unnamed rule): [rule] - rule: ... desc: d',
      'macro m (override, proc.name = sh): [m] - macro: m ... condition: replace',
    ]);
  });
});

describe('workspace symbols', () => {
  const workspace = new RulesWorkspace();
  workspace.setFile(URI, TEXT);
  workspace.setFile('file:///rules/other_rules.yaml', '- macro: shell_in_cde\n  condition: pci_shell\n- macro: myshell_check\n  condition: shell_in_cde\n');

  it('finds user items before bundled ones, best matches first', () => {
    const symbols = workspaceSymbols(workspace, 'pci_sh');
    assert.deepEqual(symbols.slice(0, 2).map((s) => `${s.kind} ${s.name} ${s.containerName}`), ['macro pci_shell pci_rules.yaml', 'list pci_shells pci_rules.yaml']);
    const macro = symbols[0]!;
    assert.equal(TEXT.slice(macro.span.start, macro.span.end), 'pci_shell');
    assert.equal(macro.uri, URI);
  });

  it('ranks prefixes, then word starts, then other substrings, and includes the bundled ruleset', () => {
    const symbols = workspaceSymbols(workspace, 'SHELL');
    const names = symbols.map((s) => s.name);
    const user = symbols.filter((s) => s.uri !== DEFAULT_RULES_URI).map((s) => s.name);
    assert.deepEqual(user, ['shell_in_cde', 'PCI shell', 'PCI shell', 'pci_shell', 'pci_shells', 'myshell_check']);
    assert.ok(names.indexOf('shell_binaries') < names.indexOf('PCI shell'), 'a bundled prefix match ranks above a user word-start match');
    assert.ok(names.indexOf('pci_shells') < names.indexOf('myshell_check'));

    const bundled = symbols.find((s) => s.name === 'shell_binaries')!;
    assert.equal(bundled.kind, 'list');
    assert.equal(bundled.uri, DEFAULT_RULES_URI);
    assert.equal(bundled.containerName, 'falco_rules.yaml (bundled)');
    const bundledText = workspace.getProgram().files[0]!.document.text;
    assert.equal(bundledText.slice(bundled.span.start, bundled.span.end), 'shell_binaries');
  });

  it('matches scattered characters and returns nothing without a match', () => {
    assert.deepEqual(workspaceSymbols(workspace, 'shincde').map((s) => s.name), ['shell_in_cde']);
    assert.deepEqual(workspaceSymbols(workspace, 'zzzz_no_such_name'), []);
  });

  it('returns every item for an empty query', () => {
    const all = workspaceSymbols(workspace, '');
    const program = workspace.getProgram();
    const named = program.files.flatMap((f) => f.document.items).filter((i) => i.name !== undefined && (i.kind === 'rule' || i.kind === 'macro' || i.kind === 'list'));
    assert.equal(all.length, named.length);
    assert.equal(all[0]!.uri, 'file:///rules/other_rules.yaml');
  });
});

describe('folding ranges', () => {
  it('folds each multi-line item and each multi-line entry', () => {
    const { document } = parse(TEXT);
    const folded = foldingRanges(document).map((r) => TEXT.slice(r.span.start, r.span.end));
    const firstAndLast = folded.map((f) => {
      const lines = f.split('\n');
      return `${lines[0]} ... ${lines[lines.length - 1]!.trim()} (${lines.length} lines)`;
    });
    assert.deepEqual(firstAndLast, [
      '- required_plugin_versions: ... version: 0.7.1 (3 lines)',
      'required_plugin_versions: ... version: 0.7.1 (3 lines)',
      '- list: "pci_shells" ... items: [bash, sh] (2 lines)',
      '- macro: pci_shell ... and proc.name in (pci_shells) (4 lines)',
      'condition: > ... and proc.name in (pci_shells) (3 lines)',
      '- rule: PCI shell ... - [root] (11 lines)',
      'exceptions: ... - [root] (5 lines)',
      'name: known_admins ... - [root] (4 lines)',
      '- rule: PCI shell ... enabled: false (2 lines)',
    ]);
  });

  it('folds a multi-line quoted output', () => {
    const text = '- rule: r\n  desc: d\n  condition: spawned_process\n  output: "Shell started\n    (user=%user.name)"\n  priority: INFO\n';
    const { document } = parse(text);
    const folded = foldingRanges(document).map((r) => text.slice(r.span.start, r.span.end));
    assert.deepEqual(folded, [text.trimEnd(), 'output: "Shell started\n    (user=%user.name)"']);
  });
});
