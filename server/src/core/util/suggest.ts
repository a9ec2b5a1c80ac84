/**
 * "Did you mean" suggestions by edit distance.
 */

/** Levenshtein distance, stopping early once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (current[j]! < rowMin) rowMin = current[j]!;
    }
    if (rowMin > limit) return limit + 1;
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

/**
 * Returns up to `max` candidates close to `word`, best first. A candidate is
 * close when its edit distance is at most a third of the word's length (at
 * least 1), or when one of the two starts with the other.
 */
export function suggest(word: string, candidates: Iterable<string>, max = 3): string[] {
  // A frozen array cannot change, so its results can be reused: a file that uses one undefined macro in a thousand rules computes them once.
  const memo = Array.isArray(candidates) && Object.isFrozen(candidates) ? (frozenMemo.get(candidates) ?? new Map<string, string[]>()) : undefined;
  if (memo) frozenMemo.set(candidates as readonly string[], memo);
  const memoKey = `${max}:${word}`;
  const remembered = memo?.get(memoKey);
  if (remembered) return [...remembered];
  const result = computeSuggestions(word, candidates, max);
  memo?.set(memoKey, result);
  return [...result];
}

/** Suggestions per frozen candidate array, then per `max:word`. */
const frozenMemo = new WeakMap<readonly string[], Map<string, string[]>>();

function computeSuggestions(word: string, candidates: Iterable<string>, max: number): string[] {
  const lower = word.toLowerCase();
  const limit = Math.max(1, Math.floor(lower.length / 3));
  const scored: Array<{ candidate: string; score: number }> = [];
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const other = candidate.toLowerCase();
    const distance = editDistance(lower, other, limit + 2);
    if (distance <= limit) scored.push({ candidate, score: distance });
    else if (Math.min(lower.length, other.length) >= 4 && (other.startsWith(lower) || lower.startsWith(other))) {
      // A name that extends the word, or that the word extends, ranks after the close ones.
      scored.push({ candidate, score: limit + 1 });
    }
  }
  scored.sort((x, y) => x.score - y.score || x.candidate.localeCompare(y.candidate));
  return scored.slice(0, max).map((s) => s.candidate);
}

/** Formats suggestions as a sentence fragment: ` Did you mean 'a' or 'b'?`, or '' when there are none. */
export function didYouMean(suggestions: string[]): string {
  if (suggestions.length === 0) return '';
  const quoted = suggestions.map((s) => `'${s}'`);
  const last = quoted.pop()!;
  return ` Did you mean ${quoted.length ? `${quoted.join(', ')} or ${last}` : last}?`;
}
