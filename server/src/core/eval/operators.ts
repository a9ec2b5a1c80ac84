/**
 * Falco's comparison operators on plain values, as libs implements them
 * (libs userspace/libsinsp/filter_compare.cpp `flt_compare`, utils.cpp
 * `glob_match`, prefix_search.h, sinsp_filtercheck.cpp `compare_rhs`).
 *
 * Strings are JavaScript strings, compared by UTF-16 code unit where libs
 * compares bytes. The two orders agree on ASCII and on code points below
 * U+10000; they can differ for `<`/`>` between characters above and below
 * U+E000 and for glob `?` on characters outside the BMP.
 */

/** `fnmatch(pattern, text, flags)` without FNM_PATHNAME or FNM_PERIOD, so `*` also matches `/` and a leading `.`. */
export function globMatch(pattern: string, text: string, caseInsensitive = false): boolean {
  const p = caseInsensitive ? pattern.toLowerCase() : pattern;
  const t = caseInsensitive ? text.toLowerCase() : text;
  return globAt(p, 0, t, 0);
}

function globAt(pattern: string, pi: number, text: string, ti: number): boolean {
  while (pi < pattern.length) {
    const char = pattern[pi]!;
    if (char === '*') {
      while (pattern[pi] === '*') pi++;
      if (pi === pattern.length) return true;
      for (let k = ti; k <= text.length; k++) if (globAt(pattern, pi, text, k)) return true;
      return false;
    }
    if (ti >= text.length) return false;
    if (char === '?') {
      pi++;
      ti++;
      continue;
    }
    if (char === '[') {
      const bracket = matchBracket(pattern, pi, text[ti]!);
      if (bracket) {
        if (!bracket.matched) return false;
        pi = bracket.end;
        ti++;
        continue;
      }
      // An unclosed `[` matches itself, as in glibc.
    }
    let literal = char;
    if (char === '\\' && pi + 1 < pattern.length) {
      pi++;
      literal = pattern[pi]!;
    }
    if (literal !== text[ti]) return false;
    pi++;
    ti++;
  }
  return ti === text.length;
}

const POSIX_CLASSES: Record<string, RegExp> = {
  alnum: /[A-Za-z0-9]/, alpha: /[A-Za-z]/, blank: /[ \t]/, cntrl: /[\x00-\x1f\x7f]/, digit: /[0-9]/, graph: /[\x21-\x7e]/,
  lower: /[a-z]/, print: /[\x20-\x7e]/, punct: /[!-/:-@[-`{-~]/, space: /[ \t\n\r\f\v]/, upper: /[A-Z]/, xdigit: /[0-9A-Fa-f]/,
};

/** Matches one character against the bracket expression at `start`; undefined when the bracket is not closed. */
function matchBracket(pattern: string, start: number, char: string): { matched: boolean; end: number } | undefined {
  let i = start + 1;
  const negated = pattern[i] === '!' || pattern[i] === '^';
  if (negated) i++;
  let matched = false;
  let first = true;
  while (i < pattern.length) {
    if (pattern[i] === ']' && !first) return { matched: matched !== negated, end: i + 1 };
    first = false;
    if (pattern.startsWith('[:', i)) {
      const close = pattern.indexOf(':]', i + 2);
      const name = close === -1 ? undefined : pattern.slice(i + 2, close);
      const test = name === undefined ? undefined : POSIX_CLASSES[name];
      if (test) {
        if (test.test(char)) matched = true;
        i = close + 2;
        continue;
      }
    }
    let low = pattern[i]!;
    if (low === '\\' && i + 1 < pattern.length) low = pattern[++i]!;
    i++;
    if (pattern[i] === '-' && i + 1 < pattern.length && pattern[i + 1] !== ']') {
      let high = pattern[i + 1]!;
      i += 2;
      if (high === '\\' && i < pattern.length) high = pattern[i++]!;
      if (low <= char && char <= high) matched = true;
    } else if (low === char) {
      matched = true;
    }
  }
  return undefined;
}

/** Splits a path into its non-empty components, as libs `split_path` does. */
function pathComponents(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

/**
 * `pmatch`: true when one of `searchPaths` is a component-wise prefix of
 * `path`. A search component with `*`, `?` or `[` is a glob for one
 * component (libs prefix_search.h).
 */
export function pathPrefixMatch(path: string, searchPaths: readonly string[]): boolean {
  const components = pathComponents(path);
  return searchPaths.some((searchPath) => {
    const prefix = pathComponents(searchPath);
    if (prefix.length > components.length) return false;
    return prefix.every((part, index) => (/[?*[]/.test(part) ? globMatch(part, components[index]!) : part === components[index]));
  });
}

/** `icontains` uses strcasestr, which folds ASCII letters only. */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Compares strings as strcmp does on their code units: negative, zero or positive. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Converts a string to its UTF-8 bytes as a lower-case hex string, for `bcontains` and `bstartswith`. */
export function utf8Hex(text: string): string {
  return [...new TextEncoder().encode(text)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Translates an RE2 pattern (POSIX syntax, as Falco compiles `regex` values)
 * into a JavaScript RegExp that matches the whole value. POSIX classes such as
 * `[[:digit:]]` become JavaScript ranges. Returns undefined when JavaScript
 * cannot compile the result.
 */
// NOTE: RE2 matches bytes of UTF-8 and JavaScript matches UTF-16 code units, so `.` and
// bracket ranges can differ on non-ASCII text, and RE2's POSIX mode may let `^` and `$` match at
// line breaks. The evaluator flags both cases. Patterns RE2 rejects are checked before this.
export function translateRegex(pattern: string): RegExp | undefined {
  const classes: Record<string, string> = {
    alnum: 'A-Za-z0-9', alpha: 'A-Za-z', blank: ' \\t', cntrl: '\\x00-\\x1f\\x7f', digit: '0-9', graph: '\\x21-\\x7e', lower: 'a-z',
    print: '\\x20-\\x7e', punct: '!-\\/:-@\\[-`{-~', space: ' \\t\\n\\r\\f\\v', upper: 'A-Z', word: 'A-Za-z0-9_', xdigit: '0-9A-Fa-f',
  };
  const translated = pattern.replace(/\[:([a-z]+):\]/g, (whole, name: string) => classes[name] ?? whole);
  try {
    return new RegExp(`^(?:${translated})$`);
  } catch {
    return undefined;
  }
}
