/**
 * Hostile input: files built to exhaust time, memory or the stack (alias
 * bombs, huge files and conditions, deep nesting, binary data, broken
 * encodings). Each must end in a diagnostic or a normal result, never a
 * throw or a hang. The time bounds are generous: they only catch
 * exponential or quadratic work, which takes minutes on these inputs.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_LIMITS, doHover, fixAllText, getCodeActions, RulesWorkspace } from '../../server/src/core';
import type { Limits } from '../../server/src/core';
import { MAX_REPORTED_ERRORS, parseCondition } from '../../server/src/core/condition/parser';
import { utf8Size } from '../../server/src/core/limits';
import { suggest } from '../../server/src/core/util/suggest';
import { check, readFixture, ROOT } from '../helpers';
import { Prng } from './mutate';
import { runCoreCase } from './run-case';

const URI = 'file:///hostile_rules.yaml';

function rule(name: string, condition: string, output = 'o'): string {
  return `- rule: ${name}\n  desc: d\n  condition: ${condition}\n  output: ${output}\n  priority: INFO\n`;
}

/** Checks `text` alone and returns its diagnostics with the time it took. */
function timedCheck(text: string, limits?: Partial<Limits>) {
  const workspace = new RulesWorkspace({ useDefaultRules: false, ...(limits ? { limits } : {}) });
  const started = performance.now();
  workspace.setFile(URI, text);
  const diagnostics = workspace.diagnostics(URI).map((d) => ({ ...d, covered: text.slice(d.span.start, d.span.end) }));
  return { workspace, diagnostics, milliseconds: performance.now() - started };
}

/** Runs every core feature on `text` at a few positions and returns what broke. */
function featureFailures(text: string): string[] {
  return runCoreCase({ seed: 7, index: 0, source: 'hostile', text, mutations: [] }, 4).failures;
}

const SECONDS = 1000;

describe('hostile input', function () {
  this.timeout(120_000);

  describe('YAML', () => {
    it('alias bomb in exception values', () => {
      let text = rule('r', 'evt.type = openat') + '  exceptions:\n    - name: e0\n      fields: [proc.name]\n      values: &a0 [[x], [x], [x], [x], [x], [x], [x], [x], [x], [x]]\n';
      for (let i = 1; i < 12; i++) text += `    - name: e${i}\n      fields: [proc.name]\n      values: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
      const { diagnostics, milliseconds } = timedCheck(text);
      // Expanded, the last alias would stand for 10^12 values.
      assert.ok(milliseconds < 10 * SECONDS, `took ${milliseconds} ms`);
      assert.deepEqual(diagnostics.filter((d) => d.code === 'internal-error'), []);
      assert.deepEqual(featureFailures(text), []);
    });

    it('alias bomb under unknown keys', () => {
      let text = '- macro: m\n  condition: evt.type = openat\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
      for (let i = 1; i < 12; i++) text += `  a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
      const { diagnostics, milliseconds } = timedCheck(text);
      assert.ok(milliseconds < 10 * SECONDS, `took ${milliseconds} ms`);
      assert.deepEqual(diagnostics.filter((d) => d.code === 'LOAD_UNKNOWN_KEY').map((d) => d.covered), ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'a10', 'a11']);
    });

    it('list bomb of nested Falco lists', () => {
      let text = '- list: l0\n  items: [a, b]\n';
      for (let i = 1; i < 40; i++) text += `- list: l${i}\n  items: [l${i - 1}, l${i - 1}]\n`;
      text += rule('r', 'evt.type = openat and proc.name in (l39)');
      const { diagnostics, milliseconds } = timedCheck(text);
      assert.ok(milliseconds < 20 * SECONDS, `took ${milliseconds} ms`);
      assert.deepEqual(diagnostics.map((d) => d.code), []);
    });

    it('10,000 nested flow sequences', () => {
      const text = `- rule: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
      const { diagnostics } = timedCheck(text);
      assert.equal(diagnostics.length, 1);
      assert.equal(diagnostics[0]!.code, 'limit-exceeded');
      assert.match(diagnostics[0]!.message, /more than 100 levels deep.*falco\.limits\.maxNestingDepth/);
      // The top-level sequence and the item's map are two levels, so the 99th bracket opens level 101.
      assert.equal(diagnostics[0]!.covered, '[');
      assert.equal(diagnostics[0]!.span.start, text.indexOf('[') + 98);
    });

    it('10,000 compact nested block sequences', () => {
      const { diagnostics } = timedCheck(`${'- '.repeat(10_000)}x\n`);
      assert.deepEqual(diagnostics.map((d) => d.code), ['limit-exceeded']);
      assert.match(diagnostics[0]!.message, /maxNestingDepth/);
    });

    it('nesting depth limit is a setting', () => {
      const text = rule('r', 'evt.type = openat') + `  tags: ${'['.repeat(150)}x${']'.repeat(150)}\n`;
      assert.deepEqual(timedCheck(text).diagnostics.map((d) => d.code), ['limit-exceeded']);
      const raised = timedCheck(text, { maxNestingDepth: 200 }).diagnostics;
      assert.equal(raised.filter((d) => /levels deep/.test(d.message)).length, 0);
      assert.ok(raised.length > 0, 'the tags are still invalid once read');
    });

    it('official rules stay within the nesting limit', () => {
      for (const name of ['falco_rules.yaml', 'falco-sandbox_rules.yaml', 'falco-incubating_rules.yaml']) {
        const text = readFixture('official', 'rules', name);
        const deep = check(text, { useDefaultRules: false }).filter((d) => /levels deep/.test(d.message));
        assert.deepEqual(deep, [], name);
      }
    });
  });

  describe('size', () => {
    const sandbox = readFixture('official', 'rules', 'falco-sandbox_rules.yaml');

    it('5 MB file gets one diagnostic', () => {
      let text = '';
      for (let copy = 0; text.length < 5_000_000; copy++) text += sandbox.replace(/^- (rule|macro|list): (.*)$/gm, `- $1: $2 ${copy}`);
      const { workspace, diagnostics, milliseconds } = timedCheck(text);
      assert.ok(milliseconds < 5 * SECONDS, `took ${milliseconds} ms`);
      assert.equal(diagnostics.length, 1);
      const [diagnostic] = diagnostics;
      assert.equal(diagnostic!.code, 'limit-exceeded');
      assert.equal(diagnostic!.severity, 'warning');
      assert.equal(diagnostic!.covered, text.slice(0, text.indexOf('\n')));
      assert.ok(diagnostic!.message.includes(`(${utf8Size(text).toLocaleString('en-US')} bytes)`), diagnostic!.message);
      assert.match(diagnostic!.message, /over the limit of 2\.0 MiB \(2,097,152 bytes\).*falco\.limits\.maxFileSize/);
      assert.deepEqual(workspace.getDocument(URI)!.items, []);
      assert.deepEqual(featureFailures(text.slice(0, 3_000_000)), []);
    });

    it('file size limit counts UTF-8 bytes', () => {
      // 400 three-byte characters: 1,200 bytes in 400 UTF-16 code units.
      const text = rule('r', 'evt.type = openat', 'x'.repeat(10) + 'é'.repeat(400));
      const bytes = utf8Size(text);
      assert.equal(bytes, text.length + 400);
      assert.deepEqual(timedCheck(text, { maxFileSize: bytes - 1 }).diagnostics.map((d) => d.code), ['limit-exceeded']);
      assert.deepEqual(timedCheck(text, { maxFileSize: bytes }).diagnostics.map((d) => d.code), []);
    });

    it('raising the limit re-reads the file', () => {
      const text = rule('r', 'evt.type = openat and proc.nme = x');
      const workspace = new RulesWorkspace({ useDefaultRules: false, limits: { maxFileSize: 10 } });
      workspace.setFile(URI, text);
      assert.deepEqual(workspace.diagnostics(URI).map((d) => d.code), ['limit-exceeded']);
      workspace.setOptions({ useDefaultRules: false, limits: { maxFileSize: 1000 } });
      assert.deepEqual(workspace.diagnostics(URI).map((d) => d.code), ['LOAD_ERR_COMPILE_CONDITION']);
    });

    it('1 MB single-line condition gets one diagnostic', () => {
      const condition = `evt.type = openat and proc.name in (${Array(100_000).fill('abcdefghi').join(',')})`;
      const text = rule('long', condition) + rule('short', 'evt.type = openat and proc.nme = x');
      const { diagnostics, milliseconds } = timedCheck(text);
      assert.ok(milliseconds < 10 * SECONDS, `took ${milliseconds} ms`);
      assert.deepEqual(diagnostics.map((d) => [d.code, d.covered]), [
        ['limit-exceeded', 'condition'],
        ['LOAD_ERR_COMPILE_CONDITION', 'proc.nme'],
      ]);
      assert.match(diagnostics[0]!.message, /is 1,000,036 characters long, over the limit of 65,536.*falco\.limits\.maxConditionLength/);
    });

    it('condition length limit is a setting', () => {
      const text = rule('r', `evt.type = openat and proc.name in (${Array(200).fill('bash').join(', ')})`);
      assert.deepEqual(timedCheck(text, { maxConditionLength: 100 }).diagnostics.map((d) => d.code), ['limit-exceeded']);
      assert.deepEqual(timedCheck(text, { maxConditionLength: 10_000 }).diagnostics.map((d) => d.code), []);
    });

    it('3,000 rules in one file', () => {
      let text = '';
      for (let i = 0; i < 3000; i++) text += rule(`rule ${i}`, `evt.type = openat and proc.name = p${i}`, `o %proc.name`);
      text += rule('broken', 'evt.type = openat and proc.nme = x');
      const { diagnostics, milliseconds } = timedCheck(text);
      assert.ok(milliseconds < 30 * SECONDS, `took ${milliseconds} ms`);
      assert.deepEqual(diagnostics.map((d) => d.covered), ['proc.nme']);
    });

    it('one undefined macro in 3,000 rules', () => {
      let text = '';
      for (let i = 0; i < 3000; i++) text += `- macro: macro_number_${i}\n  condition: proc.name = p${i}\n`;
      for (let i = 0; i < 3000; i++) text += rule(`rule ${i}`, `evt.type = openat and macro_number_${i} and macro_numbr_1`);
      const { workspace, diagnostics, milliseconds } = timedCheck(text);
      // Suggesting a name for each use from scratch compares 9 million pairs of names.
      assert.ok(milliseconds < 15 * SECONDS, `took ${milliseconds} ms`);
      assert.equal(diagnostics.length, 3000);
      assert.match(diagnostics[2999]!.message, /Undefined macro 'macro_numbr_1' used in filter\. Did you mean 'macro_number_1'/);
      const program = workspace.getProgram();
      assert.equal(program.namesOf('macro'), program.namesOf('macro'));
      assert.ok(Object.isFrozen(program.namesOf('macro')));
    });

    it('suggestions from frozen arrays', () => {
      const names = ['spawned_process', 'spawned_processes', 'open_write', 'container'];
      const frozen = Object.freeze([...names]);
      assert.deepEqual(suggest('spawned_proces', frozen), suggest('spawned_proces', names));
      assert.deepEqual(suggest('spawned_proces', frozen), ['spawned_process', 'spawned_processes']);
      const first = suggest('containr', frozen);
      first.push('changed by the caller');
      assert.deepEqual(suggest('containr', frozen), ['container']);
    });

    it('defaults are documented in package.json', () => {
      const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { default: unknown }> } } };
      const properties = manifest.contributes.configuration.properties;
      for (const [key, value] of Object.entries(DEFAULT_LIMITS)) assert.equal(properties[`falco.limits.${key}`]?.default, value, key);
    });
  });

  describe('conditions', () => {
    it('10,000 nested parentheses', () => {
      const text = rule('r', `${'('.repeat(10_000)}evt.type = openat${')'.repeat(10_000)}`);
      const { diagnostics } = timedCheck(text);
      assert.deepEqual(diagnostics.map((d) => [d.code, d.message]), [['LOAD_ERR_COMPILE_CONDITION', 'Exceeded max depth limit of 1000.']]);
      assert.deepEqual(featureFailures(text), []);
    });

    it('10,000 not keywords keep their parity', () => {
      const even = parseCondition(`${'not '.repeat(10_000)}a`).expr!;
      assert.equal(even.kind, 'not');
      assert.equal(even.kind === 'not' && even.operand.kind, 'not');
      assert.equal(even.kind === 'not' && even.operand.kind === 'not' && even.operand.operand.kind, 'identifier');
      const odd = parseCondition(`${'not '.repeat(10_001)}a`).expr!;
      assert.equal(odd.kind === 'not' && odd.operand.kind, 'identifier');
      assert.deepEqual(parseCondition('not not a').errors, []);
    });

    it('hover inside 10,000 not keywords', () => {
      const condition = `evt.type = openat and ${'not '.repeat(10_000)}proc.name = x`;
      const text = rule('r', condition);
      const { workspace } = timedCheck(text);
      const hover = doHover(workspace, URI, text.indexOf('proc.name') + 2);
      assert.match(hover!.contents, /proc\.name/);
      assert.deepEqual(featureFailures(text), []);
    });

    it('chain of 3,000 macros', () => {
      let text = '';
      for (let i = 0; i < 3000; i++) text += `- macro: m${i}\n  condition: ${i ? `m${i - 1}` : 'proc.name = x'}\n`;
      text += rule('r', 'm2999 and fd.name = /etc/passwd');
      const { workspace, diagnostics } = timedCheck(text);
      const noEventType = diagnostics.find((d) => d.code === 'LOAD_NO_EVTTYPE')!;
      assert.equal(noEventType.covered, 'condition');
      // The fixer of this warning walks the macros the condition uses.
      const actions = getCodeActions(workspace, URI, noEventType.span, [noEventType]);
      assert.ok(actions.some((action) => /evt\.type/.test(action.title)), actions.map((a) => a.title).join(', '));
    });

    it('run of 20,000 closing parentheses', () => {
      const text = rule('r', `evt.type = openat${' )'.repeat(20_000)}`);
      const { workspace, diagnostics } = timedCheck(text);
      assert.equal(parseCondition(`evt.type = openat${' )'.repeat(20_000)}`).errors.length, MAX_REPORTED_ERRORS);
      assert.equal(diagnostics.filter((d) => d.code === 'LOAD_ERR_COMPILE_CONDITION').length, MAX_REPORTED_ERRORS);
      const started = performance.now();
      fixAllText(workspace, URI);
      const milliseconds = performance.now() - started;
      assert.ok(milliseconds < 10 * SECONDS, `fix-all took ${milliseconds} ms`);
    });
  });

  describe('encodings', () => {
    it('binary content', () => {
      const rng = new Prng(99);
      let text = '';
      for (let i = 0; i < 100_000; i++) text += String.fromCharCode(rng.int(256));
      const { diagnostics } = timedCheck(text);
      assert.ok(diagnostics.length > 0);
      assert.ok(diagnostics.every((d) => d.code.startsWith('LOAD_ERR_YAML')), diagnostics.map((d) => d.code).join(', '));
      assert.deepEqual(featureFailures(text), []);
    });

    it('CRLF line endings give the same diagnostics', () => {
      const text = readFixture('cases', 'seed-pci-rules.indented.yaml');
      const lf = check(text).map((d) => [d.code, d.covered]);
      const crlf = check(text.replace(/\n/g, '\r\n')).map((d) => [d.code, d.covered.replace(/\r\n/g, '\n')]);
      assert.ok(lf.length > 30);
      assert.deepEqual(crlf, lf);
    });

    it('byte order mark gives the same diagnostics', () => {
      const text = readFixture('cases', 'seed-pci-rules.indented.yaml');
      const plain = check(text).map((d) => [d.code, d.covered]);
      assert.deepEqual(check(`\uFEFF${text}`).map((d) => [d.code, d.covered]), plain);
    });

    it('lone surrogates and NUL', () => {
      const text = rule('r\uD800', 'evt.type = openat and proc.name = "\u0000\uDC00"', '%proc.name \uD83D');
      assert.deepEqual(featureFailures(text), []);
    });
  });

  describe('CLI', () => {
    const CLI = join(ROOT, 'out', 'cli.js');
    const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT });
    const folder = mkdtempSync(join(tmpdir(), 'falco-hostile-'));

    it('warns about invalid UTF-8 and still checks', () => {
      const file = join(folder, 'latin1_rules.yaml');
      const before = Buffer.from('- rule: r\n  desc: "caf');
      const after = Buffer.from('"\n  condition: evt.type = openat and proc.nme = x\n  output: o\n  priority: INFO\n');
      writeFileSync(file, Buffer.concat([before, Buffer.from([0xe9]), after]));
      const result = run('lint', '--no-default-rules', '--format', 'json', file);
      const diagnostics = JSON.parse(result.stdout) as Array<{ code: string; line: number; column: number; message: string }>;
      assert.deepEqual(diagnostics.map((d) => [d.code, d.line, d.column]), [
        ['invalid-utf8', 2, 13],
        ['LOAD_ERR_COMPILE_CONDITION', 3, 36],
      ]);
      assert.match(diagnostics[0]!.message, /is not valid UTF-8.*Save the file as UTF-8/);
      assert.equal(result.status, 1);
    });

    it('--fix leaves a file with invalid UTF-8 unchanged', () => {
      const file = join(folder, 'fixable_rules.yaml');
      const bytes = Buffer.concat([Buffer.from('- rule: r\n  desc: "'), Buffer.from([0xff]), Buffer.from('"\n  condition: evt.type = openat\n  output: "%(proc.name)"\n  priority: INFO\n')]);
      writeFileSync(file, bytes);
      const result = run('lint', '--no-default-rules', '--fix', '--format', 'json', file);
      assert.deepEqual(readFileSync(file), bytes);
      const codes = (JSON.parse(result.stdout) as Array<{ code: string; message: string }>).map((d) => d.code);
      assert.deepEqual(codes, ['invalid-utf8', 'LOAD_ERR_COMPILE_OUTPUT']);
    });

    it('--max-file-size skips a larger file', () => {
      const file = join(folder, 'small_rules.yaml');
      writeFileSync(file, rule('r', 'evt.type = openat'));
      const result = run('lint', '--no-default-rules', '--max-file-size', '20', file);
      assert.equal(result.status, 1);
      assert.match(result.stdout, /small_rules\.yaml:1:1: warning limit-exceeded This file is 0\.0 MiB \(80 bytes\), over the limit of 0\.0 MiB \(20 bytes\)/);
      assert.equal(run('lint', '--no-default-rules', '--max-file-size=80', file).status, 0);
    });

    it('falco-json reports a file over the size limit', () => {
      const file = join(folder, 'large_rules.yaml');
      writeFileSync(file, rule('r', 'evt.type = openat'));
      const result = run('lint', '--no-default-rules', '--format', 'falco-json', '--max-file-size', '20', file);
      assert.equal(result.status, 1);
      const [loaded] = (JSON.parse(result.stdout) as { falco_load_results: Array<{ successful: boolean; errors: Array<{ code: string; message: string }> }> }).falco_load_results;
      assert.equal(loaded!.successful, false);
      assert.deepEqual(loaded!.errors.map((e) => e.code), ['LOAD_ERR_FILE_READ']);
      assert.match(loaded!.errors[0]!.message, /over the limit of 0\.0 MiB \(20 bytes\)/);
    });

    it('--max-nesting-depth rejects an invalid value', () => {
      const result = run('lint', '--max-nesting-depth', 'deep', 'x.yaml');
      assert.equal(result.status, 2);
      assert.match(result.stderr, /Invalid value 'deep' for --max-nesting-depth: write a positive whole number/);
    });

    it('CRLF and BOM give the same positions', () => {
      const text = readFixture('cases', 'seed-pci-rules.indented.yaml');
      const plain = join(folder, 'plain_rules.yaml');
      const windows = join(folder, 'windows_rules.yaml');
      writeFileSync(plain, text);
      writeFileSync(windows, `\uFEFF${text.replace(/\n/g, '\r\n')}`);
      const positions = (file: string) => (JSON.parse(run('lint', '--format', 'json', file).stdout) as Array<{ code: string; line: number; column: number; endLine: number; endColumn: number }>).map((d) => [d.code, d.line, d.column, d.endLine, d.endColumn]);
      const expected = positions(plain);
      assert.ok(expected.length > 30);
      // The BOM is one UTF-16 code unit on line 1 and shifts its columns only.
      assert.deepEqual(positions(windows).filter((d) => d[1] !== 1), expected.filter((d) => d[1] !== 1));
    });
  });
});
