/**
 * Rewriting regular expressions written for other tools (`=~` in Perl, awk
 * or Sigma, which find a match anywhere in the value) into what Falco's
 * `regex` operator means. Falco compiles the pattern with RE2's POSIX
 * options and matches the whole value (libs sinsp_filtercheck.cpp:
 * `re2::RE2::POSIX`, `ANCHOR_BOTH`), so the POSIX syntax has no `\d`, `\w`,
 * `\s`, `(?:` or lazy quantifiers, and an unanchored pattern needs `.*` on
 * the open sides.
 */

type RegexToken =
  /** `\x`: an escaped character or a Perl class such as `\d`. */
  | { kind: 'escape'; text: string }
  /** `[...]`, brackets included. */
  | { kind: 'class'; text: string }
  | { kind: 'open'; text: string }
  | { kind: 'close'; text: ')' }
  | { kind: 'alternation'; text: '|' }
  /** `*`, `+`, `?` or `{n,m}`, with a lazy `?` after it dropped. */
  | { kind: 'quantifier'; text: string }
  | { kind: 'anchor'; text: '^' | '$' }
  | { kind: 'char'; text: string };

const PERL_CLASSES: Record<string, string> = {
  '\\d': '[0-9]',
  '\\D': '[^0-9]',
  '\\w': '[[:word:]]',
  '\\W': '[^[:word:]]',
  '\\s': '[[:space:]]',
  '\\S': '[^[:space:]]',
};

const PERL_CLASSES_IN_BRACKETS: Record<string, string> = { '\\d': '0-9', '\\w': '[:word:]', '\\s': '[:space:]' };

/**
 * Splits a pattern into tokens, with Perl classes and non-capturing groups
 * translated to POSIX syntax. Returns undefined for what POSIX RE2 cannot
 * express: flags such as `(?i)`, named groups, `\b`, `\A`, `\z`, `\p{..}`.
 */
function tokenizeRegex(pattern: string): RegexToken[] | undefined {
  const tokens: RegexToken[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      if (i + 1 >= pattern.length) return undefined;
      const escape = pattern.slice(i, i + 2);
      if (/^\\[bBAzCQEpPG1-9]$/.test(escape)) return undefined;
      tokens.push(PERL_CLASSES[escape] ? { kind: 'class', text: PERL_CLASSES[escape]! } : { kind: 'escape', text: escape });
      i += 2;
    } else if (c === '[') {
      const end = classEnd(pattern, i);
      if (end === -1) return undefined;
      const translated = translateClass(pattern.slice(i, end));
      if (translated === undefined) return undefined;
      tokens.push({ kind: 'class', text: translated });
      i = end;
    } else if (c === '(') {
      if (pattern.startsWith('(?:', i)) {
        tokens.push({ kind: 'open', text: '(' });
        i += 3;
      } else if (pattern[i + 1] === '?') {
        return undefined;
      } else {
        tokens.push({ kind: 'open', text: '(' });
        i++;
      }
    } else if (c === ')') {
      tokens.push({ kind: 'close', text: ')' });
      i++;
    } else if (c === '|') {
      tokens.push({ kind: 'alternation', text: '|' });
      i++;
    } else if (c === '*' || c === '+' || c === '?' || (c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i)))) {
      const text = c === '{' ? /^\{\d+(,\d*)?\}/.exec(pattern.slice(i))![0] : c;
      i += text.length;
      // Lazy and greedy repetition accept the same values when the whole value must match.
      if (pattern[i] === '?') i++;
      tokens.push({ kind: 'quantifier', text });
    } else if (c === '^' || c === '$') {
      tokens.push({ kind: 'anchor', text: c });
      i++;
    } else {
      const length = (pattern.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
      tokens.push({ kind: 'char', text: pattern.slice(i, i + length) });
      i += length;
    }
  }
  return tokens;
}

/** Returns the offset after the `]` that closes the class opened at `start`, or -1. */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  while (i < pattern.length) {
    if (pattern[i] === '\\') i += 2;
    else if (pattern.startsWith('[:', i)) {
      const close = pattern.indexOf(':]', i + 2);
      if (close === -1) return -1;
      i = close + 2;
    } else if (pattern[i] === ']') return i + 1;
    else i++;
  }
  return -1;
}

/** Replaces `\d`, `\w`, `\s` inside a bracket class; undefined for negated Perl classes there. */
function translateClass(text: string): string | undefined {
  let result = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') {
      result += text[i];
      continue;
    }
    const escape = text.slice(i, i + 2);
    if (PERL_CLASSES_IN_BRACKETS[escape]) result += PERL_CLASSES_IN_BRACKETS[escape];
    else if (/^\\[DWSpP]$/.test(escape)) return undefined;
    else result += escape;
    i++;
  }
  return result;
}

/** Splits tokens at the `|` outside any group. */
function splitAlternatives(tokens: readonly RegexToken[]): RegexToken[][] {
  const alternatives: RegexToken[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'open') depth++;
    else if (token.kind === 'close') depth--;
    if (token.kind === 'alternation' && depth === 0) alternatives.push([]);
    else alternatives[alternatives.length - 1]!.push(token);
  }
  return alternatives;
}

function isAnyRun(tokens: readonly RegexToken[], at: number): boolean {
  return tokens[at]?.kind === 'char' && tokens[at]!.text === '.' && tokens[at + 1]?.kind === 'quantifier' && tokens[at + 1]!.text === '*';
}

/**
 * Converts a pattern that matches anywhere in the value (anchored only by
 * its `^` or `$`) into the RE2 POSIX pattern that Falco's whole-value
 * match reads the same way: `^10\.` becomes `10\..*`, `bash` becomes
 * `.*bash.*`. Returns undefined for a pattern that cannot be converted, such
 * as one with `^` or `$` inside a group.
 */
export function toFullMatchRegex(pattern: string): string | undefined {
  const tokens = tokenizeRegex(pattern);
  if (!tokens) return undefined;
  const converted: string[] = [];
  for (const alternative of splitAlternatives(tokens)) {
    const body = [...alternative];
    const anchoredStart = body[0]?.kind === 'anchor' && body[0].text === '^';
    if (anchoredStart) body.shift();
    const last = body[body.length - 1];
    const anchoredEnd = last?.kind === 'anchor' && last.text === '$';
    if (anchoredEnd) body.pop();
    if (body.some((token) => token.kind === 'anchor')) return undefined;
    let text = body.map((token) => token.text).join('');
    if (!anchoredStart && !isAnyRun(body, 0)) text = '.*' + text;
    if (!anchoredEnd && !(body.length >= 2 && isAnyRun(body, body.length - 2)) && text !== '.*') text += '.*';
    converted.push(text);
  }
  return converted.join('|');
}

/**
 * Returns the literal text a pattern matches when it is nothing but text
 * with optional anchors, as the simpler operators take it: `^/tmp/` is the
 * prefix `/tmp/`. Returns undefined for patterns with any other special character.
 */
export function literalPattern(pattern: string): { text: string; anchoredStart: boolean; anchoredEnd: boolean } | undefined {
  const tokens = tokenizeRegex(pattern);
  if (!tokens || tokens.length === 0) return undefined;
  const anchoredStart = tokens[0]!.kind === 'anchor' && tokens[0]!.text === '^';
  const last = tokens[tokens.length - 1]!;
  const anchoredEnd = last.kind === 'anchor' && last.text === '$' && tokens.length > (anchoredStart ? 1 : 0);
  const body = tokens.slice(anchoredStart ? 1 : 0, anchoredEnd ? -1 : undefined);
  let text = '';
  for (const token of body) {
    if (token.kind === 'char' && token.text !== '.') text += token.text;
    else if (token.kind === 'escape' && /^\\[^A-Za-z0-9]$/.test(token.text)) text += token.text[1];
    else return undefined;
  }
  return text === '' ? undefined : { text, anchoredStart, anchoredEnd };
}

/**
 * Derives the network that an address regex such as `^10\.` or
 * `^172\.(1[6-9]|2\d|3[0-1])\.` selects when it is applied to the dotted
 * text of an IPv4 address. Each octet between `\.` must match only digits,
 * the octets before the last must be single numbers and the values of the
 * last must form one aligned block. `exact` is true when every octet is
 * written as a plain number, so no octet pattern had to be evaluated.
 */
export function networkFromRegex(pattern: string): { cidr: string; exact: boolean } | undefined {
  const tokens = tokenizeRegex(pattern);
  if (!tokens || tokens[0]?.kind !== 'anchor' || tokens[0].text !== '^') return undefined;
  const body = tokens.slice(1);
  const anchoredEnd = body[body.length - 1]?.kind === 'anchor' && body[body.length - 1]!.text === '$';
  if (anchoredEnd) body.pop();

  // Split at the top-level `\.` into octet patterns.
  const octets: RegexToken[][] = [[]];
  let depth = 0;
  for (const token of body) {
    if (token.kind === 'open') depth++;
    else if (token.kind === 'close') depth--;
    if (token.kind === 'escape' && token.text === '\\.' && depth === 0) octets.push([]);
    else octets[octets.length - 1]!.push(token);
  }
  const tail = octets.pop()!;
  if (anchoredEnd) {
    // `^10\.0\.0\.1$`: four octets, the last one before the `$`.
    octets.push(tail);
    if (octets.length !== 4) return undefined;
  } else if (!(tail.length === 0 || (tail.length === 2 && isAnyRun(tail, 0))) || octets.length === 0 || octets.length > 3) {
    return undefined;
  }

  const values: number[][] = [];
  for (const octet of octets) {
    const matched = octetValues(octet);
    if (!matched || matched.length === 0) return undefined;
    values.push(matched);
  }
  for (const single of values.slice(0, -1)) if (single.length !== 1) return undefined;
  const lastValues = values[values.length - 1]!;
  const blockSize = lastValues.length;
  const first = lastValues[0]!;
  if ((blockSize & (blockSize - 1)) !== 0 || first % blockSize !== 0 || lastValues.some((v, i) => v !== first + i)) return undefined;

  const address = [...values.slice(0, -1).map((v) => v[0]!), first];
  while (address.length < 4) address.push(0);
  const prefix = 8 * values.length - Math.log2(blockSize);
  const exact = octets.every((octet) => octet.every((token) => token.kind === 'char' && /^[0-9]$/.test(token.text)));
  return { cidr: `${address.join('.')}/${prefix}`, exact };
}

/** Returns the octet values 0-255 whose decimal text an octet pattern matches, or undefined when the pattern could match more than digits. */
function octetValues(octet: readonly RegexToken[]): number[] | undefined {
  if (octet.length === 0) return undefined;
  for (const token of octet) {
    if (token.kind === 'char' && !/^[0-9]$/.test(token.text)) return undefined;
    if (token.kind === 'escape' || token.kind === 'anchor') return undefined;
    if (token.kind === 'class' && !/^\[[0-9-]+\]$/.test(token.text)) return undefined;
  }
  const source = octet.map((token) => token.text).join('');
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${source})$`);
  } catch {
    return undefined;
  }
  const values: number[] = [];
  for (let value = 0; value <= 255; value++) if (regex.test(String(value))) values.push(value);
  return values;
}
