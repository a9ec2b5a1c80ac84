/**
 * The TextMate grammar (syntaxes/falco-rules.tmLanguage.json), run by the
 * engine VS Code uses: vscode-textmate with the Oniguruma regular
 * expressions of vscode-oniguruma. Each sample asserts the scopes of key
 * tokens, and that the YAML after a condition or an output is read as YAML
 * again.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as textmate from 'vscode-textmate';
import { readFixture, ROOT } from '../helpers';

/**
 * The part of vscode-oniguruma these tests use. Its own typings refer to the
 * DOM's WebAssembly types, which this project's compiler settings leave out,
 * so the module is loaded untyped.
 */
interface Oniguruma {
  loadWASM(data: ArrayBuffer): Promise<void>;
  OnigScanner: new (patterns: string[]) => textmate.OnigScanner;
  OnigString: new (text: string) => textmate.OnigString;
}

const oniguruma = require('vscode-oniguruma') as Oniguruma;

const GRAMMAR_PATH = join(ROOT, 'syntaxes', 'falco-rules.tmLanguage.json');
const ROOT_SCOPE = 'source.falco-rules';

let grammarLoading: Promise<textmate.IGrammar> | undefined;

function loadGrammar(): Promise<textmate.IGrammar> {
  grammarLoading ??= (async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new textmate.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (text: string) => new oniguruma.OnigString(text),
      }),
      loadGrammar: async (scopeName: string) => (scopeName === ROOT_SCOPE ? textmate.parseRawGrammar(readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH) : null),
    });
    const grammar = await registry.loadGrammar(ROOT_SCOPE);
    if (!grammar) throw new Error(`${GRAMMAR_PATH} does not define ${ROOT_SCOPE}`);
    return grammar;
  })();
  return grammarLoading;
}

interface Token {
  line: number;
  text: string;
  scopes: string[];
}

/** Tokenizes a document line by line, as an editor does. */
async function tokenize(text: string): Promise<Token[]> {
  const grammar = await loadGrammar();
  const tokens: Token[] = [];
  let state = textmate.INITIAL;
  text.split('\n').forEach((lineText, line) => {
    const result = grammar.tokenizeLine(lineText, state);
    state = result.ruleStack;
    for (const token of result.tokens) tokens.push({ line, text: lineText.slice(token.startIndex, token.endIndex), scopes: token.scopes });
  });
  return tokens;
}

/** Returns the full name of a scope of this grammar. */
function scope(name: string): string {
  return `${name}.falco-rules`;
}

/** Returns the scopes of the `nth` token whose text is exactly `text`, on `line` when given. */
function scopesOf(tokens: Token[], text: string, options: { line?: number; nth?: number } = {}): string[] {
  const matches = tokens.filter((token) => token.text === text && (options.line === undefined || token.line === options.line));
  const token = matches[options.nth ?? 0];
  assert.ok(token, `no token '${text}'${options.line !== undefined ? ` on line ${options.line}` : ''}; tokens: ${tokens.map((t) => JSON.stringify(t.text)).join(' ')}`);
  return token.scopes;
}

function assertScope(tokens: Token[], text: string, expected: string, options: { line?: number; nth?: number } = {}): void {
  const scopes = scopesOf(tokens, text, options);
  assert.ok(scopes.includes(scope(expected)), `'${text}' has ${scopes.join(' ')}, not ${scope(expected)}`);
}

/** Asserts that the key on `line` is a plain YAML key, with nothing of the value before it still open. */
function assertTopLevelKey(tokens: Token[], key: string, line: number): void {
  assert.deepEqual(scopesOf(tokens, key, { line }), [ROOT_SCOPE, scope('entity.name.tag')]);
}

const CONDITION_LINES = [
  'spawned_process and proc.name = bash and not proc.aname[2] in (shell_binaries, $STRING)',
  'and fd.num >= 0 and tolower(proc.pname) contains oneof (a, b)',
  'and evt.arg.name exists',
];

interface Style {
  name: string;
  /** Text after `condition: ` or `output: ` on the key line; ends with a line break for block scalars. */
  header: string;
  /** How the style quotes `sshd` inside a condition. */
  quotedString: string;
  wrap?: (lines: string[]) => string[];
}

function wrapFirstLast(lines: string[], open: string, close: string): string[] {
  return lines.map((line, i) => (i === 0 ? open + line : line) + (i === lines.length - 1 ? close : ''));
}

const STYLES: Style[] = [
  { name: 'plain over several lines', header: '', quotedString: '"sshd"' },
  { name: 'double-quoted over several lines', header: '', quotedString: '\\"sshd\\"', wrap: (lines) => wrapFirstLast(lines, '"', '"') },
  { name: 'single-quoted over several lines', header: '', quotedString: "''sshd''", wrap: (lines) => wrapFirstLast(lines, "'", "'") },
  { name: 'folded', header: '>\n', quotedString: '"sshd"' },
  { name: 'literal', header: '|\n', quotedString: '"sshd"' },
  { name: 'folded with strip chomping', header: '>-\n', quotedString: "'sshd'" },
  { name: 'literal with keep chomping', header: '|+\n', quotedString: '"sshd"' },
  { name: 'folded with an indentation indicator', header: '>2\n', quotedString: '"sshd"' },
];

/** Builds a rule with `key` written in `style`, its lines indented by four spaces, then `priority:` and a macro. */
function ruleWith(key: 'condition' | 'output', style: Style, lines: string[]): { text: string; nextKeyLine: number } {
  const wrapped = style.wrap ? style.wrap(lines) : lines;
  const body = wrapped.map((line, i) => (i === 0 && !style.header.endsWith('\n') ? line : `    ${line}`)).join('\n');
  const before = '- rule: r\n  desc: d\n';
  const text = `${before}  ${key}: ${style.header}${body}\n  priority: INFO\n- macro: next\n  condition: container\n`;
  return { text, nextKeyLine: text.split('\n').findIndex((line) => line.startsWith('  priority:')) };
}

describe('TextMate grammar', function () {
  this.timeout(20000);

  describe('conditions in each scalar style', () => {
    for (const style of STYLES) {
      it(`highlights a condition: ${style.name}`, async () => {
        const lines = CONDITION_LINES.map((line) => line.replace('$STRING', style.quotedString));
        const { text, nextKeyLine } = ruleWith('condition', style, lines);
        const tokens = await tokenize(text);

        assertScope(tokens, 'proc.name', 'variable.other.field');
        assertScope(tokens, 'proc.name', 'meta.condition');
        assertScope(tokens, 'proc.aname', 'variable.other.field');
        assertScope(tokens, '2', 'constant.numeric.field-argument', { line: tokens.find((token) => token.text === 'proc.aname')!.line });
        assertScope(tokens, 'evt.arg.name', 'variable.other.field');
        assertScope(tokens, 'spawned_process', 'entity.name.function.macro');
        assertScope(tokens, 'and', 'keyword.operator.logical');
        assertScope(tokens, 'not', 'keyword.operator.logical');
        assertScope(tokens, '=', 'keyword.operator.comparison');
        assertScope(tokens, '>=', 'keyword.operator.comparison');
        assertScope(tokens, 'bash', 'string.unquoted.value');
        assertScope(tokens, 'in', 'keyword.operator.word');
        assertScope(tokens, 'shell_binaries', 'meta.list');
        assertScope(tokens, style.quotedString, style.quotedString.includes('"') ? 'string.quoted.double' : 'string.quoted.single');
        assertScope(tokens, '0', 'constant.numeric');
        assertScope(tokens, 'tolower', 'support.function.transformer');
        assertScope(tokens, 'contains', 'keyword.operator.word');
        assertScope(tokens, 'oneof', 'keyword.operator.modifier');
        assertScope(tokens, 'exists', 'keyword.operator.word');

        assertTopLevelKey(tokens, 'priority', nextKeyLine);
        assertScope(tokens, 'INFO', 'string.unquoted.plain', { line: nextKeyLine });
        assertScope(tokens, 'next', 'entity.name.function.macro', { line: nextKeyLine + 1 });
        assertScope(tokens, 'container', 'entity.name.function.macro', { line: nextKeyLine + 2 });
      });
    }

    it('highlights a plain condition on one line with a comment after it', async () => {
      const tokens = await tokenize('- macro: m\n  condition: proc.name = bash and fd.name = "a #b" # note\n  desc: d\n');
      assertScope(tokens, 'proc.name', 'variable.other.field');
      // In a plain scalar, " #" starts a YAML comment even inside the condition's quotes.
      assertScope(tokens, '#', 'comment.line.number-sign', { nth: 0 });
      assertTopLevelKey(tokens, 'desc', 2);
    });

    it('highlights a condition whose value starts on the next line', async () => {
      const tokens = await tokenize('- macro: m\n  condition:\n    proc.name = bash\n    and container\n  desc: d\n');
      assertScope(tokens, 'proc.name', 'variable.other.field');
      assertScope(tokens, 'container', 'entity.name.function.macro');
      assertTopLevelKey(tokens, 'desc', 4);
    });

    it('highlights a multi-line list', async () => {
      const tokens = await tokenize('- macro: m\n  condition: >\n    evt.type in (open,\n      openat) and container\n  desc: d\n');
      assertScope(tokens, 'openat', 'string.unquoted.value');
      assertScope(tokens, ')', 'punctuation.section.list.end');
      assertScope(tokens, 'container', 'entity.name.function.macro');
      assertTopLevelKey(tokens, 'desc', 4);
    });

    it('leaves an override keyword alone', async () => {
      const tokens = await tokenize('- macro: m\n  condition: and proc.name = x\n  override:\n    condition: append\n');
      assertScope(tokens, 'append', 'string.unquoted.plain');
      assert.ok(!scopesOf(tokens, 'append').includes(scope('meta.condition')));
    });
  });

  describe('unfinished conditions', () => {
    const cases: Array<{ name: string; condition: string }> = [
      { name: 'an unclosed list in a folded condition', condition: '>\n    proc.name in (a, b,\n      c' },
      { name: 'an unclosed list in a plain condition', condition: 'proc.name in (a, b' },
      { name: 'an unclosed double quote', condition: '"proc.name = bash' },
      { name: 'an unclosed single quote', condition: "'proc.name = bash" },
      { name: 'an unclosed condition string', condition: '>\n    proc.name = "bash' },
    ];
    for (const { name, condition } of cases) {
      it(`reads the next key after ${name}`, async () => {
        const text = `- rule: r\n  condition: ${condition}\n  output: o %proc.name\n- macro: next\n`;
        const tokens = await tokenize(text);
        const outputLine = text.split('\n').findIndex((line) => line.startsWith('  output:'));
        assertTopLevelKey(tokens, 'output', outputLine);
        assertScope(tokens, 'proc.name', 'variable.other.field', { line: outputLine });
        assertScope(tokens, 'next', 'entity.name.function.macro', { line: outputLine + 1 });
      });
    }
  });

  describe('outputs in each scalar style', () => {
    const OUTPUT_LINES = ['Shell (user=%user.name', 'parent=%proc.aname[2] cmd=%10proc.cmdline', 'lower=%tolower(proc.name))'];
    for (const style of STYLES) {
      it(`highlights placeholders: ${style.name}`, async () => {
        const { text, nextKeyLine } = ruleWith('output', style, OUTPUT_LINES);
        const tokens = await tokenize(text);
        assertScope(tokens, 'user.name', 'variable.other.field');
        assertScope(tokens, 'user.name', 'meta.output');
        assertScope(tokens, '%', 'punctuation.definition.variable');
        assertScope(tokens, 'proc.aname', 'variable.other.field');
        assertScope(tokens, '10', 'constant.numeric.width');
        assertScope(tokens, 'proc.cmdline', 'variable.other.field');
        assertScope(tokens, 'tolower', 'support.function.transformer');
        assertScope(tokens, 'proc.name', 'variable.other.field');
        assertTopLevelKey(tokens, 'priority', nextKeyLine);
      });
    }

    it('keeps escapes in a double-quoted output', async () => {
      const tokens = await tokenize('- rule: r\n  output: "a \\"%proc.name\\""\n  priority: INFO\n');
      assertScope(tokens, '\\"', 'constant.character.escape');
      assertScope(tokens, 'proc.name', 'variable.other.field');
      assertTopLevelKey(tokens, 'priority', 2);
    });
  });

  describe('YAML', () => {
    it('highlights the YAML around the rules', async () => {
      const text = [
        '%YAML 1.2',
        '---',
        '# a comment',
        '- required_engine_version: 0.31.0',
        '- list: shell_binaries',
        '  items: [bash, "csh", \'zsh\', 42, true]',
        '- rule: "Shell in container"',
        '  desc: >-',
        '    Detect a shell: any key-like text here is content',
        '  enabled: false',
        '  priority: &prio WARNING',
        '  source: *prio',
        '  tags:',
        '    - container',
        '    - "quoted \\t tag"',
        '  warn_evttypes: 12',
        '...',
        '',
      ].join('\n');
      const tokens = await tokenize(text);

      assertScope(tokens, '%YAML 1.2', 'meta.directive');
      assertScope(tokens, '---', 'entity.other.document.begin');
      assertScope(tokens, ' a comment', 'comment.line.number-sign');
      assertScope(tokens, '...', 'entity.other.document.end');

      assertTopLevelKey(tokens, 'required_engine_version', 3);
      assertScope(tokens, '0.31.0', 'string.unquoted.plain');
      assertScope(tokens, 'shell_binaries', 'entity.name.type.list');
      assertScope(tokens, 'bash', 'string.unquoted.plain');
      assertScope(tokens, 'csh', 'string.quoted.double');
      assertScope(tokens, 'zsh', 'string.quoted.single');
      assertScope(tokens, '42', 'constant.numeric');
      assertScope(tokens, 'true', 'constant.language');

      assertScope(tokens, '"Shell in container"', 'entity.name.type.rule');
      assertScope(tokens, '>', 'keyword.control.flow.block-scalar.folded');
      assertScope(tokens, '-', 'storage.modifier.chomping-indicator', { line: 7 });
      assertScope(tokens, '    Detect a shell: any key-like text here is content', 'string.unquoted.block');

      assertTopLevelKey(tokens, 'enabled', 9);
      assertScope(tokens, 'false', 'constant.language.boolean');
      assertScope(tokens, 'prio', 'entity.name.type.anchor', { line: 10 });
      assertScope(tokens, 'prio', 'variable.other.alias', { line: 11 });

      assertScope(tokens, '-', 'punctuation.definition.block.sequence.item', { line: 13 });
      assertScope(tokens, 'container', 'string.unquoted.plain');
      assertScope(tokens, '\\t', 'constant.character.escape');
      assertScope(tokens, '12', 'constant.numeric');
    });

    it('highlights exception fields and operators', async () => {
      const text = [
        '- rule: r',
        '  exceptions:',
        '    - name: flow',
        '      fields: [proc.name, fd.directory]',
        '      comps: [=, in]',
        '    - name: block',
        '      fields:',
        '      - proc.pname',
        '      - proc.aname[2]',
        '      comps:',
        '      - startswith',
        '    - fields: proc.exepath',
        '      name: dashed',
        '  output: o',
        '',
      ].join('\n');
      const tokens = await tokenize(text);
      assertScope(tokens, 'proc.name', 'variable.other.field');
      assertScope(tokens, 'fd.directory', 'variable.other.field');
      assertScope(tokens, '=', 'keyword.operator.comparison');
      assertScope(tokens, 'in', 'keyword.operator.word');
      assertScope(tokens, 'proc.pname', 'variable.other.field');
      assertScope(tokens, 'proc.aname', 'variable.other.field');
      assertScope(tokens, 'startswith', 'keyword.operator.word');
      assertScope(tokens, 'proc.exepath', 'variable.other.field');
      assert.deepEqual(scopesOf(tokens, 'name', { line: 12 }), [ROOT_SCOPE, scope('entity.name.tag')]);
      assertTopLevelKey(tokens, 'output', 13);
    });

    it('reads every key of the official rules as a key', async () => {
      const text = readFixture('official', 'rules', 'falco_rules.yaml');
      const tokens = await tokenize(text);
      const lines = text.split('\n');
      let keys = 0;
      lines.forEach((lineText, line) => {
        const key = /^(\s*(?:-\s+)?)([a-z_]+):(?:\s|$)/.exec(lineText);
        if (!key) return;
        keys++;
        const token = tokens.find((t) => t.line === line && t.text === key[2]);
        assert.deepEqual(token?.scopes, [ROOT_SCOPE, scope('entity.name.tag')], `line ${line + 1}: ${lineText}`);
      });
      assert.ok(keys > 400, `only ${keys} keys`);
    });
  });
});

describe('grammar generator', () => {
  it('reproduces the committed grammar', () => {
    const output = join(mkdtempSync(join(tmpdir(), 'falco-grammar-')), 'grammar.json');
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'generate-grammar.mjs'), output]);
    assert.equal(readFileSync(output, 'utf8'), readFileSync(join(ROOT, 'syntaxes', 'falco-rules.tmLanguage.json'), 'utf8'));
  });
});
