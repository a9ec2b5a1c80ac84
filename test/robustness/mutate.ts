/**
 * The fuzzer's mutation engine, shared by the fuzz tests and
 * scripts/bench-fuzz.mjs: a seeded PRNG, a corpus of official rules files,
 * and mutators that damage a window of a file the way typing, pasting and
 * merging do.
 *
 * A case depends only on the seed and its index, so any failure can be
 * replayed alone with `generateCase(corpus, seed, index)`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalog } from '../../server/src/core/catalog';
import { ALL_OPERATORS, FIELD_TRANSFORMERS } from '../../server/src/core/condition/lexer';

/** mulberry32: a small, fast 32-bit PRNG, good enough to spread mutations and fully determined by its seed. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Returns a float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Returns an integer in [0, bound). */
  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }
}

export interface CorpusFile {
  name: string;
  text: string;
}

/** Reads the official rules files under `fixturesDir`/official, sorted by name so the corpus is stable. */
export function loadCorpus(fixturesDir: string): CorpusFile[] {
  const files: CorpusFile[] = [];
  for (const folder of ['rules', 'plugin-rules']) {
    const dir = join(fixturesDir, 'official', folder);
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort()) {
      files.push({ name: `${folder}/${name}`, text: readFileSync(join(dir, name), 'utf8') });
    }
  }
  return files;
}

const FIELD_NAMES = catalog.fields.map((field) => field.name);
const EVENT_NAMES = catalog.events.map((event) => event.name);

/** Text a user might type or paste into a rules file, beyond field names and operators. */
const FRAGMENTS = [
  '(', ')', '((', '))', '"', "'", '`', '%', '%(', '%proc.name', '%(proc.name)s', ',', '[', ']', '{', '}', ':', ': ', '- ', '-',
  '#', ' # comment', '|', '>', '|-', '>+', '&anchor ', '*anchor', '!!str ', '!tag ', '---\n', '...\n', '\\', '\\"', '\t', '\n', '\r', '\r\n',
  ' and ', ' or ', ' not ', 'not(', ' in (', ' pmatch (', 'evt.arg.', 'evt.arg[', 'evt.type=', 'evt.type in (', 'val(', 'tolower(', 'exists',
  '- rule: ', '- macro: ', '- list: ', 'condition: ', 'output: ', 'items: ', 'exceptions:\n  - name: e\n    fields: [', 'override:\n    condition: ',
  'append: true', 'priority: ', 'tags: [', 'PCI_DSS_10.2.5', 'required_engine_version: ', 'source: ', '0x', '1e308', '-1', '18446744073709551616',
  '10.0.0.0/8', '::1', '*', '?', '=~', '!~', '~=',
];

/** Non-ASCII text: accents, CJK, emoji (surrogate pairs), a lone surrogate, zero-width and bidi controls, NUL, BOM. */
const NON_ASCII = ['é', 'ß', '中文', 'Ω', '😀', '👩‍💻', '\uD800', '\uDC00', '\u200B', '\u202E', '\u0000', '\uFEFF', '\u00A0', '\u2028', 'ﬁ'];

export interface Mutator {
  name: string;
  /** Returns the mutated text and a short description of what changed, for reports. */
  apply(text: string, rng: Prng): { text: string; detail: string };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** Returns the lines of `text` with their line breaks, so joining them gives the text back. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function insertAt(text: string, rng: Prng, fragment: string): { text: string; detail: string } {
  const offset = rng.int(text.length + 1);
  return { text: text.slice(0, offset) + fragment + text.slice(offset), detail: `${JSON.stringify(fragment)} at ${offset}` };
}

export const MUTATORS: readonly Mutator[] = [
  {
    name: 'delete-chars',
    apply(text, rng) {
      const start = rng.int(text.length + 1);
      const length = 1 + rng.int(rng.chance(0.2) ? 200 : 8);
      return { text: text.slice(0, start) + text.slice(start + length), detail: `${length} at ${start}` };
    },
  },
  {
    name: 'duplicate-chars',
    apply(text, rng) {
      const start = rng.int(text.length + 1);
      const length = 1 + rng.int(rng.chance(0.2) ? 200 : 8);
      const copied = text.slice(start, start + length);
      return { text: text.slice(0, start) + copied + text.slice(start), detail: `${copied.length} at ${start}` };
    },
  },
  {
    name: 'swap-chars',
    apply(text, rng) {
      if (text.length < 2) return { text, detail: 'too short' };
      const a = rng.int(text.length);
      const b = rng.chance(0.7) ? Math.min(text.length - 1, a + 1) : rng.int(text.length);
      const [first, second] = a < b ? [a, b] : [b, a];
      if (first === second) return { text, detail: 'same position' };
      const swapped = text.slice(0, first) + text[second] + text.slice(first + 1, second) + text[first] + text.slice(second + 1);
      return { text: swapped, detail: `${first} and ${second}` };
    },
  },
  {
    name: 'delete-line',
    apply(text, rng) {
      const lines = splitLines(text);
      if (lines.length === 0) return { text, detail: 'no line' };
      const index = rng.int(lines.length);
      lines.splice(index, 1);
      return { text: lines.join(''), detail: `line ${index + 1}` };
    },
  },
  {
    name: 'duplicate-line',
    apply(text, rng) {
      const lines = splitLines(text);
      if (lines.length === 0) return { text, detail: 'no line' };
      const index = rng.int(lines.length);
      const line = lines[index]!.endsWith('\n') ? lines[index]! : `${lines[index]!}\n`;
      lines.splice(index, 0, line);
      return { text: lines.join(''), detail: `line ${index + 1}` };
    },
  },
  {
    name: 'swap-lines',
    apply(text, rng) {
      const lines = splitLines(text).map((line) => (line.endsWith('\n') ? line : `${line}\n`));
      if (lines.length < 2) return { text, detail: 'too few lines' };
      const a = rng.int(lines.length);
      const b = rng.chance(0.6) ? Math.min(lines.length - 1, a + 1) : rng.int(lines.length);
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return { text: lines.join(''), detail: `lines ${a + 1} and ${b + 1}` };
    },
  },
  {
    name: 'break-indentation',
    apply(text, rng) {
      const starts = lineStarts(text);
      const start = starts[rng.int(starts.length)]!;
      let end = start;
      while (text[end] === ' ' || text[end] === '\t') end++;
      const indentation = rng.pick(['', ' ', '  ', '   ', '    ', '\t', '  \t', ' '.repeat(1 + rng.int(40))]);
      return { text: text.slice(0, start) + indentation + text.slice(end), detail: `line at ${start} to ${JSON.stringify(indentation)}` };
    },
  },
  {
    name: 'truncate',
    apply(text, rng) {
      const end = rng.int(text.length + 1);
      return { text: text.slice(0, end), detail: `at ${end}` };
    },
  },
  { name: 'insert-field', apply: (text, rng) => insertAt(text, rng, rng.pick([' ', '', '(', '%']) + rng.pick(FIELD_NAMES) + rng.pick(['', ' ', '.', '[', '[0]', ' = x', ')'])) },
  { name: 'insert-operator', apply: (text, rng) => insertAt(text, rng, ` ${rng.pick(ALL_OPERATORS)} `) },
  { name: 'insert-transformer', apply: (text, rng) => insertAt(text, rng, `${rng.pick(FIELD_TRANSFORMERS)}(${rng.pick(FIELD_NAMES)}`) },
  { name: 'insert-event', apply: (text, rng) => insertAt(text, rng, rng.pick(['evt.type=', 'evt.type in (', '', ' ']) + rng.pick(EVENT_NAMES)) },
  { name: 'insert-fragment', apply: (text, rng) => insertAt(text, rng, rng.pick(FRAGMENTS)) },
  { name: 'insert-non-ascii', apply: (text, rng) => insertAt(text, rng, rng.pick(NON_ASCII)) },
  {
    name: 'crlf',
    apply(text, rng) {
      if (rng.chance(0.5)) return { text: text.replace(/\r?\n/g, '\r\n'), detail: 'every line' };
      const starts = lineStarts(text).slice(1);
      if (starts.length === 0) return { text, detail: 'single line' };
      const at = starts[rng.int(starts.length)]! - 1;
      return { text: `${text.slice(0, at)}\r${text.slice(at)}`, detail: `line break at ${at}` };
    },
  },
  {
    // Long runs find recursion that only deep input reaches, such as thousands of `not` or `(`.
    name: 'repeat-fragment',
    apply(text, rng) {
      const fragment = rng.pick(['not ', '(', ')', 'not(', 'a and ', '[', '{', '- ', '  ', '%', '"', ' or (']);
      const times = 50 + rng.int(3000);
      const offset = rng.int(text.length + 1);
      return { text: text.slice(0, offset) + fragment.repeat(times) + text.slice(offset), detail: `${JSON.stringify(fragment)} x${times} at ${offset}` };
    },
  },
  {
    name: 'bom',
    apply: (text) => ({ text: text.startsWith('\uFEFF') ? text : `\uFEFF${text}`, detail: 'at start' }),
  },
];

export interface FuzzCase {
  seed: number;
  index: number;
  /** Corpus file the window came from. */
  source: string;
  text: string;
  /** Each applied mutation as `name: detail`, in order. */
  mutations: string[];
}

/**
 * Builds case `index` of the run with `seed`: a window of consecutive
 * top-level items of one corpus file, damaged by one to four mutations.
 */
export function generateCase(corpus: readonly CorpusFile[], seed: number, index: number): FuzzCase {
  const rng = new Prng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const file = rng.pick(corpus);
  const itemStarts = [...file.text.matchAll(/^- /gm)].map((match) => match.index!);
  const first = itemStarts.length ? rng.int(itemStarts.length) : 0;
  const count = 1 + rng.int(12);
  const start = itemStarts[first] ?? 0;
  const end = itemStarts[first + count] ?? file.text.length;
  let text = file.text.slice(start, end);

  const mutations: string[] = [];
  const rounds = 1 + rng.int(4);
  for (let i = 0; i < rounds; i++) {
    const mutator = rng.pick(MUTATORS);
    const result = mutator.apply(text, rng);
    text = result.text;
    mutations.push(`${mutator.name}: ${result.detail}`);
  }
  return { seed, index, source: `${file.name} items ${first + 1}-${first + count}`, text, mutations };
}
