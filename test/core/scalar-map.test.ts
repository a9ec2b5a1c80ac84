import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Document, isPair, isScalar, parse, parseAllDocuments, parseDocument, Scalar, visit, YAMLMap, YAMLSeq } from 'yaml';
import { mapScalar, ScalarMap, toDocumentSpan, valueOffsetAt } from '../../server/src/core/yaml/scalar-map';

/** Joins lines with `\n` and ends the text with one. */
function lines(...parts: string[]): string {
  return parts.join('\n') + '\n';
}

/** Returns the value scalars of every `key:` pair in `documents`, in order. */
function scalarsIn(documents: Iterable<Document>, key: string): Scalar[] {
  const found: Scalar[] = [];
  for (const document of documents) {
    visit(document, {
      Pair(_, pair) {
        if (isScalar(pair.key) && pair.key.value === key && isScalar(pair.value)) found.push(pair.value);
      },
    });
  }
  return found;
}

/** Returns the value scalars of every `key:` pair in `text`, across all documents, in order. */
function scalarsOf(text: string, key: string, options: { keepSourceTokens: boolean } = { keepSourceTokens: true }): Scalar[] {
  return scalarsIn(parseAllDocuments(text, options), key);
}

function mapKey(text: string, key: string, occurrence = 0): ScalarMap {
  const node = scalarsOf(text, key)[occurrence];
  assert.ok(node, `no scalar for ${key}: #${occurrence}`);
  return mapScalar(node, text);
}

/** Returns the document text that `toDocumentSpan` gives for a span of the value. */
function coveredText(text: string, map: ScalarMap, start: number, end: number): string {
  const span = toDocumentSpan(map, { start, end });
  return text.slice(span.start, span.end);
}

/**
 * Checks that each value character comes from source text that produces it:
 * the same character, a `''` pair, an escape sequence decoding to it, or a
 * line break that a fold turned into a space or newline.
 */
function assertSourcesProduceValue(text: string, map: ScalarMap, label: string): void {
  const ends = map.ends!;
  for (let i = 0; i < map.value.length; i++) {
    const ch = map.value[i]!;
    const source = text.slice(map.offsets[i], ends[i]);
    if (source === ch) continue;
    if (source === "''" && ch === "'") continue;
    // A block scalar's final newline has no source when the text ends without a line break.
    if (source === '' && ch === '\n' && i === map.value.length - 1) continue;
    if (source === '\n' || source === '\r\n') {
      assert.ok(ch === ' ' || ch === '\n', `${label}: line break at ${map.offsets[i]} produced ${JSON.stringify(ch)}`);
      continue;
    }
    // The low half of a surrogate pair decoded from one escape sits just after the backslash.
    const escapeStart = source.startsWith('\\') ? map.offsets[i]! : map.offsets[i]! - 1;
    const escape = text.slice(escapeStart, ends[i]);
    assert.ok(escape.startsWith('\\'), `${label}: value[${i}] ${JSON.stringify(ch)} comes from ${JSON.stringify(source)}`);
    const decoded = parse(`"${escape}"`) as string;
    assert.equal(decoded[escapeStart === map.offsets[i] ? 0 : 1], ch, `${label}: escape ${JSON.stringify(escape)} at ${escapeStart}`);
  }
}

function assertStrictlyIncreasing(offsets: number[], label: string): void {
  for (let i = 1; i < offsets.length; i++) {
    assert.ok(offsets[i - 1]! < offsets[i]!, `${label}: offsets[${i - 1}] = ${offsets[i - 1]}, offsets[${i}] = ${offsets[i]}`);
  }
}

interface SpanCase {
  /** Text to find in the value, from value index `from`. */
  find: string;
  from?: number;
  /** Document text the span must cover. */
  source: string;
}

interface MapCase {
  name: string;
  text: string;
  key: string;
  occurrence?: number;
  value: string;
  spans: SpanCase[];
}

const crlfRule = [
  '- rule: r',
  '  condition: >',
  '    evt.type = open',
  '    and fd.name = x',
  '',
  '    and y',
  '  output: "a',
  String.raw`    b \"c\""`,
  '  desc: plain',
  '    multi',
  '',
].join('\r\n');

const CASES: MapCase[] = [
  {
    name: 'plain one-line scalar',
    text: lines('- rule: r', '  condition: evt.type = open and fd.name = /etc/shadow'),
    key: 'condition',
    value: 'evt.type = open and fd.name = /etc/shadow',
    spans: [
      { find: 'fd.name', source: 'fd.name' },
      { find: '/etc/shadow', source: '/etc/shadow' },
    ],
  },
  {
    name: 'plain multi-line scalar with a blank line and trailing spaces',
    text: lines('- rule: r', '  condition: evt.type = open', '    and fd.name = x   ', '', '    and proc.name = y', '  output: o'),
    key: 'condition',
    value: 'evt.type = open and fd.name = x\nand proc.name = y',
    spans: [
      { find: 'open and fd', source: 'open\n    and fd' },
      { find: 'x\nand', source: 'x   \n\n    and' },
      // The break before the blank line is the one folding drops.
      { find: '\nand', source: '\n    and' },
      { find: 'y', from: 40, source: 'y' },
    ],
  },
  {
    name: 'double-quoted scalar with escaped quotes',
    text: lines('- rule: r', String.raw`  condition: "fd.ip != \"10.0.0.0/8\" and fd.name = \"a\\b\""`),
    key: 'condition',
    value: 'fd.ip != "10.0.0.0/8" and fd.name = "a\\b"',
    spans: [
      { find: '"10.0.0.0/8"', source: String.raw`\"10.0.0.0/8\"` },
      { find: '10.0.0.0/8', source: '10.0.0.0/8' },
      { find: '"a\\b"', source: String.raw`\"a\\b\"` },
      { find: '"', from: 40, source: String.raw`\"` },
    ],
  },
  {
    name: 'double-quoted scalar with character escapes',
    text: lines(String.raw`output: "line\nnext \x41\u00e9\U0001F600 tab\tend"`),
    key: 'output',
    value: 'line\nnext Aé😀 tab\tend',
    spans: [
      { find: '\n', source: String.raw`\n` },
      { find: 'e\nn', source: String.raw`e\nn` },
      { find: 'A', source: String.raw`\x41` },
      { find: 'é', source: String.raw`\u00e9` },
      { find: '😀', source: String.raw`\U0001F600` },
      { find: 'A\u00e9😀', source: String.raw`\x41\u00e9\U0001F600` },
      { find: '\t', source: String.raw`\t` },
    ],
  },
  {
    name: 'double-quoted scalar folded over lines',
    text: lines('condition: "evt.type = open  ', '    and fd.name = x', '', '    and y \\', '    z"'),
    key: 'condition',
    value: 'evt.type = open and fd.name = x\nand y z',
    spans: [
      { find: 'open and', source: 'open  \n    and' },
      { find: 'x\nand', source: 'x\n\n    and' },
      { find: '\nand', source: '\n    and' },
      { find: 'y z', source: 'y \\\n    z' },
    ],
  },
  {
    name: 'folded block with more-indented and blank lines',
    text: lines(
      '- rule: r',
      '  condition: >',
      '    evt.type = open',
      '    and fd.name in (a, b)',
      '',
      '      more indented',
      '    and proc.name = x',
      '  output: o',
    ),
    key: 'condition',
    value: 'evt.type = open and fd.name in (a, b)\n\n  more indented\nand proc.name = x\n',
    spans: [
      { find: 'open and', source: 'open\n    and' },
      { find: '  more indented', source: '  more indented' },
      { find: '(a, b)\n\n  more', source: '(a, b)\n\n      more' },
      { find: 'indented\nand', source: 'indented\n    and' },
      { find: 'x\n', source: 'x\n' },
    ],
  },
  {
    name: 'literal block with strip chomping',
    text: lines('- rule: r', '  output: |-', '    line one', '      two', '    three', '  priority: WARNING'),
    key: 'output',
    value: 'line one\n  two\nthree',
    spans: [
      { find: 'one\n  two', source: 'one\n      two' },
      { find: 'three', source: 'three' },
      { find: 'line one\n  two\nthree', source: 'line one\n      two\n    three' },
    ],
  },
  {
    name: 'folded block with explicit indentation',
    text: lines('- rule: r', '  condition: >2', '      more indented first', '    next', '  output: o'),
    key: 'condition',
    value: '  more indented first\nnext\n',
    spans: [
      { find: '  more', source: '  more' },
      { find: 'first\nnext', source: 'first\n    next' },
    ],
  },
  {
    name: 'literal block with keep chomping',
    text: lines('output: |+', '  a', '', '', 'next: 1'),
    key: 'output',
    value: 'a\n\n\n',
    spans: [{ find: 'a\n\n\n', source: 'a\n\n\n' }],
  },
  {
    name: 'single-quoted scalar with doubled quotes',
    text: lines("condition: 'proc.name = ''bash'' and", "  fd.name = x'"),
    key: 'condition',
    value: "proc.name = 'bash' and fd.name = x",
    spans: [
      { find: "'bash'", source: "''bash''" },
      { find: 'and fd', source: 'and\n  fd' },
    ],
  },
  {
    name: 'folded block in a CRLF document',
    text: crlfRule,
    key: 'condition',
    value: 'evt.type = open and fd.name = x\nand y\n',
    spans: [
      { find: 'open and', source: 'open\r\n    and' },
      { find: 'x\nand', source: 'x\r\n\r\n    and' },
      { find: '\nand', source: '\r\n    and' },
      { find: 'y\n', source: 'y\r\n' },
    ],
  },
  {
    name: 'double-quoted scalar in a CRLF document',
    text: crlfRule,
    key: 'output',
    value: 'a b "c"',
    spans: [
      { find: 'a b', source: 'a\r\n    b' },
      { find: '"c"', source: String.raw`\"c\"` },
    ],
  },
  {
    name: 'plain scalar in a CRLF document',
    text: crlfRule,
    key: 'desc',
    value: 'plain multi',
    spans: [{ find: 'plain multi', source: 'plain\r\n    multi' }],
  },
  {
    name: 'plain scalar with a trailing comment',
    text: lines('condition: a and b # trailing comment'),
    key: 'condition',
    value: 'a and b',
    spans: [{ find: 'a and b', source: 'a and b' }],
  },
  {
    name: 'block header with a comment',
    text: lines('condition: >- # folded', '  a and', '  b # not a comment', 'next: 1'),
    key: 'condition',
    value: 'a and b # not a comment',
    spans: [{ find: 'and b #', source: 'and\n  b #' }],
  },
  {
    name: 'scalars in a flow map inside a sequence',
    text: lines('- {rule: r, condition: "a and b", output: x y}'),
    key: 'condition',
    value: 'a and b',
    spans: [
      { find: 'and', source: 'and' },
      { find: 'a and b', source: 'a and b' },
    ],
  },
  {
    name: 'plain scalar in a top-level flow map',
    text: '{condition: a and b}',
    key: 'condition',
    value: 'a and b',
    spans: [{ find: 'a and b', source: 'a and b' }],
  },
  {
    name: 'scalar in the second document',
    text: lines('---', '- rule: a', '  condition: x = 1', '---', '- rule: b', '  condition: >', '    y = 2', '    and z'),
    key: 'condition',
    occurrence: 1,
    value: 'y = 2 and z\n',
    spans: [{ find: '2 and z', source: '2\n    and z' }],
  },
  {
    name: 'plain scalar with Tamil text and an emoji',
    text: lines('output: கோப்பு திறக்கப்பட்டது 😀 (file=%fd.name)'),
    key: 'output',
    value: 'கோப்பு திறக்கப்பட்டது 😀 (file=%fd.name)',
    spans: [
      { find: 'திறக்கப்பட்டது', source: 'திறக்கப்பட்டது' },
      { find: '😀', source: '😀' },
      { find: '%fd.name', source: '%fd.name' },
    ],
  },
  {
    name: 'double-quoted non-ASCII text folded over lines',
    text: lines('output: "தமிழ் 😀', '  %fd.name 👍🏽"'),
    key: 'output',
    value: 'தமிழ் 😀 %fd.name 👍🏽',
    spans: [
      { find: '😀 %fd', source: '😀\n  %fd' },
      { find: '👍🏽', source: '👍🏽' },
    ],
  },
  {
    name: 'double-quoted scalar with a raw tab',
    text: lines('output: "a\tb"'),
    key: 'output',
    value: 'a\tb',
    spans: [{ find: '\t', source: '\t' }],
  },
];

describe('mapScalar', () => {
  for (const testCase of CASES) {
    it(`maps ${testCase.name}`, () => {
      const map = mapKey(testCase.text, testCase.key, testCase.occurrence);
      assert.equal(map.value, testCase.value);
      assert.equal(map.exact, true);
      assert.equal(map.offsets.length, map.value.length + 1);
      assertStrictlyIncreasing(map.offsets, testCase.name);
      assertSourcesProduceValue(testCase.text, map, testCase.name);
      for (const spanCase of testCase.spans) {
        const start = map.value.indexOf(spanCase.find, spanCase.from ?? 0);
        assert.notEqual(start, -1, `${JSON.stringify(spanCase.find)} is not in the value`);
        assert.equal(coveredText(testCase.text, map, start, start + spanCase.find.length), spanCase.source);
      }
    });
  }

  it('ends a quoted value at its closing quote', () => {
    const text = lines('output: "a b  ', '   "  # comment');
    const map = mapKey(text, 'output');
    assert.equal(map.value, 'a b ');
    assert.equal(map.offsets[map.value.length], text.indexOf('"', 9));
  });

  it('ends a plain value before its comment', () => {
    const text = lines('condition: a and b   # trailing comment');
    const map = mapKey(text, 'condition');
    assert.equal(map.offsets[map.value.length], text.indexOf('b') + 1);
  });

  it('maps a final newline at the end of text', () => {
    const text = 'condition: |\n  abc';
    const map = mapKey(text, 'condition');
    assert.equal(map.value, 'abc\n');
    assert.equal(map.exact, true);
    assert.deepEqual(map.offsets.slice(3), [text.length, text.length]);
    assert.equal(coveredText(text, map, 0, 4), 'abc');
    assert.equal(coveredText(text, map, 3, 4), '');
  });

  it('maps a block scalar of only blank lines', () => {
    const text = lines('a: |+', '', '', 'b: 1');
    const map = mapKey(text, 'a');
    assert.equal(map.value, '\n\n');
    assert.equal(map.exact, true);
    assert.equal(coveredText(text, map, 0, 2), '\n\n');
  });

  it('maps numbers and booleans as written', () => {
    const text = lines('priority: 0x1F', 'enabled: true', 'skip: ~');
    for (const [key, value] of [['priority', '0x1F'], ['enabled', 'true'], ['skip', '~']] as const) {
      const map = mapKey(text, key);
      assert.equal(map.value, value);
      assert.equal(map.exact, true);
      assert.equal(coveredText(text, map, 0, value.length), value);
    }
  });

  it('maps empty values', () => {
    const text = lines('condition:', 'output: ""', 'desc: >-', 'next: 1');
    const missing = mapKey(text, 'condition');
    assert.equal(missing.value, '');
    assert.equal(missing.exact, true);
    assert.deepEqual(missing.offsets, [text.indexOf(':') + 1]);

    const quoted = mapKey(text, 'output');
    assert.equal(quoted.value, '');
    assert.equal(quoted.exact, true);
    assert.deepEqual(quoted.offsets, [text.indexOf('""') + 1]);

    const block = mapKey(text, 'desc');
    assert.equal(block.value, '');
    assert.equal(block.exact, true);
    assert.equal(block.offsets.length, 1);
  });

  it('falls back when the text does not match the node', () => {
    const text = lines('condition: "a\\nb"');
    const node = scalarsOf(text, 'condition')[0]!;
    const map = mapScalar(node, text.replace('a', 'x'));
    assert.equal(map.value, 'a\nb');
    assert.equal(map.exact, false);
    const scalarStart = text.indexOf('"');
    const scalarEnd = text.lastIndexOf('"') + 1;
    assert.deepEqual(map.offsets, [scalarStart, scalarStart, scalarStart, scalarEnd]);
    assert.deepEqual(toDocumentSpan(map, { start: 1, end: 2 }), { start: scalarStart, end: scalarEnd });
  });

  it('maps nodes parsed without source tokens', () => {
    const text = lines(
      '- rule: r',
      '  condition: >2',
      '      more indented first',
      '    next',
      '  output: "a \\x41',
      '    b"',
      '  desc: |',
      '     x',
      '      y',
    );
    for (const [key, value] of [['condition', '  more indented first\nnext\n'], ['output', 'a A b'], ['desc', 'x\n y\n']] as const) {
      const node = scalarsOf(text, key, { keepSourceTokens: false })[0]!;
      assert.equal(node.srcToken, undefined);
      const map = mapScalar(node, text);
      assert.equal(map.value, value);
      assert.equal(map.exact, true, key);
      assertSourcesProduceValue(text, map, key);
    }
  });

  it('never throws on malformed scalars', () => {
    const inputs = ['a: "abc\\', 'a: "x\\u12"', "a: 'open", 'a: |4\n  x\n', 'a: >\n  \tb\n c', 'a: "\\q \\x4G"', 'a: |0\n  x\n'];
    for (const text of inputs) {
      for (const node of scalarsOf(text, 'a')) {
        const map = mapScalar(node, text);
        assert.equal(map.value, String(node.source ?? node.value), JSON.stringify(text));
        assert.equal(map.offsets.length, map.value.length + 1);
        if (map.exact) assertSourcesProduceValue(text, map, JSON.stringify(text));
      }
    }
  });
});

describe('toDocumentSpan', () => {
  const text = lines(String.raw`condition: "a\nb" and`);
  const map = mapKey(text, 'condition');

  it('ends a span after a whole escape', () => {
    assert.equal(coveredText(text, map, 0, 2), String.raw`a\n`);
    assert.equal(coveredText(text, map, 1, 2), String.raw`\n`);
  });

  it('maps an empty span to a zero-length span', () => {
    const escapeStart = text.indexOf('\\');
    assert.deepEqual(toDocumentSpan(map, { start: 1, end: 1 }), { start: escapeStart, end: escapeStart });
    assert.deepEqual(toDocumentSpan(map, { start: 3, end: 3 }), { start: text.indexOf('"', 12), end: text.indexOf('"', 12) });
  });

  it('clamps spans outside the value', () => {
    assert.equal(coveredText(text, map, -4, 99), String.raw`a\nb`);
    assert.deepEqual(toDocumentSpan(map, { start: 7, end: 2 }), toDocumentSpan(map, { start: 3, end: 3 }));
  });

  it('uses the next offset when a map has no ends', () => {
    const copied: ScalarMap = { value: map.value, offsets: map.offsets, exact: map.exact };
    assert.equal(coveredText(text, copied, 1, 2), String.raw`\n`);
    assert.equal(coveredText(text, copied, 0, 3), String.raw`a\nb`);
  });
});

describe('valueOffsetAt', () => {
  /** Maps the `key` scalar of `marked` with its `$0` marker removed and returns the value offset at the marker. */
  function offsetAtMarker(marked: string, key: string): number | undefined {
    const cursor = marked.indexOf('$0');
    const text = marked.replace('$0', '');
    return valueOffsetAt(mapKey(text, key), cursor);
  }

  const cases: Array<{ name: string; marked: string; expected: number | undefined }> = [
    { name: 'start of a plain value', marked: 'condition: $0a and b\n', expected: 0 },
    { name: 'inside a plain value', marked: 'condition: a an$0d b\n', expected: 4 },
    { name: 'end of a plain value', marked: 'condition: a and b$0\n', expected: 7 },
    { name: 'after a plain value', marked: 'condition: a and b $0# c\n', expected: undefined },
    { name: 'before an opening quote', marked: 'condition: $0"a"\n', expected: undefined },
    { name: 'after an opening quote', marked: 'condition: "$0a"\n', expected: 0 },
    { name: 'before a closing quote', marked: 'condition: "a$0"\n', expected: 1 },
    { name: 'after a closing quote', marked: 'condition: "a"$0\n', expected: undefined },
    { name: 'inside an escape', marked: 'condition: "a\\$0nb"\n', expected: 1 },
    { name: 'after an escape', marked: 'condition: "a\\n$0b"\n', expected: 2 },
    { name: 'trimmed space before a fold', marked: 'condition: "a and $0\n  b"\n', expected: 5 },
    { name: 'indentation after a fold', marked: 'condition: "a and\n $0 b"\n', expected: 6 },
    { name: 'block header line', marked: 'condition: >$0\n  a and\n  b\n', expected: undefined },
    { name: 'second line of a folded block', marked: 'condition: >\n  a and\n  b$0\n', expected: 7 },
    { name: 'line break of a folded block', marked: 'condition: >-\n  a and$0\n  b\n', expected: 5 },
  ];
  for (const testCase of cases) {
    it(`returns the offset at ${testCase.name}`, () => {
      assert.equal(offsetAtMarker(testCase.marked, 'condition'), testCase.expected);
    });
  }

  it('inverts offsets for every character', () => {
    const text = lines('condition: >', '  evt.type = open', '  and fd.name = "x"', '', '    indented');
    const map = mapKey(text, 'condition');
    for (let i = 0; i <= map.value.length; i++) assert.equal(valueOffsetAt(map, map.offsets[i]!), i);
  });
});

// ---------------------------------------------------------------------------
// Round trips through the yaml stringifier, and the official rules files.

/** Small seeded generator (mulberry32), so failures reproduce. */
function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(next: () => number, choices: readonly T[]): T {
  return choices[Math.floor(next() * choices.length)]!;
}

const PRINTABLE_PIECES = [
  'a', 'b', 'z', 'E', '0', '9', '.', '_', '=', '!', '(', ')', ' ', ' ', ' ', '  ', '"', "'", '\\', '\n', '\n', '\n\n', '\t', '#', ':', '- ',
  '{', '}', '[', ']', ',', '&', '*', '|', '>', '%', '@', '`', '?', '---', 'é', 'ß', 'த', 'மி', 'ழ்', '😀', '👍🏽',
  'evt.type = open', ' and ', 'fd.name', '%proc.cmdline',
];
// Characters that only a double-quoted scalar can write, as escapes.
const CONTROL_PIECES = ['\r', '\0', '\x07', '\x1b', '\u0085', '\u00a0', '\u2028', '\ud800'];

function randomString(next: () => number, pieces: readonly string[]): string {
  const length = Math.floor(next() * 24);
  let result = '';
  for (let i = 0; i < length; i++) result += pick(next, pieces);
  return result;
}

const STYLES = [Scalar.PLAIN, Scalar.QUOTE_SINGLE, Scalar.QUOTE_DOUBLE, Scalar.BLOCK_FOLDED, Scalar.BLOCK_LITERAL] as const;

/** Writes `value` as the `condition` of a rule, in a block or flow map. */
function stringifyRule(value: string, style: Scalar.Type, flow: boolean, lineWidth: number): string {
  const scalar = new Scalar(value);
  scalar.type = style;
  const rule = new YAMLMap();
  rule.set('rule', 'r');
  rule.set('condition', scalar);
  rule.flow = flow;
  const items = new YAMLSeq();
  items.items.push(rule);
  const document = new Document();
  document.contents = items;
  return document.toString({ lineWidth, minContentWidth: 0 });
}

/**
 * Writes random scalar source text in any style, with escapes, folds, blank
 * and more-indented lines, explicit indentation and chomping, using
 * `lineBreak` between lines.
 */
function randomScalarSource(next: () => number, lineBreak: () => string): string {
  const words = ['a', 'evt.type', '=', 'open', 'and', '(', ')', '"x"', "'", '#', ':', '-', 'é', 'தமிழ்', '😀', '%fd.name', '\t', ' ', '  ', '\\', ',', '{', '}'];
  const escapes = ['\\n', '\\t', '\\"', '\\\\', '\\x41', '\\u00e9', '\\U0001F600', '\\ ', '\\/', '\\0', '\\_', '\\N', '\\L', '\\e', '\\r', '\\\t'];
  const phrase = (style: string): string => {
    let result = '';
    const count = 1 + Math.floor(next() * 6);
    for (let i = 0; i < count; i++) {
      let word = pick(next, words);
      if (style === 'double' && (word === '\\' || word === '"x"' || next() < 0.3)) word = pick(next, escapes);
      if (style === 'single' && word === "'") word = "''";
      result += word + (next() < 0.6 ? ' ' : '');
    }
    return result;
  };

  const style = pick(next, ['plain', 'single', 'double', 'block', 'block']);
  if (style !== 'block') {
    let quote = '';
    if (style === 'single') quote = "'";
    if (style === 'double') quote = '"';
    let result = quote || 'x ';
    const lineCount = 1 + Math.floor(next() * 4);
    for (let i = 0; i < lineCount; i++) {
      if (i > 0) {
        if (style === 'double' && next() < 0.2) result += '\\';
        result += lineBreak();
        while (next() < 0.3) result += pick(next, ['', ' ', '  ', '\t']) + lineBreak();
        result += ' '.repeat(3 + Math.floor(next() * 4));
      }
      result += phrase(style);
      if (next() < 0.3) result += pick(next, [' ', '\t', '  ']);
    }
    return result + (quote || 'y');
  }

  const indicator = next() < 0.3 ? 1 + Math.floor(next() * 4) : 0;
  const chomping = pick(next, ['', '-', '+']);
  let result = pick(next, ['>', '|']) + (next() < 0.5 ? `${indicator || ''}${chomping}` : `${chomping}${indicator || ''}`);
  if (next() < 0.2) result += ' # comment';
  // The rule's map is indented by 2, so an indicator of n means content at 2 + n.
  const indentation = indicator ? 2 + indicator : 3 + Math.floor(next() * 3);
  result += lineBreak();
  const lineCount = 1 + Math.floor(next() * 6);
  for (let i = 0; i < lineCount; i++) {
    const kind = next();
    if (kind < 0.2) result += ' '.repeat(Math.floor(next() * (indentation + 3)));
    else if (kind < 0.35) result += ' '.repeat(indentation + 1 + Math.floor(next() * 3)) + phrase('block');
    else if (kind < 0.4) result += ' '.repeat(indentation) + '\t' + phrase('block');
    else result += ' '.repeat(indentation) + phrase('block').replace(/^[ \t]+/, '');
    result += lineBreak();
  }
  while (next() < 0.3) result += ' '.repeat(Math.floor(next() * (indentation + 2))) + lineBreak();
  return result.replace(/\r?\n$/, '');
}

function assertExactMap(text: string, node: Scalar, label: string): void {
  const map = mapScalar(node, text);
  assert.equal(map.value, node.source, label);
  assert.equal(map.exact, true, label);
  assert.equal(map.offsets.length, map.value.length + 1, label);
  // Only a final newline that a block scalar adds at the end of the text has no source.
  const synthesized = map.value.endsWith('\n') && map.ends![map.value.length - 1] === map.offsets[map.value.length - 1];
  assertStrictlyIncreasing(synthesized ? map.offsets.slice(0, -1) : map.offsets, label);
  assertSourcesProduceValue(text, map, label);
}

/** Maps every scalar of a document that has YAML errors: values must match and nothing may throw. */
function assertMapsWithoutThrowing(text: string, document: Document, label: string): void {
  visit(document, {
    Scalar(_, node) {
      const map = mapScalar(node, text);
      assert.equal(map.value, String(node.source ?? node.value), label);
      assert.equal(map.offsets.length, map.value.length + 1, label);
      if (map.exact) assertSourcesProduceValue(text, map, label);
    },
  });
}

describe('mapScalar round trips', () => {
  it('maps random strings written in every style', () => {
    const next = randomGenerator(20240611);
    const stylesParsed = new Map<string, number>();
    let invalid = 0;
    let total = 0;
    for (let round = 0; round < 400; round++) {
      const value = randomString(next, round % 2 === 0 ? PRINTABLE_PIECES : [...PRINTABLE_PIECES, ...CONTROL_PIECES]);
      for (const style of STYLES) {
        for (const flow of [false, true]) {
          for (const lineWidth of [80, 12]) {
            const written = stringifyRule(value, style, flow, lineWidth);
            for (const text of [written, written.replace(/\n/g, '\r\n')]) {
              total++;
              const label = `${JSON.stringify(value)} as ${style}${flow ? ' in a flow map' : ''}: ${JSON.stringify(text)}`;
              const document = parseDocument(text, { keepSourceTokens: true });
              if (document.errors.length > 0) {
                // The stringifier writes some values as invalid YAML, such as a plain scalar containing ": ".
                assertMapsWithoutThrowing(text, document, label);
                invalid++;
                continue;
              }
              const node = scalarsIn([document], 'condition')[0];
              assert.ok(node, label);
              assertExactMap(text, node, label);
              stylesParsed.set(String(node.type), (stylesParsed.get(String(node.type)) ?? 0) + 1);
            }
          }
        }
      }
    }
    assert.ok(invalid < total / 20, `${invalid} of ${total} documents were invalid YAML`);
    for (const style of STYLES) assert.ok((stylesParsed.get(style) ?? 0) >= 200, `${style}: ${stylesParsed.get(style)}`);
  });

  it('maps random scalar sources', () => {
    const next = randomGenerator(7);
    let valid = 0;
    for (let round = 0; round < 3000; round++) {
      const lineEnding = pick(next, ['\n', '\n', '\r\n', 'mixed']);
      const lineBreak = (): string => (lineEnding === 'mixed' ? pick(next, ['\n', '\r\n']) : lineEnding);
      const text = `- rule: r${lineBreak()}  condition: ${randomScalarSource(next, lineBreak)}${lineBreak()}  output: o${lineBreak()}`;
      const label = JSON.stringify(text);
      const document = parseDocument(text, { keepSourceTokens: true });
      if (document.errors.length > 0) {
        assertMapsWithoutThrowing(text, document, label);
        continue;
      }
      visit(document, { Scalar: (_, node) => assertExactMap(text, node, label) });
      valid++;
    }
    assert.ok(valid > 2000, `only ${valid} of 3000 sources were valid YAML`);
  });
});

function repositoryRoot(): string {
  let directory = __dirname;
  while (!fs.existsSync(path.join(directory, 'package.json'))) {
    const parent = path.dirname(directory);
    assert.notEqual(parent, directory, 'package.json not found above the test');
    directory = parent;
  }
  return directory;
}

function yamlFilesUnder(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return yamlFilesUnder(full);
    return entry.name.endsWith('.yaml') ? [full] : [];
  });
}

describe('mapScalar on the official rules files', () => {
  const files = yamlFilesUnder(path.join(repositoryRoot(), 'test', 'fixtures', 'official'));

  it('finds the rules files', () => {
    assert.ok(files.length >= 8, `found ${files.length} files`);
  });

  for (const file of files) {
    it(`maps every condition and output in ${path.basename(file)}`, () => {
      const text = fs.readFileSync(file, 'utf8');
      let mapped = 0;
      for (const document of parseAllDocuments(text, { keepSourceTokens: true })) {
        visit(document, {
          Pair(_, pair) {
            if (!isPair(pair) || !isScalar(pair.key) || !isScalar(pair.value)) return;
            if (pair.key.value !== 'condition' && pair.key.value !== 'output') return;
            const node = pair.value;
            assertExactMap(text, node, `${path.basename(file)} at offset ${node.range?.[0]}`);
            mapped++;
          },
        });
      }
      assert.ok(mapped > 0, 'no condition or output found');
    });
  }
});
