/**
 * Semantic tokens of the core: the text each token covers and what it means,
 * for conditions in every YAML scalar style, outputs, names and exceptions.
 */
import * as assert from 'node:assert/strict';
import { getSemanticTokens, RulesWorkspace } from '../../server/src/core';
import type { SemanticToken } from '../../server/src/core';
import { readFixture } from '../helpers';

const URI = 'file:///test/rules.yaml';

function tokensOf(text: string, options: { useDefaultRules?: boolean; range?: { start: number; end: number } } = {}): SemanticToken[] {
  const workspace = new RulesWorkspace({ useDefaultRules: options.useDefaultRules ?? true });
  workspace.setFile(URI, text);
  return getSemanticTokens(workspace, URI, options.range);
}

/** Returns the (covered text, type) pair of every token. */
function pairs(text: string, options: { useDefaultRules?: boolean } = {}): Array<[string, string]> {
  return tokensOf(text, options).map((token) => [text.slice(token.span.start, token.span.end), token.type]);
}

/** Returns the type and modifiers of each token that covers exactly `covered`. */
function tokensCovering(text: string, covered: string, options: { useDefaultRules?: boolean } = {}): Array<{ type: string; modifiers: string[] }> {
  return tokensOf(text, options)
    .filter((token) => text.slice(token.span.start, token.span.end) === covered)
    .map((token) => ({ type: token.type, modifiers: token.modifiers }));
}

/**
 * The condition used in every style. `$STRING` is the condition string
 * `sshd`, quoted as each style needs. No macro or list is named
 * `never_defined`, so that bare word gets no token.
 */
const CONDITION_LINES = [
  'spawned_process and not proc.aname[2] in (shell_binaries, $STRING)',
  'and evt.type = execve and fd.num >= 0 and never_defined',
  'and tolower(proc.name) contains oneof (a, b)',
];

function expectedPairs(quotedString: string): Array<[string, string]> {
  return [
    ['m', 'macro'],
    ['spawned_process', 'macro'],
    ['and', 'keyword'],
    ['not', 'keyword'],
    ['proc.aname', 'field'],
    ['2', 'number'],
    ['in', 'operator'],
    ['shell_binaries', 'list'],
    [quotedString, 'string'],
    ['and', 'keyword'],
    ['evt.type', 'field'],
    ['=', 'operator'],
    ['execve', 'event'],
    ['and', 'keyword'],
    ['fd.num', 'field'],
    ['>=', 'operator'],
    ['0', 'number'],
    ['and', 'keyword'],
    ['and', 'keyword'],
    ['tolower', 'transformer'],
    ['proc.name', 'field'],
    ['contains', 'operator'],
    ['oneof', 'operator'],
    ['a', 'string'],
    ['b', 'string'],
  ];
}

/** Builds a macro whose condition is `header` then `lines` indented by `indent`, followed by a list. */
function macroDocument(header: string, lines: string[], indent: string): string {
  const body = lines.map((line, i) => (i === 0 && !header.endsWith('\n') ? line : indent + line)).join('\n');
  return `- macro: m\n  condition: ${header}${body}\n- list: after\n  items: [x]\n`;
}

const STYLES: Array<{ name: string; header: string; quotedString: string; wrap?: (lines: string[]) => string[] }> = [
  { name: 'plain on several lines', header: '', quotedString: '"sshd"' },
  { name: 'double-quoted', header: '', quotedString: '\\"sshd\\"', wrap: (lines) => wrapFirstLast(lines, '"', '"') },
  { name: 'single-quoted', header: '', quotedString: "''sshd''", wrap: (lines) => wrapFirstLast(lines, "'", "'") },
  { name: 'folded', header: '>\n', quotedString: '"sshd"' },
  { name: 'literal', header: '|\n', quotedString: '"sshd"' },
  { name: 'folded with strip chomping', header: '>-\n', quotedString: '"sshd"' },
  { name: 'literal with keep chomping', header: '|+\n', quotedString: '"sshd"' },
  { name: 'folded with an indentation indicator', header: '>2\n', quotedString: '"sshd"' },
];

function wrapFirstLast(lines: string[], open: string, close: string): string[] {
  return lines.map((line, i) => (i === 0 ? open + line : line) + (i === lines.length - 1 ? close : ''));
}

describe('semantic tokens', () => {
  describe('a condition in each scalar style', () => {
    for (const style of STYLES) {
      it(`reads a condition: ${style.name}`, () => {
        const lines = CONDITION_LINES.map((line) => line.replace('$STRING', style.quotedString));
        const text = macroDocument(style.header, style.wrap ? style.wrap(lines) : lines, '    ');
        assert.deepEqual(pairs(text), [...expectedPairs(style.quotedString), ['after', 'list']]);
      });
    }

    it('reads a plain condition on one line', () => {
      const text = `- macro: m\n  condition: ${CONDITION_LINES.join(' ').replace('$STRING', "'sshd'")}\n`;
      assert.deepEqual(pairs(text), expectedPairs("'sshd'"));
    });

    it('reads a condition whose value starts on the next line', () => {
      const text = `- macro: m\n  condition:\n${CONDITION_LINES.map((line) => `    ${line.replace('$STRING', '"sshd"')}`).join('\n')}\n`;
      assert.deepEqual(pairs(text), expectedPairs('"sshd"'));
    });
  });

  describe('meaning', () => {
    it('tells a visible macro from a later one', () => {
      const text = [
        '- macro: uses_later',
        '  condition: defined_later',
        '- macro: defined_later',
        '  condition: proc.name = a',
        '- rule: r',
        '  desc: d',
        '  condition: defined_later',
        '  output: o',
        '  priority: INFO',
        '',
      ].join('\n');
      const words = tokensOf(text, { useDefaultRules: false }).filter((token) => text.slice(token.span.start, token.span.end) === 'defined_later');
      // The macro's own name, then only the rule's reference, because a macro can use only the macros defined before it.
      assert.deepEqual(
        words.map((token) => [text.slice(0, token.span.start).split('\n').length, token.type, token.modifiers]),
        [
          [3, 'macro', ['declaration']],
          [7, 'macro', []],
        ],
      );
    });

    it('tells a defined list from a string value', () => {
      const text = '- list: my_list\n  items: [a]\n- macro: m\n  condition: proc.name in (my_list, other) or proc.pname = my_list\n';
      assert.deepEqual(pairs(text, { useDefaultRules: false }), [
        ['my_list', 'list'],
        ['m', 'macro'],
        ['proc.name', 'field'],
        ['in', 'operator'],
        ['my_list', 'list'],
        ['other', 'string'],
        ['or', 'keyword'],
        ['proc.pname', 'field'],
        ['=', 'operator'],
        ['my_list', 'list'],
      ]);
    });

    it('marks a list that stands as a check', () => {
      const text = '- macro: m\n  condition: shell_binaries\n';
      assert.deepEqual(tokensCovering(text, 'shell_binaries'), [{ type: 'list', modifiers: ['defaultLibrary'] }]);
    });

    it('marks default macros as the default library', () => {
      const text = '- macro: mine\n  condition: proc.name = a\n- rule: r\n  desc: d\n  condition: spawned_process and mine\n  output: o\n  priority: INFO\n';
      assert.deepEqual(tokensCovering(text, 'spawned_process'), [{ type: 'macro', modifiers: ['defaultLibrary'] }]);
      assert.deepEqual(tokensCovering(text, 'mine'), [
        { type: 'macro', modifiers: ['declaration'] },
        { type: 'macro', modifiers: [] },
      ]);
    });

    it('reads event names only as evt.type values', () => {
      const text = '- macro: m\n  condition: evt.type in (open, not_an_event) and proc.name = open and evt.type = "connect"\n';
      assert.deepEqual(pairs(text, { useDefaultRules: false }).slice(1), [
        ['evt.type', 'field'],
        ['in', 'operator'],
        ['open', 'event'],
        ['not_an_event', 'string'],
        ['and', 'keyword'],
        ['proc.name', 'field'],
        ['=', 'operator'],
        ['open', 'string'],
        ['and', 'keyword'],
        ['evt.type', 'field'],
        ['=', 'operator'],
        ['"connect"', 'string'],
      ]);
    });

    it('marks fields of another source, unknown and deprecated fields', () => {
      const text = '- rule: r\n  desc: d\n  condition: ka.verb = get and proc.nme = x and evt.latency > 1 and proc.name = y\n  output: o\n  priority: INFO\n';
      assert.deepEqual(tokensCovering(text, 'ka.verb'), [{ type: 'field', modifiers: ['otherSource'] }]);
      assert.deepEqual(tokensCovering(text, 'proc.nme'), [{ type: 'field', modifiers: ['unknown'] }]);
      assert.deepEqual(tokensCovering(text, 'evt.latency'), [{ type: 'field', modifiers: ['deprecated'] }]);
      assert.deepEqual(tokensCovering(text, 'proc.name'), [{ type: 'field', modifiers: [] }]);
    });

    it('reads a number compared with a string operator', () => {
      const text = '- macro: m\n  condition: fd.sport = 443 or fd.sip = 10.0.0.1 or fd.num = 0x1f\n';
      assert.deepEqual(
        pairs(text, { useDefaultRules: false }).filter(([, type]) => type === 'number' || type === 'string'),
        [
          ['443', 'number'],
          ['10.0.0.1', 'string'],
          ['0x1f', 'number'],
        ],
      );
    });
  });

  describe('outputs, names and exceptions', () => {
    it('marks output placeholders with their percent sign', () => {
      const text = '- rule: r\n  desc: d\n  condition: proc.name = a\n  output: "u=%user.name w=%10proc.cmdline a=%proc.aname[2] t=%tolower(proc.name) bad=%(proc.pid)"\n  priority: INFO\n';
      const outputStart = text.indexOf('output:');
      const inOutput = tokensOf(text).filter((token) => token.span.start > outputStart);
      assert.deepEqual(
        inOutput.map((token) => [text.slice(token.span.start, token.span.end), token.type]),
        [
          ['%user.name', 'field'],
          ['%10proc.cmdline', 'field'],
          ['%proc.aname', 'field'],
          ['2', 'number'],
          ['%tolower', 'transformer'],
          ['proc.name', 'field'],
        ],
      );
    });

    it('declares full definitions but not updates', () => {
      const text = [
        '- rule: "Quoted name"',
        '  desc: d',
        '  condition: proc.name = a',
        '  output: o',
        '  priority: INFO',
        '- macro: spawned_process',
        '  condition: or proc.name = b',
        '  override:',
        '    condition: append',
        '',
      ].join('\n');
      const tokens = tokensOf(text).map((token) => [text.slice(token.span.start, token.span.end), token.type, token.modifiers]);
      assert.deepEqual(tokens[0], ['Quoted name', 'rule', ['declaration']]);
      const macroStart = tokens.findIndex(([covered]) => covered === 'spawned_process');
      assert.deepEqual(tokens.slice(macroStart), [
        ['spawned_process', 'macro', []],
        ['or', 'keyword', []],
        ['proc.name', 'field', []],
        ['=', 'operator', []],
        ['b', 'string', []],
      ]);
    });

    it('reads exception fields and operators', () => {
      const text = [
        '- rule: r',
        '  desc: d',
        '  condition: spawned_process',
        '  output: o',
        '  priority: INFO',
        '  exceptions:',
        '    - name: known',
        '      fields: [proc.name, fd.directory]',
        '      comps: [=, in]',
        '    - name: single',
        '      fields: proc.pname',
        '      comps: startswith',
        '',
      ].join('\n');
      const start = text.indexOf('exceptions:');
      assert.deepEqual(
        tokensOf(text)
          .filter((token) => token.span.start > start)
          .map((token) => [text.slice(token.span.start, token.span.end), token.type]),
        [
          ['proc.name', 'field'],
          ['fd.directory', 'field'],
          ['=', 'operator'],
          ['in', 'operator'],
          ['proc.pname', 'field'],
          ['startswith', 'operator'],
        ],
      );
    });

    it('marks list items that name a list', () => {
      const text = '- list: mine\n  items: [shell_binaries, "shell_binaries", zsh]\n';
      assert.deepEqual(pairs(text), [
        ['mine', 'list'],
        ['shell_binaries', 'list'],
      ]);
    });
  });

  describe('shape', () => {
    it('splits a string folded over two lines', () => {
      const text = '- macro: m\n  condition: "proc.cmdline = \'a\n    b\' and proc.name = x"\n';
      const strings = tokensOf(text, { useDefaultRules: false }).filter((token) => token.type === 'string');
      assert.deepEqual(
        strings.map((token) => text.slice(token.span.start, token.span.end)),
        ["'a", "b'", 'x'],
      );
    });

    it('returns only the tokens inside a range', () => {
      const text = '- macro: a\n  condition: proc.name = x\n- macro: b\n  condition: proc.pname = y\n';
      const start = text.indexOf('- macro: b');
      const tokens = tokensOf(text, { useDefaultRules: false, range: { start, end: text.length } });
      assert.deepEqual(
        tokens.map((token) => text.slice(token.span.start, token.span.end)),
        ['b', 'proc.pname', '=', 'y'],
      );
    });

    it('keeps the official rules sorted, on one line and apart', () => {
      const text = readFixture('official', 'rules', 'falco_rules.yaml');
      const tokens = tokensOf(text, { useDefaultRules: false });
      assert.ok(tokens.length > 1500, `only ${tokens.length} tokens`);
      for (let i = 0; i < tokens.length; i++) {
        const { span } = tokens[i]!;
        const covered = text.slice(span.start, span.end);
        assert.ok(span.end > span.start, `empty token at ${span.start}`);
        assert.ok(!covered.includes('\n'), `token over a line break: ${JSON.stringify(covered)}`);
        if (i > 0) assert.ok(tokens[i - 1]!.span.end <= span.start, `tokens overlap at ${span.start}`);
      }
      assert.equal(tokensCovering(text, 'spawned_process', { useDefaultRules: false })[0]?.type, 'macro');
    });

    it('returns nothing for an unknown document', () => {
      assert.deepEqual(getSemanticTokens(new RulesWorkspace(), 'file:///missing.yaml'), []);
    });
  });
});
