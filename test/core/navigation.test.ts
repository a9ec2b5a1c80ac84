import * as assert from 'node:assert/strict';
import { DEFAULT_RULES_URI, RulesWorkspace, documentHighlights, findDefinition, findReferences, prepareRename, rename } from '../../server/src/core';
import type { RenameResult, Span, TextEdit } from '../../server/src/core';
import { withCursor } from '../helpers';

const A = 'file:///rules/a_rules.yaml';
const B = 'file:///rules/b_rules.yaml';

const MACRO_FILE = `- macro: pci_shell
  condition: spawned_process and proc.name in (pci_shells)
- list: pci_shells
  items: [bash, sh]
`;

const RULE_FILE = `- rule: PCI shell
  desc: A shell started in a cardholder-data container
  condition: pci_shell and container and not proc.pname in (pci_shells)
  output: Shell started (user=%user.name command=%proc.cmdline)
  priority: WARNING
`;

/**
 * A workspace of the given files in load order; the one file with a `$0`
 * marker gives the cursor.
 */
function setup(files: Array<[string, string]>, options: { useDefaultRules?: boolean } = {}) {
  const workspace = new RulesWorkspace(options);
  const texts = new Map<string, string>();
  let cursor = { uri: '', offset: -1 };
  for (const [uri, source] of files) {
    const marked = source.includes('$0') ? withCursor(source) : undefined;
    const text = marked ? marked.text : source;
    if (marked) cursor = { uri, offset: marked.offset };
    workspace.setFile(uri, text);
    texts.set(uri, text);
  }
  const textOf = (uri: string) => texts.get(uri) ?? workspace.getProgram().files.find((f) => f.document.uri === uri)!.document.text;
  const covered = (location: { uri: string; span: Span }) => textOf(location.uri).slice(location.span.start, location.span.end);
  return { workspace, cursor, texts, textOf, covered };
}

/** Each location as `file: line` with the covered text in brackets, to tell occurrences apart. */
function lineViews(textOf: (uri: string) => string, locations: Array<{ uri: string; span: Span }>): string[] {
  return locations.map((l) => {
    const text = textOf(l.uri);
    const lineStart = text.lastIndexOf('\n', l.span.start - 1) + 1;
    const lineEnd = text.indexOf('\n', l.span.end);
    return `${l.uri.slice(l.uri.lastIndexOf('/') + 1)}: ${text.slice(lineStart, l.span.start)}[${text.slice(l.span.start, l.span.end)}]${text.slice(l.span.end, lineEnd === -1 ? text.length : lineEnd)}`;
  });
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start);
  let result = text;
  for (const edit of sorted) result = result.slice(0, edit.span.start) + edit.newText + result.slice(edit.span.end);
  return result;
}

function editsOf(result: RenameResult): Record<string, TextEdit[]> {
  if ('error' in result) assert.fail(`rename refused: ${result.error}`);
  return result.edits;
}

function errorOf(result: RenameResult): string {
  if (!('error' in result)) assert.fail(`rename accepted: ${JSON.stringify(result.edits)}`);
  return result.error;
}

describe('go to definition', () => {
  it('resolves a macro used in another file', () => {
    const { workspace, cursor, covered, textOf } = setup([
      [A, MACRO_FILE],
      [B, RULE_FILE.replace('pci_shell and', 'pci_sh$0ell and')],
    ]);
    const definitions = findDefinition(workspace, cursor.uri, cursor.offset);
    assert.equal(definitions.length, 1);
    assert.equal(definitions[0]!.uri, A);
    assert.equal(covered(definitions[0]!), 'pci_shell');
    assert.equal(definitions[0]!.span.start, MACRO_FILE.indexOf('pci_shell'));
    assert.equal(textOf(A).slice(definitions[0]!.itemSpan.start, definitions[0]!.itemSpan.end).trimEnd(), MACRO_FILE.split('\n- list')[0]);
  });

  it('resolves spawned_process to the bundled default ruleset', () => {
    const { workspace, cursor, covered, textOf } = setup([[A, MACRO_FILE.replace('spawned_process', 'spawned_$0process')]]);
    const definitions = findDefinition(workspace, cursor.uri, cursor.offset);
    assert.equal(definitions.length, 1);
    assert.equal(definitions[0]!.uri, DEFAULT_RULES_URI);
    assert.equal(covered(definitions[0]!), 'spawned_process');
    const item = textOf(DEFAULT_RULES_URI).slice(definitions[0]!.itemSpan.start, definitions[0]!.itemSpan.end);
    assert.match(item, /^- macro: spawned_process\n  condition: /);
  });

  it('resolves lists in conditions and exceptions', () => {
    const rule = `- rule: r
  desc: d
  condition: spawned_process and proc.name in (pci_sh$0ells)
  output: o
  priority: INFO
  exceptions:
    - name: known
      fields: [proc.name, proc.pname]
      comps: [in, =]
      values:
        - [pci_shells, sshd]
`;
    const { workspace, cursor, covered, texts } = setup([[A, MACRO_FILE], [B, rule]]);
    const fromCondition = findDefinition(workspace, cursor.uri, cursor.offset);
    assert.deepEqual(fromCondition.map((d) => [d.uri, covered(d)]), [[A, 'pci_shells']]);
    const inException = texts.get(B)!.indexOf('[pci_shells') + 3;
    assert.deepEqual(findDefinition(workspace, B, inException).map((d) => [d.uri, covered(d)]), [[A, 'pci_shells']]);
  });

  it('lists the definition in effect first, then the one it replaced', () => {
    const redefinition = '- macro: pci_shell\n  condition: proc.name = zsh\n';
    const { workspace, cursor, covered } = setup([
      [A, MACRO_FILE],
      [B, `${redefinition}${RULE_FILE.replace('pci_shell and', 'pci_shell$0 and')}`],
    ]);
    const definitions = findDefinition(workspace, cursor.uri, cursor.offset);
    assert.deepEqual(definitions.map((d) => [d.uri, covered(d), d.span.start]), [
      [B, 'pci_shell', 9],
      [A, 'pci_shell', 9],
    ]);
  });

  it('resolves an earlier file as Falco loads it, before a later redefinition', () => {
    const user = '- rule: early\n  desc: d\n  condition: pci_sh$0ell\n  output: o\n  priority: INFO\n';
    const { workspace, cursor, covered } = setup([
      [A, `${MACRO_FILE}${user}`],
      [B, '- macro: pci_shell\n  condition: proc.name = zsh\n'],
    ]);
    assert.deepEqual(findDefinition(workspace, cursor.uri, cursor.offset).map((d) => [d.uri, covered(d)]), [[A, 'pci_shell']]);
  });

  it('resolves an override to the definition it changes', () => {
    const { workspace, cursor, covered } = setup([
      [A, MACRO_FILE],
      [B, '- macro: pci_s$0hell\n  condition: and not proc.name = sh\n  override:\n    condition: append\n'],
    ]);
    const definitions = findDefinition(workspace, cursor.uri, cursor.offset);
    assert.deepEqual(definitions.map((d) => [d.uri, covered(d), d.span.start]), [[A, 'pci_shell', 9]]);
  });

  it('resolves a rule enabled in a later file', () => {
    const { workspace, cursor, covered } = setup([
      [A, RULE_FILE],
      [B, '- rule: PCI $0shell\n  enabled: false\n'],
    ], { useDefaultRules: true });
    assert.deepEqual(findDefinition(workspace, cursor.uri, cursor.offset).map((d) => [d.uri, covered(d)]), [[A, 'PCI shell']]);
  });

  it('returns a macro defined further down, which Falco does not see', () => {
    const text = '- macro: first\n  condition: sec$0ond\n- macro: second\n  condition: proc.name = sh\n';
    const { workspace, cursor, covered } = setup([[A, text]], { useDefaultRules: false });
    const definitions = findDefinition(workspace, cursor.uri, cursor.offset);
    assert.deepEqual(definitions.map((d) => covered(d)), ['second']);
    assert.equal(definitions[0]!.span.start, withCursor(text).text.indexOf('second', 30));
  });

  it('returns a list named inside another list', () => {
    const text = '- list: base\n  items: [a, b]\n- list: more\n  items: [ba$0se, c]\n';
    const { workspace, cursor, covered } = setup([[A, text]], { useDefaultRules: false });
    assert.deepEqual(findDefinition(workspace, cursor.uri, cursor.offset).map((d) => [covered(d), d.span.start]), [['base', 8]]);
  });

  it('returns nothing on a field or a plain word', () => {
    const { workspace, texts } = setup([[A, MACRO_FILE], [B, RULE_FILE]]);
    assert.deepEqual(findDefinition(workspace, B, texts.get(B)!.indexOf('proc.pname') + 2), []);
    assert.deepEqual(findDefinition(workspace, B, texts.get(B)!.indexOf('desc:') + 1), []);
    assert.deepEqual(findDefinition(workspace, A, texts.get(A)!.indexOf('bash') + 1), []);
  });
});

describe('find references', () => {
  it('finds a macro across files, with and without its definition', () => {
    const append = '- macro: pci_shell\n  condition: and not proc.pname = sshd\n  override:\n    condition: append\n';
    const { workspace, textOf } = setup([
      [A, MACRO_FILE],
      [B, `${RULE_FILE}${append}`],
    ]);
    const offset = MACRO_FILE.indexOf('pci_shell') + 1;
    assert.deepEqual(lineViews(textOf, findReferences(workspace, A, offset, true)), [
      'a_rules.yaml: - macro: [pci_shell]',
      'b_rules.yaml:   condition: [pci_shell] and container and not proc.pname in (pci_shells)',
      'b_rules.yaml: - macro: [pci_shell]',
    ]);
    assert.deepEqual(findReferences(workspace, A, offset, true).map((r) => r.role), ['definition', 'use', 'update']);
    assert.deepEqual(lineViews(textOf, findReferences(workspace, A, offset, false)), [
      'b_rules.yaml:   condition: [pci_shell] and container and not proc.pname in (pci_shells)',
      'b_rules.yaml: - macro: [pci_shell]',
    ]);
  });

  it('finds a macro in an appended condition', () => {
    const append = '- rule: PCI shell\n  condition: or pci_shell\n  override:\n    condition: append\n';
    const { workspace, textOf } = setup([[A, MACRO_FILE], [B, `${RULE_FILE}${append}`]]);
    const references = findReferences(workspace, A, MACRO_FILE.indexOf('pci_shell'), false);
    assert.deepEqual(lineViews(textOf, references), [
      'b_rules.yaml:   condition: [pci_shell] and container and not proc.pname in (pci_shells)',
      'b_rules.yaml:   condition: or [pci_shell]',
    ]);
  });

  it('finds a list wherever Falco substitutes its name', () => {
    const rule = `- rule: r
  desc: d
  condition: >
    spawned_process and proc.name in (pci_shells, zsh)
    and not proc.pname=pci_shells
    and not proc.cmdline contains "run pci_shells now"
    and not proc.cmdline contains "pci_shells"
    and not proc.aname[2] in (pci_shells_extra)
  output: o
  priority: INFO
  exceptions:
    - name: pairs
      fields: [proc.name, proc.pname]
      comps: [in, =]
      values:
        - [pci_shells, "with pci_shells"]
        - [[pci_shells, sh], "pci_shells at start"]
    - name: single
      fields: proc.pname
      values: [pci_shells]
- list: more_shells
  items: [pci_shells, fish]
`;
    const { workspace, textOf } = setup([[A, MACRO_FILE], [B, rule]]);
    const references = findReferences(workspace, A, MACRO_FILE.indexOf('- list: pci_shells') + 9, false);
    assert.deepEqual(lineViews(textOf, references), [
      'a_rules.yaml:   condition: spawned_process and proc.name in ([pci_shells])',
      'b_rules.yaml:     spawned_process and proc.name in ([pci_shells], zsh)',
      'b_rules.yaml:     and not proc.pname=[pci_shells]',
      // Falco substitutes a list name between blanks even inside a quoted string.
      'b_rules.yaml:     and not proc.cmdline contains "run [pci_shells] now"',
      'b_rules.yaml:         - [[pci_shells], "with pci_shells"]',
      'b_rules.yaml:         - [[[pci_shells], sh], "pci_shells at start"]',
      'b_rules.yaml:       values: [[pci_shells]]',
      'b_rules.yaml:   items: [[pci_shells], fish]',
    ]);
  });

  it('finds a rule through its appends and enables', () => {
    const { workspace, textOf } = setup([
      [A, RULE_FILE],
      [B, '- rule: PCI shell\n  enabled: false\n- rule: PCI shell\n  exceptions:\n    - name: e\n      fields: proc.name\n      values: [sh]\n  override:\n    exceptions: append\n'],
    ]);
    const references = findReferences(workspace, B, 10, true);
    assert.deepEqual(lineViews(textOf, references), ['a_rules.yaml: - rule: [PCI shell]', 'b_rules.yaml: - rule: [PCI shell]', 'b_rules.yaml: - rule: [PCI shell]']);
    assert.deepEqual(references.map((r) => r.role), ['definition', 'update', 'update']);
  });

  it('finds the uses of a bundled macro in the user files too', () => {
    const { workspace, textOf } = setup([[A, MACRO_FILE]]);
    const references = findReferences(workspace, A, MACRO_FILE.indexOf('spawned_process'), false);
    const user = references.filter((r) => r.uri === A);
    assert.deepEqual(lineViews(textOf, user), ['a_rules.yaml:   condition: [spawned_process] and proc.name in (pci_shells)']);
    assert.ok(references.filter((r) => r.uri === DEFAULT_RULES_URI).length > 10);
    assert.ok(references.every((r) => textOf(r.uri).slice(r.span.start, r.span.end) === 'spawned_process'));
  });

  it('maps names through quoted and folded conditions', () => {
    const text = '- macro: m\n  condition: "proc.name in (pci_shells) and \\\n    pci_shell"\n';
    const { workspace, textOf } = setup([[A, MACRO_FILE], [B, text]]);
    assert.deepEqual(lineViews(textOf, findReferences(workspace, A, 2 + MACRO_FILE.indexOf('pci_shell'), false)), ['b_rules.yaml:     [pci_shell]"']);
    assert.deepEqual(lineViews(textOf, findReferences(workspace, A, MACRO_FILE.indexOf('- list: pci_shells') + 9, false)), [
      'a_rules.yaml:   condition: spawned_process and proc.name in ([pci_shells])',
      'b_rules.yaml:   condition: "proc.name in ([pci_shells]) and \\',
    ]);
  });
});

describe('document highlights', () => {
  it('marks definitions as write and uses as read in one document', () => {
    const text = `${MACRO_FILE}${RULE_FILE.replace('not proc.pname in (pci_shells)', 'not proc.pname in (pci_$0shells)')}- list: pci_shells\n  items: [zsh]\n  override:\n    items: append\n`;
    const { workspace, cursor, textOf } = setup([[A, text]]);
    const highlights = documentHighlights(workspace, cursor.uri, cursor.offset);
    assert.deepEqual(lineViews(textOf, highlights.map((h) => ({ uri: A, span: h.span }))), [
      'a_rules.yaml:   condition: spawned_process and proc.name in ([pci_shells])',
      'a_rules.yaml: - list: [pci_shells]',
      'a_rules.yaml:   condition: pci_shell and container and not proc.pname in ([pci_shells])',
      'a_rules.yaml: - list: [pci_shells]',
    ]);
    assert.deepEqual(highlights.map((h) => h.kind), ['read', 'write', 'read', 'write']);
  });

  it('returns nothing away from names', () => {
    const { workspace } = setup([[A, MACRO_FILE]]);
    assert.deepEqual(documentHighlights(workspace, A, MACRO_FILE.indexOf('proc.name')), []);
  });
});

describe('rename', () => {
  it('renames a macro across two files and the result still loads', () => {
    const append = '- macro: pci_shell\n  condition: and not proc.pname = sshd\n  override:\n    condition: append\n';
    const { workspace, texts } = setup([[A, MACRO_FILE], [B, `${RULE_FILE}${append}`]]);
    assert.deepEqual([...workspace.diagnostics(A), ...workspace.diagnostics(B)], []);

    const edits = editsOf(rename(workspace, B, texts.get(B)!.indexOf('pci_shell and'), 'pci_interactive_shell'));
    assert.deepEqual(Object.keys(edits).sort(), [A, B]);
    const renamedA = applyEdits(texts.get(A)!, edits[A]!);
    const renamedB = applyEdits(texts.get(B)!, edits[B]!);
    assert.equal(renamedA, MACRO_FILE.replace('- macro: pci_shell', '- macro: pci_interactive_shell'));
    assert.equal(renamedB, `${RULE_FILE.replace('pci_shell and', 'pci_interactive_shell and')}${append.replace('pci_shell', 'pci_interactive_shell')}`);

    const after = new RulesWorkspace();
    after.setFile(A, renamedA);
    after.setFile(B, renamedB);
    assert.deepEqual([...after.diagnostics(A), ...after.diagnostics(B)], []);
  });

  it('renames a list in conditions, lists and exceptions', () => {
    const rule = `- rule: r
  desc: d
  condition: spawned_process and proc.name in (pci_shells)
  output: o
  priority: INFO
  exceptions:
    - name: e
      fields: [proc.name, proc.pname]
      comps: [in, =]
      values:
        - [pci_shells, sshd]
- list: more_shells
  items: [pci_shells, fish]
- rule: r2
  desc: d
  condition: pci_shell and proc.pname in (more_shells)
  output: o
  priority: INFO
`;
    const { workspace, texts } = setup([[A, MACRO_FILE], [B, rule]]);
    assert.deepEqual([...workspace.diagnostics(A), ...workspace.diagnostics(B)], []);
    const edits = editsOf(rename(workspace, A, MACRO_FILE.indexOf('- list: pci_shells') + 9, 'cde_shells'));
    const renamedA = applyEdits(texts.get(A)!, edits[A]!);
    const renamedB = applyEdits(texts.get(B)!, edits[B]!);
    assert.equal(renamedA, MACRO_FILE.replaceAll('pci_shells', 'cde_shells'));
    assert.equal(renamedB, rule.replaceAll('pci_shells', 'cde_shells'));
    const after = new RulesWorkspace();
    after.setFile(A, renamedA);
    after.setFile(B, renamedB);
    assert.deepEqual([...after.diagnostics(A), ...after.diagnostics(B)], []);
  });

  it('writes the new name in the style of each scalar', () => {
    const text = `- rule: 'PCI shell'
  desc: d
  condition: "pci_shell and proc.name in (pci_shells)"
  output: o
  priority: INFO
- rule: PCI shell
  enabled: false
`;
    const { workspace } = setup([[A, MACRO_FILE], [B, text]]);
    const ruleEdits = editsOf(rename(workspace, B, 10, "Shell: it's interactive"));
    assert.equal(applyEdits(text, ruleEdits[B]!), text.replace("'PCI shell'", "'Shell: it''s interactive'").replace('- rule: PCI shell', '- rule: "Shell: it\'s interactive"'));

    const listEdits = editsOf(rename(workspace, B, text.indexOf('(pci_shells') + 1, 'shells\\v2'));
    assert.equal(applyEdits(text, listEdits[B]!), text.replace('(pci_shells)', '(shells\\\\v2)'));
    assert.equal(applyEdits(MACRO_FILE, listEdits[A]!), MACRO_FILE.replace('(pci_shells)', '(shells\\v2)').replace('- list: pci_shells', '- list: shells\\v2'));
  });

  it('refuses a macro of the bundled ruleset', () => {
    const { workspace } = setup([[A, MACRO_FILE]]);
    const error = errorOf(rename(workspace, A, MACRO_FILE.indexOf('spawned_process'), 'new_process'));
    assert.equal(error, "The macro 'spawned_process' is defined in the bundled falco_rules.yaml, which cannot be edited; to change what it matches, override it in your own rules file instead of renaming it.");
  });

  it('refuses a user macro that redefines a bundled one', () => {
    const { workspace } = setup([[A, '- macro: container\n  condition: container.id != host\n']]);
    assert.match(errorOf(rename(workspace, A, 10, 'my_container')), /^The macro 'container' is defined in the bundled falco_rules.yaml, which cannot be edited;/);
  });

  it('refuses a macro of a base rules file', () => {
    const base = 'file:///etc/falco/base_rules.yaml';
    const workspace = new RulesWorkspace({ baseRules: [{ uri: base, text: '- macro: pci_base\n  condition: evt.type = execve\n' }] });
    const text = '- rule: r\n  desc: d\n  condition: pci_base\n  output: o\n  priority: INFO\n';
    workspace.setFile(A, text);
    const offset = text.indexOf('pci_base');
    assert.deepEqual(findDefinition(workspace, A, offset).map((d) => [d.uri, d.span.start]), [[base, 9]]);
    assert.equal(
      errorOf(rename(workspace, A, offset, 'pci_other')),
      "The macro 'pci_base' is defined in the base rules file base_rules.yaml, which renaming does not edit; to change what it matches, override it in your own rules file instead of renaming it.",
    );
  });

  it('refuses invalid names', () => {
    const { workspace } = setup([[A, MACRO_FILE], [B, RULE_FILE]]);
    const macro = MACRO_FILE.indexOf('pci_shell');
    const list = MACRO_FILE.indexOf('- list: pci_shells') + 9;
    assert.match(errorOf(rename(workspace, A, macro, 'pci-shell')), /^'pci-shell' is not a valid macro name: .*\[a-zA-Z\]\+\[a-zA-Z0-9_\]\*/);
    assert.match(errorOf(rename(workspace, A, macro, '2shell')), /not a valid macro name/);
    assert.match(errorOf(rename(workspace, A, macro, 'not')), /^'not' is a keyword/);
    assert.match(errorOf(rename(workspace, A, list, 'pci shells')), /^'pci shells' is not a valid list name/);
    assert.match(errorOf(rename(workspace, A, list, 'a=b')), /not a valid list name/);
    assert.equal(errorOf(rename(workspace, B, 10, '')), 'A rule name cannot be empty.');
    assert.match(errorOf(rename(workspace, B, 10, ' PCI')), /cannot start or end with white space/);
  });

  it('refuses a name that already exists', () => {
    const { workspace } = setup([[A, `${MACRO_FILE}- macro: other_shell\n  condition: pci_shell\n`], [B, RULE_FILE]]);
    assert.equal(errorOf(rename(workspace, A, 10, 'other_shell')), "A macro named 'other_shell' already exists in a_rules.yaml; choose another name.");
    assert.equal(errorOf(rename(workspace, A, 10, 'container')), "A macro named 'container' already exists in the bundled falco_rules.yaml; choose another name.");
    assert.equal(errorOf(rename(workspace, A, MACRO_FILE.indexOf('- list: pci_shells') + 9, 'shell_binaries')), "A list named 'shell_binaries' already exists in the bundled falco_rules.yaml; choose another name.");
  });

  it('refuses a list name that Falco would also substitute elsewhere', () => {
    const { workspace } = setup([[A, MACRO_FILE], [B, RULE_FILE.replace('not proc.pname in (pci_shells)', 'not proc.pname = pci_admin_tool')]]);
    const error = errorOf(rename(workspace, A, MACRO_FILE.indexOf('- list: pci_shells') + 9, 'pci_admin_tool'));
    assert.equal(error, "Renaming the list 'pci_shells' to 'pci_admin_tool' would change other text: Falco would also read 'pci_admin_tool' in rule 'PCI shell' of b_rules.yaml as this list. Choose another name.");
  });

  it('refuses a macro name that a list would capture', () => {
    const { workspace } = setup([[A, `${MACRO_FILE}- list: captured\n  items: [x]\n- rule: uses\n  desc: d\n  condition: spawned_process and proc.name in (captured)\n  output: o\n  priority: INFO\n`], [B, RULE_FILE]]);
    assert.match(errorOf(rename(workspace, A, 10, 'captured')), /^Renaming the macro 'pci_shell' to 'captured' would change what Falco reads in b_rules.yaml/);
  });

  it('returns no edits for the same name and an error away from names', () => {
    const { workspace } = setup([[A, MACRO_FILE]]);
    assert.deepEqual(rename(workspace, A, 10, 'pci_shell'), { edits: {} });
    assert.equal(errorOf(rename(workspace, A, MACRO_FILE.indexOf('proc.name'), 'x')), 'There is no macro, list or rule name at the cursor to rename.');
  });
});

describe('prepare rename', () => {
  it('returns the name text and its value', () => {
    const { workspace, cursor } = setup([[A, MACRO_FILE], [B, RULE_FILE.replace('in (pci_shells)', 'in (pci_shel$0ls)')]]);
    const prepared = prepareRename(workspace, cursor.uri, cursor.offset);
    assert.ok(prepared);
    assert.ok(!('error' in prepared));
    assert.equal(RULE_FILE.slice(prepared.span.start, prepared.span.end), 'pci_shells');
    assert.equal(prepared.placeholder, 'pci_shells');
  });

  it('refuses bundled names and ignores other text', () => {
    const { workspace } = setup([[A, MACRO_FILE]]);
    const refused = prepareRename(workspace, A, MACRO_FILE.indexOf('spawned_process') + 3);
    assert.ok(refused);
    assert.ok('error' in refused);
    assert.match(refused.error, /is defined in the bundled falco_rules.yaml, which cannot be edited/);
    assert.equal(prepareRename(workspace, A, MACRO_FILE.indexOf('proc.name')), undefined);
  });
});
