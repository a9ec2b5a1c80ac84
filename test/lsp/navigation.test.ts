/**
 * Navigation and structure requests against the real language server over
 * stdio: definition, references, rename, highlights, symbols and folding.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeConfigurationNotification, DidChangeTextDocumentNotification, DocumentHighlightKind, Location, Range, SymbolKind } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TestClient, positionOf } from './client';

const A = 'file:///nav/a_rules.yaml';
const B = 'file:///nav/b_rules.yaml';

const MACRO_FILE = `- macro: pci_shell
  condition: spawned_process and proc.name in (pci_shells)
- list: pci_shells
  items: [bash, sh]
`;

const RULE_FILE = `- rule: PCI shell
  desc: A shell started in a cardholder-data container
  condition: >
    pci_shell and container
    and not proc.pname in (pci_shells)
  output: Shell started (user=%user.name command=%proc.cmdline)
  priority: WARNING
`;

const TEXTS = new Map([
  [A, MACRO_FILE],
  [B, RULE_FILE],
]);

function covered(texts: Map<string, string>, uri: string, range: Range): string {
  const document = TextDocument.create(uri, 'falco-rules', 1, texts.get(uri)!);
  return document.getText(range);
}

function describeLocations(texts: Map<string, string>, locations: Location[]): string[] {
  return locations.map((l) => `${l.uri.slice(l.uri.lastIndexOf('/') + 1)}:${l.range.start.line}:${l.range.start.character} ${covered(texts, l.uri, l.range)}`);
}

describe('navigation over stdio', function () {
  this.timeout(30000);
  let client: TestClient;

  before(async () => {
    client = new TestClient();
    await client.initialize();
    await client.open(A, MACRO_FILE);
    assert.deepEqual((await client.open(B, RULE_FILE)).diagnostics, [], 'B loads with the macro and list of A');
  });

  after(async () => {
    await client.stop();
  });

  it('goes to a macro defined in another file', async () => {
    const locations = await client.definition(B, positionOf(RULE_FILE, 'pci_shell and', 3));
    assert.deepEqual(describeLocations(TEXTS, locations), ['a_rules.yaml:0:9 pci_shell']);
  });

  it('leaves out definitions in the bundled ruleset', async () => {
    assert.deepEqual(await client.definition(A, positionOf(MACRO_FILE, 'spawned_process', 2)), []);
  });

  it('finds the references of a list in both files', async () => {
    const position = positionOf(RULE_FILE, '(pci_shells)', 1);
    assert.deepEqual(describeLocations(TEXTS, await client.references(B, position, true)), [
      'a_rules.yaml:1:47 pci_shells',
      'a_rules.yaml:2:8 pci_shells',
      'b_rules.yaml:4:27 pci_shells',
    ]);
    assert.deepEqual(describeLocations(TEXTS, await client.references(B, position, false)), ['a_rules.yaml:1:47 pci_shells', 'b_rules.yaml:4:27 pci_shells']);
  });

  it('finds only the user-file references of a bundled macro', async () => {
    const references = await client.references(A, positionOf(MACRO_FILE, 'spawned_process'), true);
    assert.deepEqual(describeLocations(TEXTS, references), ['a_rules.yaml:1:13 spawned_process']);
  });

  it('highlights a macro as written and read', async () => {
    const text = `${MACRO_FILE.replaceAll('pci_shell', 'hl_shell')}- rule: r\n  desc: d\n  condition: hl_shell and container\n  output: o\n  priority: INFO\n`;
    const uri = 'file:///nav/highlight_rules.yaml';
    await client.open(uri, text);
    const highlights = await client.documentHighlight(uri, positionOf(text, 'hl_shell and', 1));
    const texts = new Map([[uri, text]]);
    assert.deepEqual(
      highlights.map((h) => [h.range.start.line, covered(texts, uri, h.range), h.kind]),
      [
        [0, 'hl_shell', DocumentHighlightKind.Write],
        [6, 'hl_shell', DocumentHighlightKind.Read],
      ],
    );
  });

  it('prepares a rename and refuses a bundled macro', async () => {
    const prepared = await client.prepareRename(B, positionOf(RULE_FILE, 'pci_shell and', 2));
    assert.ok(prepared);
    assert.equal(covered(TEXTS, B, prepared.range), 'pci_shell');
    assert.equal(prepared.placeholder, 'pci_shell');
    await assert.rejects(client.prepareRename(A, positionOf(MACRO_FILE, 'spawned_process', 2)), /The macro 'spawned_process' is defined in the bundled falco_rules.yaml, which cannot be edited/);
  });

  it('renames a macro across files and the result loads', async () => {
    const c = 'file:///nav/c_rules.yaml';
    const d = 'file:///nav/d_rules.yaml';
    const texts = new Map([
      [c, MACRO_FILE.replaceAll('pci_shell', 'cde_shell')],
      [d, RULE_FILE.replaceAll('pci_shell', 'cde_shell')],
    ]);
    for (const [uri, text] of texts) await client.open(uri, text);

    const edit = await client.rename(d, positionOf(texts.get(d)!, 'cde_shell and', 1), 'cde_interactive_shell');
    assert.ok(edit?.changes);
    assert.deepEqual(Object.keys(edit.changes).sort(), [c, d]);
    const renamed = new Map<string, string>();
    for (const [uri, text] of texts) renamed.set(uri, TextDocument.applyEdits(TextDocument.create(uri, 'falco-rules', 1, text), edit.changes[uri]!));
    assert.equal(renamed.get(c), texts.get(c)!.replace('- macro: cde_shell', '- macro: cde_interactive_shell'));
    assert.equal(renamed.get(d), texts.get(d)!.replace('cde_shell and', 'cde_interactive_shell and'));

    // The server reports no problem with the renamed files.
    const republished = client.nextDiagnostics(d);
    for (const [uri, text] of renamed) {
      await client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text }] });
    }
    assert.deepEqual((await republished).diagnostics, []);
  });

  it('refuses a rename to an invalid name with the reason', async () => {
    await assert.rejects(client.rename(A, positionOf(MACRO_FILE, 'pci_shell'), 'pci-shell'), /'pci-shell' is not a valid macro name/);
  });

  it('lists the items of a document as symbols', async () => {
    const symbols = await client.documentSymbol(A);
    assert.deepEqual(
      symbols.map((s) => [s.name, s.kind, s.range.start.line, s.range.end.line, covered(TEXTS, A, s.selectionRange)]),
      [
        ['pci_shell', SymbolKind.Function, 0, 1, 'pci_shell'],
        ['pci_shells', SymbolKind.Array, 2, 3, 'pci_shells'],
      ],
    );
    const rule = (await client.documentSymbol(B))[0]!;
    assert.deepEqual([rule.name, rule.kind, rule.detail], ['PCI shell', SymbolKind.Event, 'WARNING']);
  });

  it('searches workspace symbols in the open files only', async () => {
    const symbols = await client.workspaceSymbol('pci_shell');
    assert.deepEqual(
      symbols.map((s) => `${s.name} ${s.location.uri.slice(s.location.uri.lastIndexOf('/') + 1)} ${covered(TEXTS, s.location.uri, (s.location as Location).range)}`),
      ['pci_shell a_rules.yaml pci_shell', 'pci_shells a_rules.yaml pci_shells'],
    );
    const shells = await client.workspaceSymbol('shell_binaries');
    assert.ok(shells.every((s) => s.location.uri.startsWith('file:')), 'the bundled ruleset is left out');
  });

  it('folds items and multi-line conditions', async () => {
    const ranges = await client.foldingRange(B);
    assert.deepEqual(
      ranges.map((r) => [r.startLine, r.endLine]),
      [
        [0, 6],
        [2, 4],
      ],
    );
  });

  it('goes to a macro of a base rules file', async () => {
    const basePath = join(mkdtempSync(join(tmpdir(), 'falco-nav-base-')), 'base_rules.yaml');
    const baseText = '- macro: pci_base_only\n  condition: evt.type = execve\n';
    writeFileSync(basePath, baseText);
    const uri = 'file:///nav/uses_base_rules.yaml';
    const text = '- rule: r\n  desc: d\n  condition: pci_base_only\n  output: o\n  priority: INFO\n';
    await client.open(uri, text);

    client.settings = { baseRuleset: 'files', baseRulesetFiles: [basePath] };
    const republished = client.nextDiagnostics(uri);
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    assert.deepEqual((await republished).diagnostics, []);

    const locations = await client.definition(uri, positionOf(text, 'pci_base_only', 2));
    const baseUri = pathToFileURL(basePath).toString();
    assert.deepEqual(describeLocations(new Map([[baseUri, baseText]]), locations), ['base_rules.yaml:0:9 pci_base_only']);

    client.settings = { useDefaultRules: true };
    const restored = client.nextDiagnostics(uri);
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await restored;
  });

  it('sends one folding range per start line', async () => {
    const uri = 'file:///nav/plugins_rules.yaml';
    await client.open(uri, '- required_plugin_versions:\n    - name: container\n      version: 0.7.1\n');
    const ranges = await client.foldingRange(uri);
    assert.deepEqual(
      ranges.map((r) => [r.startLine, r.endLine]),
      [[0, 2]],
    );
  });
});
