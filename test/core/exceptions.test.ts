import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isSeq } from 'yaml';
import { RulesWorkspace } from '../../server/src/core';
import type { Diagnostic } from '../../server/src/core';
import { check, FIXTURES, readFixture } from '../helpers';

/** `[code, covered text, severity, part of the message]` of one diagnostic. */
type Expected = [string, string, string, string];

interface Case {
  name: string;
  /** Rules text; a string starting with four spaces is an `exceptions:` block for `rule()`. */
  text: string;
  expected: Expected[];
}

const HEAD = '- rule: Test rule\n  desc: test\n  condition: spawned_process and proc.name = bash\n  output: event (proc=%proc.name)\n  priority: WARNING\n';

/** Returns a clean rule with the given `exceptions:` block, indented by four spaces. */
function rule(exceptions: string, extra = ''): string {
  return `${HEAD}${extra}  exceptions:\n${exceptions}`;
}

/** A clean rule with one exception `known` over proc.name and fd.name, for appends and overrides. */
const KNOWN = rule('    - name: known\n      fields: [proc.name, fd.name]\n      comps: [=, startswith]\n      values:\n        - [nginx, /usr/bin/]\n');

function append(exceptions: string, operation = 'override:\n    exceptions: append\n'): string {
  return `${KNOWN}\n- rule: Test rule\n  exceptions:\n${exceptions}  ${operation}`;
}

/**
 * Returns every diagnostic but the informational ones of the JSON schema
 * check, which another module reports and which Falco never counts as a problem.
 */
function summary(text: string): Array<[string, string, string, string]> {
  return check(text)
    .filter((d) => d.code !== 'schema')
    .map((d) => [d.code, d.covered, d.severity, d.message]);
}

function assertDiagnostics(text: string, expected: Expected[]): void {
  const actual = summary(text);
  assert.deepEqual(
    actual.map(([code, covered, severity]) => [code, covered, severity]),
    expected.map(([code, covered, severity]) => [code, covered, severity]),
  );
  expected.forEach(([, , , fragment], index) => {
    assert.ok(actual[index]![3].includes(fragment), `message ${JSON.stringify(actual[index]![3])} lacks ${JSON.stringify(fragment)}`);
  });
}

function runCases(cases: Case[]): void {
  for (const { name, text, expected } of cases) {
    it(name, () => assertDiagnostics(text.startsWith('    ') ? rule(text) : text, expected));
  }
}

describe('exceptions: reader checks', () => {
  runCases([
    { name: 'exceptions not a sequence', text: rule('    foo\n'), expected: [['LOAD_ERR_YAML_VALIDATE', 'foo', 'error', 'Rule exceptions must be a sequence']] },
    { name: 'exception not a map', text: '    - just_a_name\n', expected: [['LOAD_ERR_YAML_VALIDATE', 'just_a_name', 'error', 'Rule exception must be a mapping']] },
    { name: 'name missing', text: '    - fields: [proc.name]\n      values: [[bash]]\n', expected: [['LOAD_ERR_YAML_VALIDATE', 'fields', 'error', "Item has no mapping for key 'name'"]] },
    { name: 'name empty', text: '    - name: ""\n      fields: [proc.name]\n      values: [[bash]]\n', expected: [['LOAD_ERR_YAML_VALIDATE', '""', 'error', "Value for 'name' must be non-empty"]] },
    { name: 'name without value', text: '    - name:\n      fields: [proc.name]\n      values: [[bash]]\n', expected: [['LOAD_ERR_YAML_VALIDATE', 'name', 'error', "Mapping for key 'name' is empty"]] },
    { name: 'name not a scalar', text: '    - name: [a]\n      fields: [proc.name]\n      values: [[bash]]\n', expected: [['LOAD_ERR_YAML_VALIDATE', '[a]', 'error', 'not a scalar value']] },
    { name: 'fields missing in a definition', text: '    - name: ex\n      values: [[bash]]\n', expected: [['LOAD_ERR_YAML_VALIDATE', 'ex', 'error', "Item has no mapping for key 'fields'"]] },
    { name: 'fields an empty string', text: '    - name: ex\n      fields: ""\n      values: [bash]\n', expected: [['LOAD_ERR_YAML_VALIDATE', '""', 'error', 'Value must be non-empty']] },
    { name: 'value an empty string', text: '    - name: ex\n      fields: [proc.name]\n      values: [[""]]\n', expected: [['LOAD_ERR_YAML_VALIDATE', '""', 'error', 'Value must be non-empty']] },
    { name: 'values not a sequence', text: '    - name: ex\n      fields: proc.name\n      values: bash\n', expected: [['LOAD_ERR_YAML_VALIDATE', 'bash', 'error', 'Rule exception values must be a sequence']] },
    { name: 'values without value', text: '    - name: ex\n      fields: proc.name\n      values:\n', expected: [['LOAD_ERR_YAML_VALIDATE', 'values', 'error', 'Rule exception values must be a sequence']] },
    {
      name: 'repeated exception name',
      text: '    - name: ex\n      fields: proc.name\n      values: [bash]\n    - name: ex\n      fields: proc.name\n      values: [sh]\n',
      expected: [['LOAD_EXCEPTION_NAME_NOT_UNIQUE', 'ex', 'warning', "Multiple definitions of exception 'ex' in the same rule"]],
    },
    { name: 'empty exception list', text: rule('    []\n').replace('exceptions:\n    []', 'exceptions: []'), expected: [] },
    { name: 'exceptions without value', text: `${HEAD}  exceptions:\n`, expected: [] },
  ]);
});

describe('exceptions: fields and comps', () => {
  runCases([
    {
      name: 'fewer comps than fields',
      text: '    - name: ex\n      fields: [proc.name, fd.name]\n      comps: [=]\n      values: [[bash, /tmp]]\n',
      expected: [['LOAD_ERR_VALIDATE', '[=]', 'error', 'Fields and comps lists must have equal length']],
    },
    {
      name: 'comps a string for a field list',
      text: '    - name: ex\n      fields: [proc.name, fd.name]\n      comps: "="\n      values: [[bash, /tmp]]\n',
      expected: [['LOAD_ERR_VALIDATE', '"="', 'error', 'Fields and comps lists must have equal length']],
    },
    { name: 'empty comps take the default', text: '    - name: ex\n      fields: [proc.name, fd.name]\n      comps: []\n      values: [[bash, /tmp]]\n', expected: [] },
    {
      name: 'misspelt comp',
      text: '    - name: ex\n      fields: [proc.name]\n      comps: [startwith]\n      values: [[bash]]\n',
      expected: [['LOAD_ERR_VALIDATE', 'startwith', 'error', "'startwith' is not a supported comparison operator. Did you mean 'startswith'"]],
    },
    { name: 'comp with a modifier', text: '    - name: ex\n      fields: [proc.name]\n      comps: [startswith oneof]\n      values: [[[sshd, sudo]], [ssh]]\n', expected: [] },
    { name: 'equality with a modifier', text: '    - name: ex\n      fields: [proc.name]\n      comps: [= oneof]\n      values: [[[nmap, masscan]]]\n', expected: [] },
    {
      name: 'modifier after in',
      text: '    - name: ex\n      fields: [proc.name]\n      comps: [in oneof]\n      values: [[[bash]]]\n',
      expected: [['LOAD_ERR_VALIDATE', 'in oneof', 'error', "'in oneof' is not a supported comparison operator"]],
    },
    {
      name: 'modifier after a numeric operator',
      text: '    - name: ex\n      fields: [proc.pid]\n      comps: [">= oneof"]\n      values: [[[1000]]]\n',
      expected: [['LOAD_ERR_VALIDATE', '>= oneof', 'error', "'>= oneof' is not a supported comparison operator"]],
    },
    {
      name: 'modifier alone',
      text: '    - name: ex\n      fields: [proc.name]\n      comps: [oneof]\n      values: [[[bash]]]\n',
      expected: [['LOAD_ERR_VALIDATE', 'oneof', 'error', "'oneof' is not a supported comparison operator"]],
    },
    {
      name: 'modifier after two spaces',
      text: '    - name: ex\n      fields: [proc.name]\n      comps: ["startswith  oneof"]\n      values: [[[x]]]\n',
      expected: [['LOAD_ERR_VALIDATE', 'startswith  oneof', 'error', 'exactly one space']],
    },
    { name: 'comp with blanks around it', text: '    - name: ex\n      fields: [proc.name]\n      comps: [" startswith "]\n      values: [[bash]]\n', expected: [] },
    {
      name: 'comps a list for a single field',
      text: '    - name: ex\n      fields: proc.name\n      comps: [in]\n      values: [bash]\n',
      expected: [['LOAD_ERR_VALIDATE', '[in]', 'error', 'Fields and comps must both be strings']],
    },
    {
      name: 'equality for a single field',
      text: '    - name: ex\n      fields: proc.name\n      comps: "="\n      values: [bash]\n',
      expected: [['LOAD_ERR_VALIDATE', '=', 'error', 'When fields is a single value, comps must be one of (in, pmatch, intersects)']],
    },
    { name: 'modifier for a single field', text: '    - name: ex\n      fields: proc.name\n      comps: startswith oneof\n      values: [ba, sh]\n', expected: [] },
    { name: 'pmatch for a single field', text: '    - name: ex\n      fields: proc.exepath\n      comps: pmatch\n      values: [/usr/bin/, /usr/local/bin/]\n', expected: [] },
    {
      name: 'unknown field',
      text: '    - name: ex\n      fields: [proc.nmae]\n      values: [[bash]]\n',
      expected: [['LOAD_ERR_VALIDATE', 'proc.nmae', 'error', "'proc.nmae' is not a supported filter field"]],
    },
    {
      name: 'unknown single field',
      text: '    - name: ex\n      fields: "proc.nmae"\n      values: [bash]\n',
      expected: [['LOAD_ERR_VALIDATE', 'proc.nmae', 'error', "'proc.nmae' is not a supported filter field"]],
    },
    {
      name: 'field of another source',
      text: '    - name: ex\n      fields: [ka.user.name]\n      values: [[bob]]\n',
      expected: [['LOAD_ERR_VALIDATE', 'ka.user.name', 'error', "belongs to the 'k8s_audit' source"]],
    },
    {
      name: 'argument on a field without one',
      text: '    - name: ex\n      fields: ["proc.name[1]"]\n      values: [[bash]]\n',
      expected: [['LOAD_ERR_VALIDATE', 'proc.name[1]', 'error', 'takes no argument']],
    },
    { name: 'field with an index', text: '    - name: ex\n      fields: ["proc.aname[2]"]\n      values: [[containerd]]\n', expected: [] },
    { name: 'transformer as field', text: '    - name: ex\n      fields: ["tolower( proc.name)"]\n      values: [[bash]]\n', expected: [] },
    {
      name: 'transformer of an unknown field',
      text: '    - name: ex\n      fields: [tolower(proc.nmae)]\n      values: [[bash]]\n',
      expected: [['LOAD_ERR_VALIDATE', 'tolower(proc.nmae)', 'error', "'tolower(proc.nmae)' is not a supported filter field"]],
    },
    {
      name: 'empty field list',
      text: '    - name: ex\n      fields: []\n      values: [[bash]]\n',
      expected: [['LOAD_ERR_VALIDATE', '[]', 'error', 'Rule exception item must have fields property with a list of fields']],
    },
    {
      name: 'deprecated field',
      text: '    - name: ex\n      fields: [evt.dir]\n      values: [["<"]]\n',
      expected: [['LOAD_DEPRECATED_ITEM', 'evt.dir', 'warning', "Field 'evt.dir' is deprecated"]],
    },
  ]);

  it('unknown source skips field checks', () => {
    const text = '- rule: Cloud rule\n  desc: test\n  condition: ct.name = x\n  output: x %ct.name\n  priority: WARNING\n  source: aws_cloudtrail\n  exceptions:\n    - name: ex\n      fields: [ct.nme]\n      values: [[x]]\n';
    assert.deepEqual(summary(text).map(([code, covered]) => [code, covered]), [['LOAD_UNKNOWN_SOURCE', 'aws_cloudtrail']]);
  });

  it('plugin field without its plugin', () => {
    const workspace = new RulesWorkspace({ plugins: [] });
    const text = rule('    - name: ex\n      fields: [container.image.repository]\n      values: [[nginx]]\n');
    workspace.setFile('file:///rules.yaml', text);
    const diagnostics = workspace.diagnostics('file:///rules.yaml').filter((d) => d.span.start > text.indexOf('exceptions:'));
    assert.deepEqual(diagnostics.map((d) => [d.code, text.slice(d.span.start, d.span.end), d.severity]), [['LOAD_ERR_VALIDATE', 'container.image.repository', 'error']]);
    assert.match(diagnostics[0]!.message, /container plugin, which is not loaded/);
  });
});

describe('exceptions: values', () => {
  runCases([
    {
      name: 'value row shorter than fields',
      text: '    - name: ex\n      fields: [proc.name, fd.name]\n      values: [[bash]]\n',
      expected: [['LOAD_ERR_VALIDATE', '[bash]', 'error', 'Fields and values lists must have equal length']],
    },
    {
      name: 'scalar values for a field list',
      text: '    - name: ex\n      fields: [proc.name]\n      values: [bash, sh]\n',
      expected: [
        ['LOAD_ERR_VALIDATE', 'bash', 'error', 'Fields and values lists must have equal length'],
        ['LOAD_ERR_VALIDATE', 'sh', 'error', 'Fields and values lists must have equal length'],
      ],
    },
    {
      name: 'list value for a single field',
      text: '    - name: ex\n      fields: proc.name\n      values: [[bash, sh]]\n',
      expected: [['LOAD_ERR_VALIDATE', '[bash, sh]', 'error', 'Expected values array to contain a list of strings']],
    },
    { name: 'empty values', text: '    - name: ex\n      fields: [proc.pid]\n      values: []\n', expected: [] },
    {
      name: 'word for a number field',
      text: '    - name: ex\n      fields: [proc.pid]\n      values: [[abc]]\n',
      expected: [['LOAD_ERR_COMPILE_CONDITION', 'abc', 'error', "'abc' is not a valid number"]],
    },
    {
      name: 'hex for a number field',
      text: '    - name: ex\n      fields: [proc.pid]\n      values: [["0x10"]]\n',
      expected: [['LOAD_ERR_COMPILE_CONDITION', '0x10', 'error', "'0x10' is not a valid number"]],
    },
    {
      name: 'word for a numeric comparison',
      text: '    - name: ex\n      fields: [proc.pid]\n      comps: [">"]\n      values: [[abc]]\n',
      expected: [['LOAD_ERR_COMPILE_CONDITION', 'abc', 'error', "as 'proc.pid > abc', which does not parse: expected a number value"]],
    },
    {
      name: 'network for an address field',
      text: '    - name: ex\n      fields: [fd.sip]\n      values: [[10.0.0.0/8]]\n',
      expected: [['LOAD_ERR_COMPILE_CONDITION', '10.0.0.0/8', 'error', 'is a network in CIDR notation']],
    },
    {
      name: 'network in a single-field list',
      text: '    - name: ex\n      fields: fd.sip\n      values: [10.0.0.1, "10.0.0.0/8"]\n',
      expected: [['LOAD_ERR_COMPILE_CONDITION', '10.0.0.0/8', 'error', 'is a network in CIDR notation']],
    },
    { name: 'network for a network field', text: '    - name: ex\n      fields: fd.snet\n      values: ["10.0.0.0/8", 192.168.0.0/16]\n', expected: [] },
    {
      name: 'non-boolean for a boolean field',
      text: '    - name: ex\n      fields: [evt.failed]\n      values: [[yes]]\n',
      expected: [['LOAD_ERR_COMPILE_CONDITION', 'yes', 'error', "'yes' is not a boolean"]],
    },
    {
      name: 'unknown event type',
      text: '    - name: ex\n      fields: [evt.type]\n      values: [[opn]]\n',
      expected: [['LOAD_ERR_COMPILE_CONDITION', 'opn', 'error', "Unknown event type 'opn'"]],
    },
    {
      name: 'string operator on a number field',
      text: '    - name: ex\n      fields: [proc.pid]\n      comps: [contains]\n      values: [["1"]]\n',
      expected: [['LOAD_ERR_COMPILE_CONDITION', 'contains', 'error', "Operator 'contains' is not supported for numeric filters"]],
    },
    {
      name: 'default equality on a list field',
      text: '    - name: ex\n      fields: [fd.types]\n      values: [[ipv4]]\n',
      expected: [['LOAD_ERR_COMPILE_CONDITION', 'fd.types', 'error', "Operator '=' (the default comparison, since 'comps' is not given) is not supported for list filters"]],
    },
    {
      name: 'field name as a value',
      text: '    - name: ex\n      fields: [proc.name]\n      values: [[proc.pname]]\n',
      expected: [['LOAD_COMPILE_CONDITION', 'proc.pname', 'warning', "'proc.pname' may be a valid field misused as a const string value"]],
    },
    {
      name: 'quoted field name as a value',
      text: '    - name: ex\n      fields: [proc.name]\n      values: [["proc.pname "]]\n',
      expected: [['LOAD_COMPILE_CONDITION', 'proc.pname ', 'warning', "'proc.pname ' may be a valid field misused as a const string value"]],
    },
    { name: 'transformer as a value', text: '    - name: ex\n      fields: [proc.name]\n      values: [[toupper(proc.pname)]]\n', expected: [] },
    {
      name: 'transformer with a space as a value',
      text: '    - name: ex\n      fields: [proc.name]\n      values: [[toupper( proc.pname)]]\n',
      expected: [['LOAD_COMPILE_CONDITION', 'toupper( proc.pname)', 'warning', 'may be a valid field transformer misused as a const string value']],
    },
    {
      name: 'transformer of an unknown field as a value',
      text: '    - name: ex\n      fields: [proc.name]\n      values: [["toupper(proc.pnme)"]]\n',
      expected: [['LOAD_ERR_COMPILE_CONDITION', 'proc.pnme', 'error', 'field transformer']],
    },
    {
      name: 'field value with regex',
      text: '    - name: ex\n      fields: [proc.name]\n      comps: [regex]\n      values: [["val(proc.pname)"]]\n',
      expected: [['LOAD_ERR_COMPILE_CONDITION', 'val(proc.pname)', 'error', "Operator 'regex' doesn't support right-hand side fields"]],
    },
    { name: 'value with a space', text: '    - name: ex\n      fields: [proc.cmdline]\n      comps: [contains]\n      values: [[curl 127.0.0.1]]\n', expected: [] },
    {
      name: 'value with a space in a list',
      text: '    - name: ex\n      fields: [proc.name]\n      comps: [in]\n      values: [[a b]]\n',
      expected: [['LOAD_ERR_COMPILE_CONDITION', 'b', 'error', "as 'proc.name in (a b)', which does not parse"]],
    },
    { name: 'parenthesised list value', text: '    - name: ex\n      fields: [proc.name]\n      comps: [in]\n      values: [["(a, b)"]]\n', expected: [] },
    {
      name: 'comma with equality',
      text: '    - name: ex\n      fields: [proc.name]\n      values: [["a,b"]]\n',
      expected: [['LOAD_ERR_COMPILE_CONDITION', ',b', 'error', "as 'proc.name = a,b', which does not parse: expected a ')' token"]],
    },
    {
      name: 'comma in a list',
      text: '    - name: ex\n      fields: proc.name\n      values: ["a,b", c]\n',
      expected: [['exception-value-split', 'a,b', 'warning', "so it becomes 2 values: 'a', 'b'"]],
    },
    {
      name: 'parentheses in a list',
      text: '    - name: ex\n      fields: proc.name\n      values: ["(x)", c]\n',
      expected: [['LOAD_ERR_COMPILE_CONDITION', '(x)', 'error', "as 'proc.name in ((x), c)', which does not parse"]],
    },
    {
      name: 'parentheses with equality',
      text: '    - name: ex\n      fields: [proc.name]\n      values: [["(x)"]]\n',
      expected: [['LOAD_ERR_COMPILE_CONDITION', '(x)', 'error', "as 'proc.name = (x)', which does not parse: expected a string value"]],
    },
    {
      name: 'own quotes keep a comma',
      text: '    - name: ex\n      fields: [proc.name]\n      values: [[\'"a,b"\']]\n',
      expected: [],
    },
    {
      name: 'bad escape in own quotes',
      text: '    - name: ex\n      fields: [proc.name]\n      values: [[\'"\\d"\']]\n',
      expected: [['LOAD_ERR_COMPILE_CONDITION', '\\d', 'error', 'unsupported string escape sequence: \\d']],
    },
    {
      name: 'exists with a value',
      text: '    - name: ex\n      fields: [proc.name]\n      comps: [exists]\n      values: [[x]]\n',
      expected: [['LOAD_ERR_COMPILE_CONDITION', 'x', 'error', "The comparison 'exists' takes no value"]],
    },
    {
      name: 'null value',
      text: '    - name: ex\n      fields: [proc.name, fd.name]\n      values: [[nginx, ~]]\n',
      expected: [['LOAD_ERR_COMPILE_CONDITION', '~', 'error', "as 'fd.name = ', which does not parse"]],
    },
  ]);
});

describe('exceptions: list names in values', () => {
  const list = (name: string, items: string) => `- list: ${name}\n  items: ${items}\n\n`;
  runCases([
    { name: 'list name with in', text: rule('    - name: ex\n      fields: [proc.name, proc.pname]\n      comps: [=, in]\n      values: [[cat, shell_binaries]]\n'), expected: [] },
    { name: 'list name for a single field', text: rule('    - name: ex\n      fields: proc.pname\n      values: [shell_binaries, sshd]\n'), expected: [] },
    {
      name: 'list name with equality',
      text: rule('    - name: ex\n      fields: [proc.name]\n      values: [[shell_binaries]]\n'),
      expected: [['LOAD_ERR_COMPILE_CONDITION', 'shell_binaries', 'error', "'shell_binaries' is the name of a list, and Falco replaces list names anywhere in the condition text"]],
    },
    {
      name: 'one-item list with equality',
      text: list('one_list', '[sshd]') + rule('    - name: ex\n      fields: [proc.name]\n      values: [[one_list]]\n'),
      expected: [['exception-value-list-name', 'one_list', 'warning', "the value 'one_list' becomes 'sshd'"]],
    },
    {
      name: 'list name inside a value',
      text: rule('    - name: ex\n      fields: [proc.cmdline]\n      comps: [contains]\n      values: [["run shell_binaries now"]]\n'),
      expected: [['exception-value-list-name', 'shell_binaries', 'warning', "becomes 'run ash, bash, csh, ksh, sh, tcsh, zsh, dash now'"]],
    },
    {
      name: 'bad item of a list',
      text: list('my_pids', '[1, abc]') + rule('    - name: ex\n      fields: [proc.pid]\n      comps: [in]\n      values: [[my_pids]]\n'),
      expected: [['LOAD_ERR_COMPILE_CONDITION', 'my_pids', 'error', "List 'my_pids' has an item that Falco cannot compare with proc.pid. 'abc' is not a valid number"]],
    },
    {
      name: 'bad item of a list for a single field',
      text: list('my_pids', '[1, abc]') + rule('    - name: ex\n      fields: proc.pid\n      values: [my_pids, 2]\n'),
      expected: [['LOAD_ERR_COMPILE_CONDITION', 'my_pids', 'error', "List 'my_pids' has an item"]],
    },
  ]);
});

describe('exceptions: appends and overrides', () => {
  runCases([
    { name: 'values for an existing exception', text: append('    - name: known\n      values:\n        - [apache, /bin/]\n'), expected: [] },
    {
      name: 'bad values for an existing exception',
      text: append('    - name: known\n      values:\n        - [apache]\n        - [1, abc, x]\n'),
      expected: [
        ['LOAD_ERR_VALIDATE', '[apache]', 'error', 'Fields and values lists must have equal length'],
        ['LOAD_ERR_VALIDATE', '[1, abc, x]', 'error', 'Fields and values lists must have equal length'],
      ],
    },
    {
      name: 'fields for an existing exception',
      text: append('    - name: known\n      fields: [proc.name, fd.name]\n      comps: [=, =]\n      values:\n        - [apache, /bin/]\n'),
      expected: [
        ['LOAD_ERR_VALIDATE', 'fields', 'error', 'Can not append exception fields to existing exception, only values'],
        ['LOAD_ERR_VALIDATE', 'comps', 'error', 'Can not append exception comps to existing exception, only values'],
      ],
    },
    {
      name: 'appended exception without values',
      text: append('    - name: known\n      value: [apache, /bin/]\n', 'append: true\n'),
      expected: [
        ['LOAD_APPEND_NO_VALUES', 'known', 'warning', "Overriding/appending exception with no values: exception 'known' adds nothing"],
        ['LOAD_DEPRECATED_ITEM', 'append', 'warning', "'append' key is deprecated"],
      ],
    },
    { name: 'new exception in an append', text: append('    - name: other\n      fields: proc.pname\n      values: [sshd]\n'), expected: [] },
    {
      name: 'new exception without fields',
      text: append('    - name: knwn\n      values: [[apache, /bin/]]\n'),
      expected: [['LOAD_ERR_VALIDATE', 'knwn', 'error', 'Rule exception must have fields property with a list of fields']],
    },
    {
      name: 'new exception without values',
      text: append('    - name: other\n      fields: proc.pname\n'),
      expected: [
        ['LOAD_APPEND_NO_VALUES', 'other', 'warning', 'Overriding/appending exception with no values'],
        ['LOAD_ERR_VALIDATE', 'other', 'error', 'Rule exception must have values property with a list of values'],
      ],
    },
    {
      name: 'new exception with a bad field',
      text: append('    - name: other\n      fields: [proc.pnme]\n      values: [[sshd]]\n'),
      expected: [['LOAD_ERR_VALIDATE', 'proc.pnme', 'error', "'proc.pnme' is not a supported filter field"]],
    },
    {
      name: 'replace without fields',
      text: append('    - name: known\n      values: [[a, /b]]\n', 'override:\n    exceptions: replace\n'),
      expected: [['LOAD_ERR_YAML_VALIDATE', 'known', 'error', "Item has no mapping for key 'fields'"]],
    },
    {
      name: 'replace without comps',
      text: append('    - name: known\n      fields: [proc.name]\n      values: [[a]]\n', 'override:\n    exceptions: replace\n'),
      expected: [['LOAD_ERR_COMPILE_CONDITION', 'known', 'error', 'Falco does not fill in default comps']],
    },
    { name: 'replace with comps', text: append('    - name: known\n      fields: [proc.name]\n      comps: [=]\n      values: [[a]]\n', 'override:\n    exceptions: replace\n'), expected: [] },
    {
      name: 'enabled-only item ignores exceptions',
      text: `${KNOWN}\n- rule: Test rule\n  enabled: false\n  exceptions:\n    - name: a\n      fields: [proc.nmae]\n      values: [[x]]\n`,
      expected: [['LOAD_DEPRECATED_ITEM', 'enabled', 'warning', "A rule item with only 'enabled' is deprecated"]],
    },
  ]);

  it('values for a default rule exception', () => {
    // The bundled falco_rules.yaml defines no exceptions, so the first item adds one to a default rule.
    const text = [
      '- rule: Terminal shell in container',
      '  exceptions:',
      '    - name: known_shells',
      '      fields: [proc.name, container.image.repository]',
      '      comps: [=, startswith]',
      '      values:',
      '        - [bash, registry.example.com/tools/]',
      '  override:',
      '    exceptions: append',
      '',
      '- rule: Terminal shell in container',
      '  exceptions:',
      '    - name: known_shells',
      '      values:',
      '        - [sh, registry.example.com/debug/]',
      '  override:',
      '    exceptions: append',
      '',
    ].join('\n');
    assert.deepEqual(summary(text), []);
  });

  it('values for an earlier file exception', () => {
    const workspace = new RulesWorkspace();
    const base = rule('    - name: known_writers\n      fields: [proc.name, fd.name]\n      comps: [=, startswith]\n      values:\n        - [nginx, /usr/bin/nginx]\n');
    const local = '- rule: Test rule\n  exceptions:\n    - name: known_writers\n      values:\n        - [apache, /bin/apache]\n        - [httpd, abc, x]\n  override:\n    exceptions: append\n';
    workspace.setFile('file:///base.yaml', base);
    workspace.setFile('file:///local.yaml', local);
    assert.deepEqual(workspace.diagnostics('file:///base.yaml'), []);
    const diagnostics = workspace.diagnostics('file:///local.yaml');
    assert.deepEqual(diagnostics.map((d) => [d.code, local.slice(d.span.start, d.span.end), d.severity]), [['LOAD_ERR_VALIDATE', '[httpd, abc, x]', 'error']]);
  });
});

describe('exceptions: realistic rules', () => {
  it('PCI rule with image and process exceptions', () => {
    const text = [
      '- list: pci_allowed_images',
      '  items: [registry.example.com/payments/, registry.example.com/ops/]',
      '',
      '- rule: PCI shell in cardholder data environment',
      '  desc: A shell was spawned in a container of the cardholder data environment (PCI DSS 10.2.1).',
      '  condition: spawned_process and container and proc.name in (shell_binaries)',
      '  output: Shell in CDE container (user=%user.name proc=%proc.name image=%container.image.repository)',
      '  priority: CRITICAL',
      '  tags: [PCI_DSS_10.2.1]',
      '  exceptions:',
      '    - name: approved_debug_shells',
      '      fields: [proc.name, container.image.repository]',
      '      comps: [=, startswith]',
      '      values:',
      '        - [bash, registry.example.com/payments/debug]',
      '        - [sh, "registry.example.com/ops/toolbox"]',
      '    - name: approved_images',
      '      fields: container.image.repository',
      '      comps: startswith oneof',
      '      values: [pci_allowed_images]',
      '',
    ].join('\n');
    assert.deepEqual(summary(text), []);
  });

  it('exceptions added to official rules', () => {
    const workspace = new RulesWorkspace({ useDefaultRules: false });
    workspace.setFile('file:///official/falco_rules.yaml', readFixture('official', 'rules', 'falco_rules.yaml'));
    workspace.setFile('file:///official/falco-sandbox_rules.yaml', readFixture('official', 'rules', 'falco-sandbox_rules.yaml'));
    const text = [
      '- rule: Write below binary dir',
      '  exceptions:',
      '    - name: known_bin_writers',
      '      fields: [proc.name, fd.name]',
      '      comps: [=, contains]',
      '      values:',
      '        - [nginx, /usr/bin/nginx]',
      '        - [apache, /bin/apache]',
      '  override:',
      '    exceptions: append',
      '',
      '- rule: Read sensitive file untrusted',
      '  exceptions:',
      '    - name: known_readers',
      '      fields: [proc.pname, fd.name]',
      '      comps: [in, startswith]',
      '      values:',
      '        - [[sshd, sudo], /etc/shadow]',
      '        - [package_mgmt_binaries, /etc/]',
      '  override:',
      '    exceptions: append',
      '',
    ].join('\n');
    workspace.setFile('file:///local.yaml', text);
    assert.deepEqual(workspace.diagnostics('file:///local.yaml').map((d) => `${d.code}: ${d.message}`), []);
  });

  const officialFiles = ['rules', 'plugin-rules'].flatMap((folder) =>
    readdirSync(join(FIXTURES, 'official', folder))
      .filter((name) => name.endsWith('.yaml'))
      .map((name) => ({ folder, name })),
  );
  // NOTE: the official files of this snapshot define no exceptions, so this test guards later copies only.
  it('exception blocks of the official files', () => {
    const described: string[] = [];
    for (const { folder, name } of officialFiles) {
      const workspace = new RulesWorkspace();
      const uri = `file:///official/${name}`;
      const text = readFixture('official', folder, name);
      const document = workspace.setFile(uri, text);
      const blocks = document.items.map((item) => item.get('exceptions')).filter((entry) => entry !== undefined && entry.value !== null && isSeq(entry.value));
      const inside = (d: Diagnostic) => blocks.some((entry) => d.span.start >= entry!.keySpan.start && d.span.end <= entry!.valueSpan.end);
      described.push(...workspace.diagnostics(uri).filter(inside).map((d) => `${name} ${d.code} '${text.slice(d.span.start, d.span.end)}': ${d.message}`));
    }
    assert.equal(officialFiles.length, 8);
    assert.deepEqual(described, []);
  });
});
