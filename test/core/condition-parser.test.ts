import * as assert from 'node:assert/strict';
import type { CheckExpr, Expr, FieldExpr, ListExpr, TransformerExpr, TransformerListExpr, ValueExpr, BinaryExpr, NotExpr, ParenExpr } from '../../server/src/core/condition/ast';
import { parseCondition, tokenizeCondition } from '../../server/src/core/condition/parser';
import type { Span } from '../../server/src/core/types';
import { itemStrings, officialRuleFiles } from './rule-fixtures';

// Compact tree notation: `and(A, B)`, `or(...)`, `not(A)`, `[A]` for parentheses, `id:x` for an
// identifier, `{left op right}` for a check (`?` for a missing operator), `list:x` for a bare
// list name, quoted values as JSON strings and other values as written.
function shape(expr: Expr | undefined): string {
  if (!expr) return '∅';
  switch (expr.kind) {
    case 'and':
    case 'or':
      return `${expr.kind}(${expr.operands.map(shape).join(', ')})`;
    case 'not':
      return `not(${shape(expr.operand)})`;
    case 'paren':
      return `[${shape(expr.expr)}]`;
    case 'identifier':
      return `id:${expr.name}`;
    case 'check': {
      const parts = [operand(expr.left), expr.operator?.text ?? '?'];
      if (expr.modifier) parts.push(expr.modifier.text);
      if (expr.right) parts.push(operand(expr.right));
      return `{${parts.join(' ')}}`;
    }
  }
}

function operand(node: FieldExpr | TransformerExpr | ValueExpr | ListExpr | TransformerListExpr): string {
  switch (node.kind) {
    case 'field':
      return node.arg ? `${node.name}[${node.arg.value}]` : node.name;
    case 'transformer': {
      const call = `${node.name}(${node.args.map(operand).join(', ')})`;
      return node.index ? `${call}[${node.index.value}]` : call;
    }
    case 'value':
      return node.quoted ? JSON.stringify(node.value) : node.value;
    case 'list':
      return node.parenthesized ? `(${node.items.map(operand).join(', ')})` : `list:${node.items.map(operand).join(', ')}`;
    case 'transformer-list':
      return `(${node.items.map(operand).join(', ')})`;
  }
}

function covered(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

/** Errors as `[message, covered text]` pairs. */
function errorsOf(text: string): Array<[string, string]> {
  return parseCondition(text).errors.map((error) => [error.message, covered(text, error.span)]);
}

function assertParses(text: string, expected: string): void {
  const result = parseCondition(text);
  assert.deepEqual(result.errors, [], `errors for ${JSON.stringify(text)}`);
  assert.equal(shape(result.expr), expected, `tree of ${JSON.stringify(text)}`);
}

const OPERATOR_LIST =
  "'exists', '<=', '<', '>=', '>', '==', '=', '!=', 'glob', 'iglob', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'regex', 'intersects', 'in', 'pmatch'";
const TRANSFORMER_LIST = "'val', 'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', 'getopt'";
const EXPECTED_OPERATOR = `expected a valid check operator: one of ${OPERATOR_LIST}`;
const EXPECTED_NUMBER = `expected a number value or a field with a valid transformer: ${TRANSFORMER_LIST}`;
const EXPECTED_STRING = `expected a string value or a field with a valid transformer: ${TRANSFORMER_LIST}`;
const EXPECTED_LIST = `expected a list, an identifier, or a field with a valid transformer: ${TRANSFORMER_LIST}`;
const EXPECTED_CHECK = "expected a '(' token, a field check, or an identifier";
const EXPECTED_CLOSE = "expected a ')' token";
const unexpectedAfter = (token: string) => `unexpected token after '${token}', expecting 'or', 'and'`;

describe('parseCondition', () => {
  describe('precedence and boolean structure', () => {
    const cases: Array<[string, string]> = [
      ['a', 'id:a'],
      ['  a  ', 'id:a'],
      ['a and b and c', 'and(id:a, id:b, id:c)'],
      ['a or b or c', 'or(id:a, id:b, id:c)'],
      ['a and b or c', 'or(and(id:a, id:b), id:c)'],
      ['a or b and c or d', 'or(id:a, and(id:b, id:c), id:d)'],
      ['not a and b', 'and(not(id:a), id:b)'],
      ['not a or not b and c', 'or(not(id:a), and(not(id:b), id:c))'],
      ['not not a', 'not(not(id:a))'],
      ['not (a or b)', 'not([or(id:a, id:b)])'],
      ['not(a)and(not(b))', 'and(not([id:a]), [not([id:b])])'],
      ['(a)or(b)or(c)', 'or([id:a], [id:b], [id:c])'],
      ['a and b and(c)', 'and(id:a, id:b, [id:c])'],
      ['(a and b) or (c and d)', 'or([and(id:a, id:b)], [and(id:c, id:d)])'],
      ['a and notb', 'and(id:a, id:notb)'],
      ['notz and a', 'and(id:notz, id:a)'],
      ['macro and not_macro', 'and(id:macro, id:not_macro)'],
      ['macro and and_macro', 'and(id:macro, id:and_macro)'],
      ['macro or or_macro', 'or(id:macro, id:or_macro)'],
      ['a \n and \t b', 'and(id:a, id:b)'],
      ['a.b exists and c', 'and({a.b exists}, id:c)'],
      ['test.op existsand macro', 'and({test.op exists}, id:macro)'],
      ['a.a=1 or b.b=2 and c', 'or({a.a = 1}, and({b.b = 2}, id:c))'],
      ['not a.b=1', 'not({a.b = 1})'],
      ['a and not', 'and(id:a, id:not)'],
      ['nota.b = 1', '{nota.b = 1}'],
    ];
    for (const [text, expected] of cases) {
      it(`reads ${JSON.stringify(text)}`, () => assertParses(text, expected));
    }
  });

  describe('operators', () => {
    const cases: Array<[string, string]> = [
      ['proc.name exists', '{proc.name exists}'],
      ['proc.pid < 1', '{proc.pid < 1}'],
      ['proc.pid <= 1', '{proc.pid <= 1}'],
      ['proc.pid > 1', '{proc.pid > 1}'],
      ['proc.pid >= 1', '{proc.pid >= 1}'],
      ['proc.pid>=1', '{proc.pid >= 1}'],
      ['proc.name = bash', '{proc.name = bash}'],
      ['proc.name=bash', '{proc.name = bash}'],
      ['proc.name == bash', '{proc.name == bash}'],
      ['proc.name != bash', '{proc.name != bash}'],
      ['proc.name !=bash', '{proc.name != bash}'],
      ['fd.name glob /tmp/*', '{fd.name glob /tmp/*}'],
      ['fd.name iglob /TMP/*', '{fd.name iglob /TMP/*}'],
      ['proc.cmdline contains x', '{proc.cmdline contains x}'],
      ['proc.cmdline icontains x', '{proc.cmdline icontains x}'],
      ['evt.buffer bcontains 48545450', '{evt.buffer bcontains 48545450}'],
      ['proc.name startswith ba', '{proc.name startswith ba}'],
      ['evt.buffer bstartswith 12ab', '{evt.buffer bstartswith 12ab}'],
      ['proc.name endswith sh', '{proc.name endswith sh}'],
      ["proc.name regex '[a-z]+'", '{proc.name regex "[a-z]+"}'],
      ['proc.name in (a)', '{proc.name in (a)}'],
      ['proc.aname intersects (a)', '{proc.aname intersects (a)}'],
      ['fd.name pmatch (/tmp)', '{fd.name pmatch (/tmp)}'],
      ['proc.name\tcontains\nx', '{proc.name contains x}'],
    ];
    for (const [text, expected] of cases) {
      it(`reads ${JSON.stringify(text)}`, () => assertParses(text, expected));
    }
  });

  describe('values', () => {
    const cases: Array<[string, string]> = [
      ['proc.pid > -1', '{proc.pid > -1}'],
      ['proc.pid > +0.25e+10', '{proc.pid > +0.25e+10}'],
      ['proc.pid <= 0XaB00AB', '{proc.pid <= 0XaB00AB}'],
      ['proc.pid > 1.2', '{proc.pid > 1.2}'],
      ['proc.name = /usr/bin/x', '{proc.name = /usr/bin/x}'],
      ['proc.name = runc:[0:PARENT]', '{proc.name = runc:[0:PARENT]}'],
      ['proc.name = <NA>', '{proc.name = <NA>}'],
      ['fd.name=*.log', '{fd.name = *.log}'],
      ['proc.name = a!~b', '{proc.name = a!~b}'],
      ['proc.name = not', '{proc.name = not}'],
      ['proc.name = proc.pname', '{proc.name = proc.pname}'],
      ['proc.name = ""', '{proc.name = ""}'],
      ["proc.name = 'mixed \"'", '{proc.name = "mixed \\""}'],
      ['proc.name = "sh -c"', '{proc.name = "sh -c"}'],
      ['proc.name = \\d', '{proc.name = \\d}'],
    ];
    for (const [text, expected] of cases) {
      it(`reads ${JSON.stringify(text)}`, () => assertParses(text, expected));
    }
  });

  describe('lists', () => {
    const cases: Array<[string, string]> = [
      ["proc.name in (a, \"b c\", 'd')", '{proc.name in (a, "b c", "d")}'],
      ['proc.name in ()', '{proc.name in ()}'],
      ['proc.name in ( )', '{proc.name in ()}'],
      ['proc.name in()', '{proc.name in ()}'],
      ['proc.name in(a,b)', '{proc.name in (a, b)}'],
      ['proc.name in bash', '{proc.name in list:bash}'],
      ['proc.name inbash', '{proc.name in list:bash}'],
      ['proc.name in ( a , b )', '{proc.name in (a, b)}'],
      ['fd.name in (0a!@#456:/\\.;!$%^&*[]{}|, value)', '{fd.name in (0a!@#456:/\\.;!$%^&*[]{}|, value)}'],
      ['proc.name in (1, a, b.c)', '{proc.name in (1, a, b.c)}'],
      ['proc.name in val(proc.pname)', '{proc.name in val(proc.pname)}'],
      ['proc.name in tolower(proc.pname)', '{proc.name in tolower(proc.pname)}'],
    ];
    for (const [text, expected] of cases) {
      it(`reads ${JSON.stringify(text)}`, () => assertParses(text, expected));
    }

    it('marks a bare list name as not parenthesised', () => {
      const text = 'proc.name in shell_binaries';
      const check = parseCondition(text).expr as CheckExpr;
      const list = check.right as ListExpr;
      assert.equal(list.parenthesized, false);
      assert.equal(covered(text, list.span), 'shell_binaries');
      assert.equal(covered(text, list.items[0].span), 'shell_binaries');
    });
  });

  describe('fields and field arguments', () => {
    const cases: Array<[string, string]> = [
      ['proc.aname[2] = bash', '{proc.aname[2] = bash}'],
      ['proc.env[HOME] = /root', '{proc.env[HOME] = /root}'],
      ['evt.arg.name = x', '{evt.arg.name = x}'],
      ['evt.arg[0] contains /bin', '{evt.arg[0] contains /bin}'],
      ['container.label["app.kubernetes.io/name"] = web', '{container.label[app.kubernetes.io/name] = web}'],
      ["test.str['a aa'] = a", '{test.str[a aa] = a}'],
      ['test.str[""] = empty', '{test.str[] = empty}'],
      ['test.str[0a!@#456:/\\.;!$%^&*(){}|] = v', '{test.str[0a!@#456:/\\.;!$%^&*(){}|] = v}'],
      ['test.str["with \\"escaping\\""] = a', '{test.str[with "escaping"] = a}'],
    ];
    for (const [text, expected] of cases) {
      it(`reads ${JSON.stringify(text)}`, () => assertParses(text, expected));
    }

    it('records the name, argument and whole-field spans', () => {
      const text = 'container.label["app.kubernetes.io/name"] = web';
      const field = (parseCondition(text).expr as CheckExpr).left as FieldExpr;
      assert.equal(covered(text, field.nameSpan), 'container.label');
      assert.equal(covered(text, field.arg!.span), '"app.kubernetes.io/name"');
      assert.equal(field.arg!.quoted, true);
      assert.equal(covered(text, field.span), 'container.label["app.kubernetes.io/name"]');
    });

    it('records a bare argument as unquoted', () => {
      const text = 'proc.aname[2] = bash';
      const field = (parseCondition(text).expr as CheckExpr).left as FieldExpr;
      assert.deepEqual(field.arg, { value: '2', span: { start: 11, end: 12 }, quoted: false });
    });
  });

  describe('transformers', () => {
    const cases: Array<[string, string]> = [
      ['tolower(proc.name) = bash', '{tolower(proc.name) = bash}'],
      ['toupper(basename(proc.exepath)) = BASH', '{toupper(basename(proc.exepath)) = BASH}'],
      ['proc.name = val(proc.pname)', '{proc.name = val(proc.pname)}'],
      ['len(proc.args) > 5', '{len(proc.args) > 5}'],
      ['join(",", fd.types) = "a,b"', '{join(",", fd.types) = "a,b"}'],
      ['b64( test.field ) exists', '{b64(test.field) exists}'],
      ['proc.pid > len(proc.args)', '{proc.pid > len(proc.args)}'],
      ['getopt(proc.args, "nt:")[t] = value', '{getopt(proc.args, "nt:")[t] = value}'],
      ['concat(proc.name, fd.name) = x', '{concat(proc.name, fd.name) = x}'],
      ['join("-", (fd.name, tolower(fd.directory), "x", 12)) = y', '{join("-", (fd.name, tolower(fd.directory), "x", 12)) = y}'],
      ['join("-", ()) = /tmp', '{join("-", ()) = /tmp}'],
      ['proc.name = val(proc.aname[2])', '{proc.name = val(proc.aname[2])}'],
      ['not toupper(join("-", (fd.name, fd.directory))) = V', 'not({toupper(join("-", (fd.name, fd.directory))) = V})'],
      ["proc.name = 'tolower(x)'", '{proc.name = "tolower(x)"}'],
      ['proc.name = b64 and(m)', 'and({proc.name = b64}, [id:m])'],
    ];
    for (const [text, expected] of cases) {
      it(`reads ${JSON.stringify(text)}`, () => assertParses(text, expected));
    }

    it('records the name, index and call spans', () => {
      const text = 'getopt(proc.args, "nt:")[t] = value';
      const transformer = (parseCondition(text).expr as CheckExpr).left as TransformerExpr;
      assert.equal(covered(text, transformer.nameSpan), 'getopt');
      assert.equal(covered(text, transformer.index!.span), 't');
      assert.equal(covered(text, transformer.span), 'getopt(proc.args, "nt:")[t]');
      assert.deepEqual(
        transformer.args.map((arg) => covered(text, arg.span)),
        ['proc.args', '"nt:"'],
      );
    });

    it('reads a transformer list with its own node kind', () => {
      const text = 'join("-", (fd.name, "x")) = y';
      const transformer = (parseCondition(text).expr as CheckExpr).left as TransformerExpr;
      const list = transformer.args[1] as TransformerListExpr;
      assert.equal(list.kind, 'transformer-list');
      assert.equal(covered(text, list.span), '(fd.name, "x")');
      assert.deepEqual(
        list.items.map((item) => item.kind),
        ['field', 'value'],
      );
    });
  });

  describe('string operator modifiers', () => {
    const cases: Array<[string, string]> = [
      ['proc.name startswith anyof (sh, ba)', '{proc.name startswith anyof (sh, ba)}'],
      ['proc.name == oneof (cat, nginx)', '{proc.name == oneof (cat, nginx)}'],
      ['proc.name != allof my_list', '{proc.name != allof list:my_list}'],
      ['proc.name == oneof oneof', '{proc.name == oneof list:oneof}'],
      ['proc.name == oneof ()', '{proc.name == oneof ()}'],
      ['tolower(proc.name) == oneof (cat)', '{tolower(proc.name) == oneof (cat)}'],
      ['proc.name = oneof and fd.name exists', 'and({proc.name = oneof}, {fd.name exists})'],
      ['proc.name == anyof or fd.name exists', 'or({proc.name == anyof}, {fd.name exists})'],
      ['proc.name == oneof', '{proc.name == oneof}'],
      ['proc.name == oneof_something', '{proc.name == oneof_something}'],
      ['(proc.name == oneof)', '[{proc.name == oneof}]'],
      ['proc.name in oneof', '{proc.name in list:oneof}'],
    ];
    for (const [text, expected] of cases) {
      it(`reads ${JSON.stringify(text)}`, () => assertParses(text, expected));
    }

    it('records the modifier span apart from the operator', () => {
      const text = 'proc.name startswith anyof (sh, ba)';
      const check = parseCondition(text).expr as CheckExpr;
      assert.equal(covered(text, check.operator!.span), 'startswith');
      assert.equal(covered(text, check.modifier!.span), 'anyof');
      assert.equal(covered(text, check.right!.span), '(sh, ba)');
    });
  });

  describe('spans', () => {
    it('covers keywords, checks and parentheses', () => {
      const text = '(proc.name = bash or not fd.name exists) and evt.type in (open, close)';
      const and = parseCondition(text).expr as BinaryExpr;
      assert.equal(covered(text, and.span), text);
      assert.deepEqual(
        and.keywordSpans.map((span) => covered(text, span)),
        ['and'],
      );
      const paren = and.operands[0] as ParenExpr;
      assert.equal(covered(text, paren.span), '(proc.name = bash or not fd.name exists)');
      const or = paren.expr as BinaryExpr;
      assert.equal(covered(text, or.span), 'proc.name = bash or not fd.name exists');
      assert.equal(covered(text, or.keywordSpans[0]), 'or');
      const not = or.operands[1] as NotExpr;
      assert.equal(covered(text, not.keywordSpan), 'not');
      assert.equal(covered(text, not.span), 'not fd.name exists');
      const check = and.operands[1] as CheckExpr;
      assert.equal(covered(text, check.span), 'evt.type in (open, close)');
      assert.equal(covered(text, check.operator!.span), 'in');
      const list = check.right as ListExpr;
      assert.deepEqual(
        list.items.map((item) => covered(text, item.span)),
        ['open', 'close'],
      );
    });

    it('keeps quotes in raw and removes them from value', () => {
      const text = "proc.name = 'a\\tb'";
      const value = (parseCondition(text).expr as CheckExpr).right as ValueExpr;
      assert.equal(value.raw, "'a\\tb'");
      assert.equal(value.value, 'a\tb');
      assert.equal(covered(text, value.span), "'a\\tb'");
    });

    it('covers not( with its own keyword span', () => {
      const text = 'not(a)';
      const not = parseCondition(text).expr as NotExpr;
      assert.equal(covered(text, not.keywordSpan), 'not');
      assert.equal(covered(text, not.operand.span), '(a)');
    });
  });

  describe('quoted strings', () => {
    const values: Array<[string, string]> = [
      ['"a\\bb"', 'a\bb'],
      ['"a\\fb"', 'a\fb'],
      ['"a\\nb"', 'a\nb'],
      ['"a\\rb"', 'a\rb'],
      ['"a\\tb"', 'a\tb'],
      ['"a\\\\b"', 'a\\b'],
      ['"a\\/b"', 'a/b'],
      ['"a\\"b"', 'a"b'],
      ["'a\\'b'", "a'b"],
      ['"a\\ b"', 'a\\b'],
      ['"\\x41\\x42"', 'AB'],
      ['"\\xC3\\xA9"', 'é'],
      ['"a\\\\"b"', 'a\\"b'],
      ["'mixed \"'", 'mixed "'],
    ];
    for (const [quoted, expected] of values) {
      it(`unescapes ${quoted}`, () => {
        const result = parseCondition(`proc.name = ${quoted}`);
        assert.deepEqual(result.errors, []);
        assert.equal(((result.expr as CheckExpr).right as ValueExpr).value, expected);
      });
    }

    const errors: Array<[string, Array<[string, string]>]> = [
      ["'a\\\"b'", [[`invalid \\" escape in '-quoted string`, '\\"']]],
      ['"a\\\'b"', [[`invalid \\' escape in "-quoted string`, "\\'"]]],
      ['"\\d"', [['unsupported string escape sequence: \\d', '\\d']]],
      ['"\\x4"', [['truncated hex char escape sequence', '\\x4']]],
      ['"\\xZZ"', [['invalid hex char escape sequence: ZZ', '\\xZZ']]],
      [
        '"\\d+\\.\\d"',
        [
          ['unsupported string escape sequence: \\d', '\\d'],
          ['unsupported string escape sequence: \\.', '\\.'],
          ['unsupported string escape sequence: \\d', '\\d'],
        ],
      ],
    ];
    for (const [quoted, expected] of errors) {
      it(`reports the escape in ${quoted}`, () => {
        assert.deepEqual(errorsOf(`proc.name = ${quoted}`), expected);
      });
    }

    it('never closes on a quote after a backslash', () => {
      const text = 'proc.name = "a\\\\" and b';
      assert.deepEqual(errorsOf(text), [[EXPECTED_STRING, '"a\\\\" and b']]);
    });

    it('reports a bad escape in a field argument', () => {
      assert.deepEqual(errorsOf('proc.env["\\q"] = x'), [['unsupported string escape sequence: \\q', '\\q']]);
    });

    it('leaves bare strings as written', () => {
      assertParses('proc.name = a\\d', '{proc.name = a\\d}');
    });

    it('warns about a bad escape in the first list element, which Falco ignores', () => {
      const text = 'proc.name in ("\\d")';
      const result = parseCondition(text);
      assert.deepEqual(result.errors, []);
      assert.deepEqual(
        result.warnings?.map((warning) => [warning.message, covered(text, warning.span)]),
        [['unsupported string escape sequence: \\d', '\\d']],
      );
      assert.equal(shape(result.expr), '{proc.name in ()}');
    });
  });

  describe('errors', () => {
    const cases: Array<[string, Array<[string, string]>]> = [
      ['proc.pid > "5"', [[EXPECTED_NUMBER, '"5"']]],
      ['evt.type=open andx', [["expected blank or '(' after 'and'", 'andx']]],
      ['a orb', [["expected blank or '(' after 'or'", 'orb']]],
      ['fd.ip !~ "^10\\."', [[EXPECTED_OPERATOR, '!~']]],
      ['proc.name contains"abc"', [[EXPECTED_OPERATOR, 'contains']]],
      ['proc.name startswithvalue', [[EXPECTED_OPERATOR, 'startswithvalue']]],
      ['proc.name === x', [[EXPECTED_STRING, '=']]],
      ['proc.name', [[EXPECTED_OPERATOR, 'proc.name']]],
      ["proc.name regex '\\d+'", [['unsupported string escape sequence: \\d', '\\d']]],
      ['(a.b = c', [[EXPECTED_CLOSE, '(']]],
      ['((a.b = c)', [[EXPECTED_CLOSE, '(']]],
      ['a.b = c)', [[unexpectedAfter('c'), ')']]],
      ['a.b = c))', [[unexpectedAfter('c'), ')'], [unexpectedAfter(')'), ')']]],
      ['(a.b = c d)', [[EXPECTED_CLOSE, 'd']]],
      ['a and', [["expected blank or '(' after 'and'", 'and']]],
      ['a and ', [[EXPECTED_CHECK, 'and']]],
      ['a or', [["expected blank or '(' after 'or'", 'or']]],
      ['', [['filter input string is empty', '']]],
      ['   ', [[EXPECTED_CHECK, '   ']]],
      ['fd.name in /etc', [[EXPECTED_LIST, '/etc']]],
      ['fd.name in', [[EXPECTED_LIST, 'in']]],
      ['a and b not', [[unexpectedAfter('b'), 'not']]],
      ['a not b', [[unexpectedAfter('a'), 'not']]],
      ['and a', [[unexpectedAfter('and'), 'a']]],
      ['a.b = b = 1', [[unexpectedAfter('b'), '=']]],
      ['macro > 12', [[unexpectedAfter('macro'), '>']]],
      ['test.op exists something', [[unexpectedAfter('exists'), 'something']]],
      ['proc.pid > 1e3', [[unexpectedAfter('1'), 'e3']]],
      ['proc.name = "abc', [[EXPECTED_STRING, '"abc']]],
      ['proc.name = (x)', [[EXPECTED_STRING, '(']]],
      ['evt.arg[] = x', [['expected a valid field argument: a quoted string or a bare string', ']']]],
      ['evt.arg["x" = v', [["expected a ']' token", '=']]],
      ['tolower(proc.name = x', [["expected a ')' token closing the transformer", '=']]],
      ['tolower(x) = y', [['expected field transformer argument: field, transformer, quoted string, number, or transformer list', 'x']]],
      ['tolower (proc.name) = y', [[unexpectedAfter('tolower'), '(']]],
      ['val(proc.name) exists', [[unexpectedAfter('val'), '(']]],
      ['proc.name = val(tolower(proc.pname))', [["expected a field within 'val' transformer", 'tolower']]],
      ['proc.name in (a,)', [['expected a string value', ')']]],
      ['proc.name in (a', [[EXPECTED_CLOSE, 'a']]],
      ['proc.name in (b64(x.y))', [[EXPECTED_CLOSE, '(']]],
      ['join("-", (fd.name,)) = x', [['expected transformer list argument: field, transformer, quoted string, or number', ')']]],
      ['join("-", (fd.name x)) = y', [["expected ')'", 'x']]],
      ['join("-", (barestring)) = y', [['expected transformer list argument: field, transformer, quoted string, or number', 'barestring']]],
      ['proc.name == oneof (cat,)', [['expected a string value', ')']]],
      ['proc.name ==oneof (cat)', [[unexpectedAfter('oneof'), '(']]],
      ['proc.name == oneof(cat)', [[unexpectedAfter('oneof'), '(']]],
      ['proc.num > oneof (1, 2)', [[EXPECTED_NUMBER, 'oneof']]],
      ['proc.name in oneof (cat)', [[unexpectedAfter('oneof'), '(']]],
      ['proc.', [[unexpectedAfter('proc'), 'proc.']]],
      ['(proc.)', [[EXPECTED_CLOSE, 'proc.']]],
      ['#a and b', [[EXPECTED_CHECK, '#a']]],
    ];
    for (const [text, expected] of cases) {
      it(`reports ${JSON.stringify(text)}`, () => assert.deepEqual(errorsOf(text), expected));
    }

    it('keeps a check that failed after its operator', () => {
      const text = 'proc.pid > "5"';
      const check = parseCondition(text).expr as CheckExpr;
      assert.equal(check.kind, 'check');
      assert.equal(covered(text, check.left.span), 'proc.pid');
      assert.equal(check.operator?.text, '>');
      assert.equal(check.right, undefined);
      assert.equal(covered(text, check.span), 'proc.pid >');
    });
  });

  describe('recovery', () => {
    it('reports every error and keeps the good checks', () => {
      const text = 'proc.name = bash and fd.ip !~ "x" and proc.pid > "5" and evt.type = open';
      const result = parseCondition(text);
      assert.deepEqual(
        result.errors.map((error) => [error.message, covered(text, error.span)]),
        [
          [EXPECTED_OPERATOR, '!~'],
          [EXPECTED_NUMBER, '"5"'],
        ],
      );
      assert.equal(shape(result.expr), 'and({proc.name = bash}, {fd.ip ?}, {proc.pid >}, {evt.type = open})');
    });

    it('reports each regex-like operator of the seed rule', () => {
      const text =
        'container and evt.type = "connect" and fd.sport > 1023 and fd.ip != "10.0.0.0/8" and fd.ip !~ "^10\\." and fd.ip !~ "^192\\.168\\." and fd.ip !~ "^172\\.(1[6-9]|2\\d|3[0-1])\\."';
      assert.deepEqual(errorsOf(text), [
        [EXPECTED_OPERATOR, '!~'],
        [EXPECTED_OPERATOR, '!~'],
        [EXPECTED_OPERATOR, '!~'],
      ]);
    });

    const cases: Array<[string, Array<[string, string]>, string]> = [
      ['a.b = c d.e = f and g.h = i', [[unexpectedAfter('c'), 'd.e']], 'and({a.b = c}, {g.h = i})'],
      ['(a.b !~ x or c.d = e) and f.g > "1"', [[EXPECTED_OPERATOR, '!~'], [EXPECTED_NUMBER, '"1"']], 'and([or({a.b ?}, {c.d = e})], {f.g >})'],
      ['a.b = (x) and c', [[EXPECTED_STRING, '(']], 'and({a.b =}, id:c)'],
      ['a.b in (x y) and c', [[EXPECTED_CLOSE, 'y']], 'and({a.b in}, id:c)'],
      ['a.b = c) and (d.e = f', [[unexpectedAfter('c'), ')'], [EXPECTED_CLOSE, '(']], 'and({a.b = c}, [{d.e = f}])'],
      ['a orx b and c.d !~ e', [["expected blank or '(' after 'or'", 'orx'], [EXPECTED_OPERATOR, '!~']], 'or(id:a, {c.d ?})'],
      ['not x.y !~ 1 or z', [[EXPECTED_OPERATOR, '!~']], 'or(not({x.y ?}), id:z)'],
      ['a andx b and c', [["expected blank or '(' after 'and'", 'andx']], 'and(id:a, id:c)'],
      ['x.y = "\\d" and z.w > "2"', [['unsupported string escape sequence: \\d', '\\d'], [EXPECTED_NUMBER, '"2"']], 'and({x.y = "\\\\d"}, {z.w >})'],
    ];
    for (const [text, expected, tree] of cases) {
      it(`recovers in ${JSON.stringify(text)}`, () => {
        const result = parseCondition(text);
        assert.deepEqual(
          result.errors.map((error) => [error.message, covered(text, error.span)]),
          expected,
        );
        assert.equal(shape(result.expr), tree);
      });
    }
  });

  describe('nesting depth', () => {
    const depthError = 'exceeded max depth limit of 1000';

    // libs counts one level per parse function: a check inside k parentheses reaches 5k + 7.
    it('accepts a check inside 198 parentheses and rejects 199', () => {
      const nested = (k: number) => '('.repeat(k) + 'a.b = c' + ')'.repeat(k);
      assert.deepEqual(errorsOf(nested(198)), []);
      assert.deepEqual(
        errorsOf(nested(199)).map(([message]) => message),
        [depthError],
      );
    });

    it('accepts an identifier inside 199 parentheses and rejects 200', () => {
      const nested = (k: number) => '('.repeat(k) + 'a' + ')'.repeat(k);
      assert.deepEqual(errorsOf(nested(199)), []);
      assert.deepEqual(errorsOf(nested(200)), [[depthError, 'a']]);
    });

    const deep: Array<[string, string]> = [
      ['100k open parentheses', '('.repeat(100000)],
      ['100k balanced parentheses', '('.repeat(100000) + 'a' + ')'.repeat(100000)],
      ['100k not(', 'not('.repeat(100000)],
      ['100k tolower(', 'tolower('.repeat(100000) + 'a.b) = 1'],
      ['100k join lists', 'join("-", ('.repeat(100000)],
    ];
    for (const [name, text] of deep) {
      it(`reports one depth error for ${name}`, () => {
        assert.deepEqual(
          parseCondition(text).errors.map((error) => error.message),
          [depthError],
        );
      });
    }

    it('goes on after a too-deep group', () => {
      const text = '('.repeat(300) + 'a' + ')'.repeat(300) + ' and b.c = d e';
      assert.deepEqual(
        parseCondition(text).errors.map((error) => [error.message, covered(text, error.span)]),
        [
          [depthError, '('],
          [unexpectedAfter('d'), 'e'],
        ],
      );
    });

    it('reads long flat chains without recursion', () => {
      const text = Array.from({ length: 20000 }, (_, i) => `a.b = ${i}`).join(' and ');
      const result = parseCondition(text);
      assert.deepEqual(result.errors, []);
      assert.equal((result.expr as BinaryExpr).operands.length, 20000);
      assert.deepEqual(parseCondition('not '.repeat(100000) + 'a').errors, []);
    });
  });

  // Inputs and verdicts from libs' own parser tests (userspace/libsinsp/test/filter_parser.ut.cpp).
  describe('libs acceptance', () => {
    const accepted = [
      'a.b = 1 and not a',
      'not (not (a))',
      '((macro) and (not_macro))',
      'a.g in (1, \'a\', b)',
      'test.str = 0a!@#456:/\\.;!$%^&*[]{}|',
      'test.str[+0.25e+10] = a',
      'test.str = \'escape single quote \\\' \'',
      'test.num > -0.1222e+10',
      'test.str = 0xAAA.1',
      'test.list in (value, "value", \'value\')',
      'test.op ==value',
      'test.op intersects()',
      'b64(b64( test.field)) exists',
      'some.field = b64(b64(test.field) )',
      'tolower(some.field) = b64(test.field) or tolower(other.field) = tolower(another.field)',
      'join(":", (evt.type, evt.dir)) contains connect',
      'len(join("-", (fd.name, fd.directory))) >= 5',
      'proc.exepath == oneof (/usr/bin/bash, /bin/sh)',
      'b64(proc.cmdline) == allof ("dGVzdA==")',
      'proc.name == oneof (cat) and proc.name == anyof (nginx, apache)',
      'proc.name endswith allof (.so, .so.1)',
      'evt.arg[a] contains /bin',
    ];
    for (const text of accepted) {
      it(`accepts ${JSON.stringify(text)} with any blanks`, () => {
        const padded = ` ${text} `;
        for (const variant of [text, padded, padded.replace(/ /g, '\n'), padded.replace(/ /g, '\t')]) {
          assert.deepEqual(parseCondition(variant).errors, [], JSON.stringify(variant));
        }
      });
    }

    const rejected = [
      'a andb',
      'aand b',
      'a and b and',
      'a and b or',
      'or a',
      'a and or b',
      'a andnot b',
      '(a)andnot(b)',
      'a ornot b',
      'evt.arg[] contains /bin',
      'a.a invalidoperator xxx',
      'a.g in ( 1 ,, , b)',
      'fd.name=/var/lo);g/httpd.log',
      'test.str = a,',
      'test.str = a=',
      "test.str = '\"",
      'test.str = "broken escape double quote""',
      'test.str[[] = testval',
      'test.str[   test   ] = testval',
      'test.str] = testval',
      'test.num < 0xAAA.1',
      'test.num >= 0aaaaa',
      'test.list in )',
      'test.list = (value)',
      'test.op ExIsTs',
      'test.op !== value',
      'test.op globvalue',
      'test.op >',
      'test.op pmatch',
      'val(val(test.field)) exists',
      'b64(test.field [1]) exists',
      'some.fake.transformer(test.field) exists',
      'b64\n(test.field) exists',
      'b64(test.field)) exists',
      '(test.field) exists',
      'some.field = val(toupper(test.field))',
      'some.field = b64(val(test.field))',
      'some.field = ((b64(test.field)))',
      'some.field in (a, b64(test.field))',
      'join("-", fd.name, fd.directory)) = /tmp',
      'join("-", ((fd.name))) = /tmp',
      'join("-", (macro)) = /tmp',
      'proc.name == ONEOF (cat)',
      'proc.name startswith oneof_something (cat)',
      'proc.name endswith allof(.so)',
      'proc.name pmatch allof (cat)',
    ];
    for (const text of rejected) {
      it(`rejects ${JSON.stringify(text)}`, () => {
        assert.ok(parseCondition(text).errors.length > 0, 'expected at least one error');
      });
    }
  });

  describe('official rules files', () => {
    for (const file of officialRuleFiles()) {
      it(`parses every condition of ${file}`, () => {
        const conditions = itemStrings(file, 'condition');
        assert.ok(conditions.length > 0, 'no conditions found');
        for (const { where, text } of conditions) {
          const result = parseCondition(text);
          assert.deepEqual(result.errors, [], where);
          assert.equal(result.warnings, undefined, where);
          assert.ok(result.expr, where);
        }
      });
    }
  });

  describe('robustness', () => {
    /** A small deterministic generator (mulberry32), so a failure can be replayed. */
    function random(seed: number): () => number {
      let state = seed;
      return () => {
        state = (state + 0x6d2b79f5) | 0;
        let t = Math.imul(state ^ (state >>> 15), 1 | state);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }

    function assertWellFormed(text: string): void {
      let result;
      try {
        result = parseCondition(text);
      } catch (error) {
        assert.fail(`threw on ${JSON.stringify(text)}: ${String(error)}`);
      }
      for (const problem of [...result.errors, ...(result.warnings ?? [])]) {
        assertInside(problem.span, text);
        assert.ok(!problem.message.startsWith('internal error'), `${problem.message} on ${JSON.stringify(text)}`);
      }
      assert.ok(result.errors.length > 0 || result.expr, `no tree and no error for ${JSON.stringify(text)}`);
      if (result.expr) assertSpansInside(result.expr, text);
      let previousEnd = 0;
      for (const token of tokenizeCondition(text)) {
        assertInside(token.span, text);
        assert.ok(token.span.start >= previousEnd, `token ${JSON.stringify(token.text)} overlaps the previous one in ${JSON.stringify(text)}`);
        assert.equal(covered(text, token.span), token.text);
        previousEnd = token.span.end;
      }
    }

    function assertInside(span: Span, text: string): void {
      const where = `${JSON.stringify(span)} in ${JSON.stringify(text)}`;
      assert.ok(span.start >= 0, where);
      assert.ok(span.start <= span.end, where);
      assert.ok(span.end <= text.length, where);
    }

    function assertSpansInside(node: unknown, text: string): void {
      if (Array.isArray(node)) {
        for (const child of node) assertSpansInside(child, text);
        return;
      }
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if (typeof record.start === 'number' && typeof record.end === 'number') {
        assertInside({ start: record.start, end: record.end }, text);
      }
      for (const value of Object.values(record)) assertSpansInside(value, text);
    }

    it('survives random strings', () => {
      const next = random(1);
      const alphabet = 'ab.(),[]"\'\\ \t\n\v\f=<>!~xn0o9tdrs_-+*/:%\u0bbe\ud83d\ude00\u0000';
      for (let i = 0; i < 4000; i++) {
        const length = Math.floor(next() * 40);
        let text = '';
        for (let j = 0; j < length; j++) text += alphabet[Math.floor(next() * alphabet.length)];
        assertWellFormed(text);
      }
    });

    it('survives random token soups', () => {
      const next = random(2);
      const vocabulary = [
        'and', 'or', 'not', 'not(', 'and(', '(', ')', ',', '[', ']', 'proc.name', 'fd.', 'evt.arg[0]', 'a', 'macro',
        '=', '==', '!=', '<', '>=', 'in', 'in(', 'contains', 'exists', 'startswith', 'oneof', 'anyof', 'val(', 'tolower(',
        'join(', '"x"', "'y'", '"\\d"', '"unterminated', '5', '0x1F', '-1.5e+3', '/etc', '!~', ' ', ' ', '\n',
      ];
      for (let i = 0; i < 4000; i++) {
        const count = Math.floor(next() * 25);
        let text = '';
        for (let j = 0; j < count; j++) text += vocabulary[Math.floor(next() * vocabulary.length)] + (next() < 0.6 ? ' ' : '');
        assertWellFormed(text);
      }
    });
  });
});

describe('tokenizeCondition', () => {
  function kinds(text: string): Array<[string, string]> {
    return tokenizeCondition(text).map((token) => [token.kind, token.text]);
  }

  it('classifies each token by its position in the grammar', () => {
    assert.deepEqual(kinds('proc.name in (bash, "sh") and not my_macro or fd.num > 0x1F'), [
      ['field', 'proc.name'],
      ['operator', 'in'],
      ['punctuation', '('],
      ['bare-string', 'bash'],
      ['punctuation', ','],
      ['string', '"sh"'],
      ['punctuation', ')'],
      ['keyword', 'and'],
      ['keyword', 'not'],
      ['identifier', 'my_macro'],
      ['keyword', 'or'],
      ['field', 'fd.num'],
      ['operator', '>'],
      ['number', '0x1F'],
    ]);
  });

  it('classifies transformers, arguments and modifiers', () => {
    assert.deepEqual(kinds('tolower(proc.env[HOME]) startswith anyof my_list'), [
      ['transformer', 'tolower'],
      ['punctuation', '('],
      ['field', 'proc.env'],
      ['punctuation', '['],
      ['field-arg', 'HOME'],
      ['punctuation', ']'],
      ['punctuation', ')'],
      ['operator', 'startswith'],
      ['modifier', 'anyof'],
      ['identifier', 'my_list'],
    ]);
  });

  it('reads a list operator as a value after =', () => {
    assert.deepEqual(kinds('proc.name = in'), [
      ['field', 'proc.name'],
      ['operator', '='],
      ['bare-string', 'in'],
    ]);
  });

  it('tolerates an unfinished field', () => {
    assert.deepEqual(kinds('proc.name = bash and fd.'), [
      ['field', 'proc.name'],
      ['operator', '='],
      ['bare-string', 'bash'],
      ['keyword', 'and'],
      ['field', 'fd.'],
    ]);
  });

  it('tolerates an unterminated quote', () => {
    const tokens = tokenizeCondition('proc.name = "abc and x');
    const last = tokens[tokens.length - 1];
    assert.equal(last.kind, 'string');
    assert.equal(last.text, '"abc and x');
    assert.equal(last.unterminated, true);
  });

  it('marks text skipped after an error as unknown', () => {
    assert.deepEqual(kinds('fd.ip !~ x and a'), [
      ['field', 'fd.ip'],
      ['unknown', '!~'],
      ['unknown', 'x'],
      ['keyword', 'and'],
      ['identifier', 'a'],
    ]);
  });

  it('returns no tokens for blank text', () => {
    assert.deepEqual(tokenizeCondition('  '), []);
  });
});
