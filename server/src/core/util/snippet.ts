/**
 * Expansion of LSP / VS Code snippet syntax to the plain text an editor
 * inserts when the user accepts every default. `${1:default}` becomes its
 * default and `${1|a,b|}` its first choice. `$1` becomes the default of the
 * placeholder with the same number, or nothing when none has one. `$0` and
 * variables become nothing, or a variable's default. A backslash escapes
 * `$`, `}` and `\` everywhere, and `,` and `|` inside choices, as the
 * snippet syntax of the LSP specification defines.
 */

type SnippetNode =
  | { kind: 'text'; text: string }
  | { kind: 'tabstop'; index: number; children?: SnippetNode[] }
  | { kind: 'choice'; index: number; first: string }
  | { kind: 'variable'; children?: SnippetNode[] };

/** Returns the text the snippet inserts when every placeholder keeps its default. */
export function expandSnippet(snippet: string): string {
  const parser = new SnippetParser(snippet);
  const nodes = parser.parseSequence(false);
  const defaults = new Map<number, string>();
  collectDefaults(nodes, defaults);
  return render(nodes, defaults);
}

function collectDefaults(nodes: SnippetNode[], defaults: Map<number, string>): void {
  for (const node of nodes) {
    if (node.kind === 'choice' && !defaults.has(node.index)) defaults.set(node.index, node.first);
    if ((node.kind === 'tabstop' || node.kind === 'variable') && node.children) {
      collectDefaults(node.children, defaults);
      if (node.kind === 'tabstop' && !defaults.has(node.index)) defaults.set(node.index, render(node.children, defaults));
    }
  }
}

function render(nodes: SnippetNode[], defaults: Map<number, string>): string {
  let text = '';
  for (const node of nodes) {
    if (node.kind === 'text') text += node.text;
    else if (node.kind === 'choice') text += node.first;
    else if (node.kind === 'variable') text += node.children ? render(node.children, defaults) : '';
    else if (node.children) text += render(node.children, defaults);
    else text += defaults.get(node.index) ?? '';
  }
  return text;
}

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

/** Recursive-descent parser; text it cannot read as a snippet construct stays literal, as editors keep it. */
class SnippetParser {
  private position = 0;

  constructor(private readonly source: string) {}

  /** Parses up to the end, or up to the `}` that closes a placeholder when `nested`. */
  parseSequence(nested: boolean): SnippetNode[] {
    const nodes: SnippetNode[] = [];
    let text = '';
    const flush = () => {
      if (text) nodes.push({ kind: 'text', text });
      text = '';
    };
    while (this.position < this.source.length) {
      const char = this.source[this.position]!;
      if (char === '\\' && '$}\\'.includes(this.source[this.position + 1] ?? '')) {
        text += this.source[this.position + 1];
        this.position += 2;
        continue;
      }
      if (nested && char === '}') break;
      if (char === '$') {
        const node = this.parseDollar();
        if (node) {
          flush();
          nodes.push(node);
          continue;
        }
      }
      text += char;
      this.position++;
    }
    flush();
    return nodes;
  }

  /** Parses the construct at a `$`; returns undefined, without moving, when it is a literal `$`. */
  private parseDollar(): SnippetNode | undefined {
    const start = this.position;
    const next = this.source[start + 1] ?? '';
    if (DIGIT.test(next)) {
      this.position = start + 1;
      return { kind: 'tabstop', index: this.readNumber() };
    }
    if (NAME_START.test(next)) {
      this.position = start + 1;
      this.readName();
      return { kind: 'variable' };
    }
    if (next !== '{') return undefined;
    this.position = start + 2;
    const node = DIGIT.test(this.source[this.position] ?? '') ? this.parseBracedTabstop() : this.parseBracedVariable();
    if (!node) this.position = start;
    return node;
  }

  private parseBracedTabstop(): SnippetNode | undefined {
    const index = this.readNumber();
    const char = this.source[this.position];
    if (char === '}') {
      this.position++;
      return { kind: 'tabstop', index };
    }
    if (char === ':') {
      this.position++;
      const children = this.parseSequence(true);
      if (this.source[this.position] !== '}') return undefined;
      this.position++;
      return { kind: 'tabstop', index, children };
    }
    if (char === '|') {
      this.position++;
      const first = this.readChoices();
      if (first === undefined) return undefined;
      return { kind: 'choice', index, first };
    }
    return undefined;
  }

  private parseBracedVariable(): SnippetNode | undefined {
    if (!NAME_START.test(this.source[this.position] ?? '')) return undefined;
    this.readName();
    const char = this.source[this.position];
    if (char === '}') {
      this.position++;
      return { kind: 'variable' };
    }
    if (char !== ':') return undefined;
    this.position++;
    const children = this.parseSequence(true);
    if (this.source[this.position] !== '}') return undefined;
    this.position++;
    return { kind: 'variable', children };
  }

  /** Reads `a,b|}` after `${n|`; returns the first choice, or undefined when the choice is not closed. */
  private readChoices(): string | undefined {
    const choices: string[] = [];
    let current = '';
    while (this.position < this.source.length) {
      const char = this.source[this.position]!;
      if (char === '\\' && ',|$}\\'.includes(this.source[this.position + 1] ?? '')) {
        current += this.source[this.position + 1];
        this.position += 2;
        continue;
      }
      if (char === ',') {
        choices.push(current);
        current = '';
        this.position++;
        continue;
      }
      if (char === '|' && this.source[this.position + 1] === '}') {
        choices.push(current);
        this.position += 2;
        return choices[0];
      }
      current += char;
      this.position++;
    }
    return undefined;
  }

  private readNumber(): number {
    const start = this.position;
    while (DIGIT.test(this.source[this.position] ?? '')) this.position++;
    return Number(this.source.slice(start, this.position));
  }

  private readName(): void {
    while (NAME_PART.test(this.source[this.position] ?? '')) this.position++;
  }
}
