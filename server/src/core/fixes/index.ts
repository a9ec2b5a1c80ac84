/**
 * The fixers of each diagnostic code; `*` applies to every code. One file per
 * kind of fix; each returns its actions best first.
 */
import type { Fixer } from './types';
import { suggestionsFixer } from './suggestions';

export const FIXERS: Record<string, Fixer[]> = {
  '*': [suggestionsFixer],
};
