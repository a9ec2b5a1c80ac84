import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers';
import { RulesWorkspace } from '../../server/src/core';
import { buildFalcoLoadResults } from '../../server/src/cli/falco-json';
import type { FalcoLoadEntry, FalcoLoadResult, FalcoLoadResults } from '../../server/src/cli/falco-json';

const CLI = join(ROOT, 'out', 'cli.js');

/** Writes `files` into a new temporary folder and returns its path. */
function folderWith(files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'falco-json-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  return folder;
}

/** Runs the CLI in `cwd`, so that file names print as given. */
function run(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, 'lint', '--format', 'falco-json', ...args], { encoding: 'utf8', cwd });
  return { status: result.status, stdout: result.stdout, results: (JSON.parse(result.stdout) as FalcoLoadResults).falco_load_results };
}

function content(name: string) {
  return { item_type: 'rules content', item_name: '', position: { name, line: 0, column: 0, offset: 0 } };
}

function at(itemType: string, itemName: string, name: string, line: number, column: number, offset: number) {
  return { item_type: itemType, item_name: itemName, position: { name, line, column, offset } };
}

/** Returns the result without its messages, which are ours and are checked separately. */
function withoutMessages(result: FalcoLoadResult): unknown {
  const strip = (entry: FalcoLoadEntry) => {
    const { message, ...rest } = entry;
    void message;
    return rest;
  };
  return { ...result, errors: result.errors.map(strip), warnings: result.warnings.map(strip) };
}

const CONDITION_ERROR = 'Error compiling condition';
const NO_EVTTYPE_DESCRIPTION =
  'A rule condition matches too many evt.type values. This has a significant performance penalty. Make the condition more specific by adding an evt.type field or further restricting the number of evt.type values in the condition.';
const UNKNOWN_KEY_DESCRIPTION =
  'An item in the rules content contains an unrecognized key. The key will be ignored. This may indicate a typo or a property placed on the wrong item type.';

describe('falco-pci lint --format falco-json', () => {
  it('prints a clean file as one line with sorted keys', () => {
    const folder = folderWith({
      'clean_rules.yaml':
        '- rule: Shell in container\n  desc: A shell was started in a container.\n  condition: spawned_process and container and proc.name in (shell_binaries)\n  output: Shell started (user=%user.name command=%proc.cmdline container=%container.id)\n  priority: WARNING\n',
    });
    const result = spawnSync(process.execPath, [CLI, 'lint', '--format', 'falco-json', 'clean_rules.yaml'], { encoding: 'utf8', cwd: folder });
    assert.equal(result.stdout, '{"falco_load_results":[{"errors":[],"name":"clean_rules.yaml","schema_valid":true,"schema_warnings":[],"successful":true,"warnings":[]}]}\n');
    assert.equal(result.status, 0);
  });

  it('prints no schema outcome without documents', () => {
    const folder = folderWith({ 'empty_rules.yaml': '# Rules will follow.\n' });
    const { status, results } = run(folder, '--no-default-rules', 'empty_rules.yaml');

    assert.equal(status, 0);
    assert.deepEqual(results, [{ errors: [], name: 'empty_rules.yaml', successful: true, warnings: [] }]);
  });

  it('reports only the YAML error of a file', () => {
    const text = [
      '- rule: Read shadow', //                                         line 0
      '  desc: d', //                                                   line 1, from 20
      '  condition: evt.type = openat and fd.name = /etc/shadow', //    line 2, from 30
      '  output: "read %fd.name"', //                                   line 3, from 87
      '  priority: WARNING', //                                         line 4, from 113
      '- rule: Broken', //                                              line 5, from 133
      '  desc: this: is: not yaml', //                                  line 6, from 148
      '- rule: Unknown field',
      '  desc: d',
      '  condition: evt.type = execve and proc.nme = bash',
      '  output: "x %proc.name"',
      '  priority: WARNING',
      '',
    ].join('\n');
    const folder = folderWith({ 'yaml_rules.yaml': text });
    const { status, results } = run(folder, '--no-default-rules', 'yaml_rules.yaml');

    assert.equal(status, 1);
    assert.match(results[0]!.errors[0]!.message, /Nested mappings/);
    // The value `this: is: not yaml` starts at column 8 of line 6: 148 + 8 = 156. No schema outcome after a parse error.
    assert.deepEqual(withoutMessages(results[0]!), {
      name: 'yaml_rules.yaml',
      successful: false,
      errors: [
        {
          code: 'LOAD_ERR_YAML_PARSE',
          codedesc: 'YAML parse error',
          context: { locations: [content('yaml_rules.yaml'), at('value for', '', 'yaml_rules.yaml', 6, 8, 156)], snippet: '  desc: this: is: not yaml\n        ^\n' },
        },
      ],
      warnings: [],
    });

    // The other formats also show the later condition error.
    const all = spawnSync(process.execPath, [CLI, 'lint', '--no-default-rules', 'yaml_rules.yaml'], { encoding: 'utf8', cwd: folder });
    assert.match(all.stdout, /LOAD_ERR_COMPILE_CONDITION Unknown field 'proc\.nme'/);
  });

  it('reports an undefined macro first', () => {
    const text = [
      '- macro: bad_macro', //                                  line 0
      '  condition: proc.nme = bash', //                        line 1, from 19
      '- rule: Uses undefined macro', //                        line 2, from 48: the rule's mark is 50
      '  desc: d',
      '  condition: evt.type = execve and undefined_thing',
      '  output: "%proc.name"',
      '  priority: WARNING',
      '- rule: Uses bad macro',
      '  desc: d',
      '  condition: evt.type = execve and bad_macro',
      '  output: "%proc.name"',
      '  priority: WARNING',
      '',
    ].join('\n');
    const folder = folderWith({ 'order_rules.yaml': text });
    const { status, results } = run(folder, '--no-default-rules', 'order_rules.yaml');

    assert.equal(status, 1);
    assert.match(results[0]!.errors[0]!.message, /^Undefined macro 'undefined_thing' used in filter/);
    // The macro resolver adds the parser position of `undefined_thing` (index 22, line 1, column 23)
    // to the rule item's mark (line 2, column 2, offset 50). The snippet looks up offset 72 in the
    // 37-byte condition text, so it falls back to the last character.
    assert.deepEqual(withoutMessages(results[0]!), {
      name: 'order_rules.yaml',
      successful: false,
      schema_valid: true,
      schema_warnings: [],
      errors: [
        {
          code: 'LOAD_ERR_VALIDATE',
          codedesc: 'Error validating rule/macro/list/exception objects',
          context: {
            locations: [content('order_rules.yaml'), at('rule', 'Uses undefined macro', 'order_rules.yaml', 2, 2, 50), at('condition expression', '', '"evt.type = execve..."', 3, 25, 72)],
            snippet: `evt.type = execve and undefined_thing\n${' '.repeat(36)}^\n`,
          },
        },
      ],
      warnings: [],
    });
  });

  it('reports a macro field error at its rule', () => {
    const text = [
      '- macro: bad_macro', //                                  line 0
      '  condition: proc.nme = bash', //                        line 1, from 19
      '- rule: Uses bad macro', //                              line 2, from 48: mark 50
      '  desc: d', //                                           line 3, from 71
      '  condition: evt.type = execve and bad_macro', //        line 4, from 81: value at 94
      '  output: "%proc.name"',
      '  priority: WARNING',
      '- rule: Uses undefined macro',
      '  desc: d',
      '  condition: evt.type = execve and undefined_thing',
      '  output: "%proc.name"',
      '  priority: WARNING',
      '',
    ].join('\n');
    const folder = folderWith({ 'macro_rules.yaml': text });
    const { results } = run(folder, '--no-default-rules', 'macro_rules.yaml');

    const error = results[0]!.errors[0]!;
    assert.match(error.message, /^In macro 'bad_macro': Unknown field 'proc\.nme'/);
    assert.equal(error.code, 'LOAD_ERR_COMPILE_CONDITION');
    assert.equal(error.codedesc, CONDITION_ERROR);
    // The failing check starts the macro's own text (line 1, column 1, index 0), and Falco adds
    // that to the mark of the rule's condition (line 4, column 13, offset 94).
    assert.deepEqual(error.context, {
      locations: [
        content('macro_rules.yaml'),
        at('rule', 'Uses bad macro', 'macro_rules.yaml', 2, 2, 50),
        at('rule condition', '', 'macro_rules.yaml', 4, 13, 94),
        at('condition expression', '', '"evt.type = execve..."', 5, 14, 94),
      ],
      snippet: `evt.type = execve and bad_macro\n${' '.repeat(30)}^\n`,
    });
    assert.equal(results[0]!.errors.length, 1);
  });

  it('reports the output before the condition', () => {
    const text = [
      '- rule: Shell with python output', //                     line 0: mark 2
      '  desc: d', //                                            line 1, from 33
      '  condition: evt.type = execve and proc.nme = bash', //   line 2, from 43
      '  output: "shell %(proc.name)s"', //                      line 3, from 94: value at 104
      '  priority: WARNING',
      '',
    ].join('\n');
    const folder = folderWith({ 'output_rules.yaml': text });
    const { status, results } = run(folder, '--no-default-rules', 'output_rules.yaml');

    assert.equal(status, 1);
    assert.match(results[0]!.errors[0]!.message, /'%\(proc\.name\)s' is not a Falco placeholder/);
    assert.deepEqual(withoutMessages(results[0]!), {
      name: 'output_rules.yaml',
      successful: false,
      schema_valid: true,
      schema_warnings: [],
      errors: [
        {
          code: 'LOAD_ERR_COMPILE_OUTPUT',
          codedesc: 'Error compiling output',
          context: {
            locations: [content('output_rules.yaml'), at('rule', 'Shell with python output', 'output_rules.yaml', 0, 2, 2), at('rule output', '', 'output_rules.yaml', 3, 10, 104)],
            snippet: `  output: "shell %(proc.name)s"\n${' '.repeat(10)}^\n`,
          },
        },
      ],
      warnings: [],
    });
  });

  it('reports warnings of a loading file', () => {
    const text = [
      '- macro: never_used', //               line 0: mark 2
      '  condition: proc.name = bash', //     line 1, from 20
      '- rule: Any process', //               line 2, from 50: mark 52
      '  desc: d',
      '  condition: proc.name = nc',
      '  output: "nc %proc.name"',
      '  priority: WARNING',
      '  tagz: [pci]',
      '',
    ].join('\n');
    const folder = folderWith({ 'warning_rules.yaml': text });
    const { status, results } = run(folder, '--no-default-rules', 'warning_rules.yaml');

    assert.equal(status, 0);
    const [unknownKey, noEvttype, unused] = results[0]!.warnings;
    assert.match(unknownKey!.message, /Unknown key 'tagz'/);
    assert.match(noEvttype!.message, /too many evt\.type values/);
    assert.match(unused!.message, /never_used/);
    const ruleLocations = [content('warning_rules.yaml'), at('rule', 'Any process', 'warning_rules.yaml', 2, 2, 52)];
    assert.deepEqual(withoutMessages(results[0]!), {
      name: 'warning_rules.yaml',
      successful: true,
      schema_valid: false,
      schema_warnings: [
        "failed for <root>[1]: Object contains a property that could not be validated using 'properties' or 'additionalProperties' constraints: 'tagz'.",
        'failed for <root>: Failed to validate item #1 in array.',
      ],
      errors: [],
      warnings: [
        { code: 'LOAD_UNKNOWN_KEY', codedesc: UNKNOWN_KEY_DESCRIPTION, context: { locations: ruleLocations, snippet: '- rule: Any process\n  ^\n' } },
        { code: 'LOAD_NO_EVTTYPE', codedesc: NO_EVTTYPE_DESCRIPTION, context: { locations: ruleLocations, snippet: '- rule: Any process\n  ^\n' } },
        {
          code: 'LOAD_UNUSED_MACRO',
          codedesc: 'A macro is defined in the rules content but is not used by any other macro or rule.',
          context: { locations: [content('warning_rules.yaml'), at('macro', 'never_used', 'warning_rules.yaml', 0, 2, 2)], snippet: '- macro: never_used\n  ^\n' },
        },
      ],
    });
  });

  it('adds deprecated_field to deprecated-field warnings', () => {
    const folder = folderWith({
      'deprecated_rules.yaml': '- rule: Exit events\n  desc: d\n  condition: evt.type = execve and evt.dir = <\n  output: "run %proc.name"\n  priority: WARNING\n',
    });
    const { results } = run(folder, '--no-default-rules', 'deprecated_rules.yaml');

    const warning = results[0]!.warnings.find((w) => w.code === 'LOAD_DEPRECATED_ITEM')!;
    assert.equal(warning.deprecated_field, 'evt.dir');
    assert.equal(warning.codedesc, 'A deprecated item is employed by lists, macros, or rules.');
    // Falco's warnings pass reports at the start of the condition: line 2, column 13, offset 30 + 13.
    assert.deepEqual(warning.context.locations.slice(2), [at('rule condition', '', 'deprecated_rules.yaml', 2, 13, 43), at('condition expression', '', '"evt.type = execve..."', 2, 13, 43)]);
  });

  it('loads later files into one collection', () => {
    const first = [
      '- macro: pci_shell', //                                 line 0
      '  condition: proc.name in (bash, sh)', //               line 1, from 19
      '- rule: Bad priority', //                               line 2, from 56: mark 58
      '  desc: d', //                                          line 3, from 77
      '  condition: evt.type = execve and pci_shell', //       line 4, from 87
      '  output: "shell %proc.name"', //                       line 5, from 132
      '  priority: LOUD', //                                   line 6, from 161: value at 173
      '',
    ].join('\n');
    const second = '- rule: Shell spawned\n  desc: d\n  condition: evt.type = execve and pci_shell\n  output: "shell %proc.name"\n  priority: WARNING\n';
    const folder = folderWith({ 'first_rules.yaml': first, 'second_rules.yaml': second });
    const { status, results } = run(folder, '--no-default-rules', 'first_rules.yaml', 'missing_rules.yaml', 'second_rules.yaml');

    assert.equal(status, 1);
    assert.deepEqual(results.map((r) => [r.name, r.successful]), [['first_rules.yaml', false], ['missing_rules.yaml', false], ['second_rules.yaml', true]]);
    // The reader stops at the priority. The macro before it is loaded, and the second file uses it.
    assert.match(results[0]!.errors[0]!.message, /Invalid priority 'LOUD'/);
    assert.deepEqual(withoutMessages(results[0]!), {
      name: 'first_rules.yaml',
      successful: false,
      schema_valid: false,
      schema_warnings: results[0]!.schema_warnings,
      errors: [
        {
          code: 'LOAD_ERR_YAML_VALIDATE',
          codedesc: 'Error validating internal structure of YAML file',
          context: {
            locations: [content('first_rules.yaml'), at('rule', 'Bad priority', 'first_rules.yaml', 2, 2, 58), at('rule priority', '', 'first_rules.yaml', 6, 12, 173)],
            snippet: `  priority: LOUD\n${' '.repeat(12)}^\n`,
          },
        },
      ],
      warnings: [],
    });
    assert.deepEqual(results[1]!.errors.map((e) => [e.code, e.codedesc, e.context.snippet]), [['LOAD_ERR_FILE_READ', 'File read error', '<No context for file + missing_rules.yaml>\n']]);
    assert.deepEqual(withoutMessages(results[2]!), { name: 'second_rules.yaml', successful: true, schema_valid: true, schema_warnings: [], errors: [], warnings: [] });
  });

  it('repeats an earlier compile error', () => {
    const first = '- rule: Broken\n  desc: d\n  condition: evt.type = execve and proc.nme = bash\n  output: "x %proc.name"\n  priority: WARNING\n';
    const second = '- rule: Fine\n  desc: d\n  condition: evt.type = execve\n  output: "x %proc.name"\n  priority: WARNING\n';
    const folder = folderWith({ 'first_rules.yaml': first, 'second_rules.yaml': second });
    const { results } = run(folder, '--no-default-rules', 'first_rules.yaml', 'second_rules.yaml');

    assert.equal(results[1]!.successful, false);
    assert.deepEqual(results[1]!.errors, results[0]!.errors);
    assert.equal(results[1]!.errors[0]!.context.locations[1]!.position.name, 'first_rules.yaml');
  });

  it('counts positions in bytes of UTF-8', () => {
    const text = [
      '# Règles PCI – café', //                                     19 characters, 23 bytes
      '- rule: Lecture réseau', //                                  line 1, from byte 24: mark 26
      '  desc: d', //                                               line 2, from byte 48
      '  condition: evt.type = connect and fd.nme = x', //          line 3, from byte 58: value at 71
      '  output: "conn %fd.name"',
      '  priority: WARNING',
      '',
    ].join('\n');
    const folder = folderWith({ 'bytes_rules.yaml': text });
    const { results } = run(folder, '--no-default-rules', 'bytes_rules.yaml');

    const error = results[0]!.errors[0]!;
    assert.equal(error.code, 'LOAD_ERR_COMPILE_CONDITION');
    assert.match(error.message, /Unknown field 'fd\.nme'/);
    // The check `fd.nme = x` starts at index 23 of the condition: line 1, column 24 for the parser.
    assert.deepEqual(error.context, {
      locations: [
        content('bytes_rules.yaml'),
        at('rule', 'Lecture réseau', 'bytes_rules.yaml', 1, 2, 26),
        at('rule condition', '', 'bytes_rules.yaml', 3, 13, 71),
        at('condition expression', '', '"evt.type = connec..."', 4, 37, 94),
      ],
      snippet: `evt.type = connect and fd.nme = x\n${' '.repeat(32)}^\n`,
    });
  });

  it('positions errors after exceptions and lists', () => {
    const folder = folderWith({});
    const path = join(folder, 'exception_rules.yaml');
    const text = [
      '- list: my_bins', //                                                                   line 0
      '  items: [bash, "my tool"]', //                                                        line 1, from 16
      '- rule: Known tools', //                                                               line 2, from 43: mark 45
      '  desc: d', //                                                                         line 3, from 63
      '  condition: evt.type = execve and proc.name in (my_bins) and proc.nme = x', //        line 4, from 73: value at 86
      '  output: "run %proc.name"',
      '  priority: WARNING',
      '  exceptions:',
      '    - name: known',
      '      fields: [proc.name, proc.pname]',
      '      values:',
      '        - [sshd, bash]',
      '',
    ].join('\n');
    const workspace = new RulesWorkspace({ useDefaultRules: false });
    workspace.setFile(path, text);
    const error = buildFalcoLoadResults(workspace, [path]).falco_load_results[0]!.errors[0]!;

    // Falco compiles `(<condition>) and not (...)`, and puts the list's items in the place of its name.
    const compiled = '(evt.type = execve and proc.name in (my_bins) and proc.nme = x) and not (( proc.name = sshd and  proc.pname = bash))';
    // After `(` and the substitution of `my_bins` (7 characters) by ` bash, "my tool" ` (17), the
    // check `proc.nme = x` starts at index 1 + 49 + 10 = 60: parser line 1, column 61.
    assert.deepEqual(error.context.locations.slice(2), [
      at('rule condition', '', path, 4, 13, 86),
      at('condition expression', '', '"(evt.type = execv..."', 5, 74, 146),
    ]);
    // The snippet looks up offset 146 in the compiled text, which is shorter: it shows its last 80 bytes.
    assert.equal(error.context.snippet, `...${compiled.slice(compiled.length - 78)}\n${' '.repeat(80)}^\n`);
  });

  it('reports an unmet plugin requirement', () => {
    const text = [
      '- required_plugin_versions:', //      line 0
      '    - name: k8saudit', //              line 1, from 28: the sequence at 32, the entry at 34
      '      version: 0.7.0',
      '- rule: Any execve',
      '  desc: d',
      '  condition: evt.type = execve',
      '  output: "run %proc.name"',
      '  priority: WARNING',
      '',
    ].join('\n');
    const folder = folderWith({ 'plugin_rules.yaml': text });
    const { status, results } = run(folder, '--no-default-rules', '--plugin', 'container', 'plugin_rules.yaml');

    assert.equal(status, 1);
    const error = results[0]!.errors[0]!;
    assert.equal(error.code, 'LOAD_ERR_VALIDATE');
    assert.match(error.message, /^Plugin requirement not satisfied, must load one of: k8saudit/);
    assert.deepEqual(error.context.locations, [
      content('plugin_rules.yaml'),
      at('required plugin versions', '', 'plugin_rules.yaml', 1, 4, 32),
      at('required plugin versions entry', 'k8saudit', 'plugin_rules.yaml', 1, 6, 34),
    ]);
  });
});
