/**
 * System calls that newer variants have largely replaced: current C
 * libraries and tools call `openat` for `open()`, `renameat2` for `mv`,
 * `unlinkat` for `rm`, so a rule that selects only the old event misses most
 * of what it means to catch. Only variants that do the same thing are
 * listed: `creat` is not a variant of `openat`, nor `rmdir` of `unlinkat`.
 * `execve` is left out: `execveat` is rare outside `fexecve`, and rules
 * written `evt.type = execve` are too common to warn about.
 */

/** Each old event with its newer variants, in the order rules usually list them. */
export const EVENT_VARIANTS: ReadonlyMap<string, readonly string[]> = new Map([
  ['open', ['openat', 'openat2']],
  ['rename', ['renameat', 'renameat2']],
  ['unlink', ['unlinkat']],
  ['mkdir', ['mkdirat']],
  ['chmod', ['fchmod', 'fchmodat']],
  ['accept', ['accept4']],
  ['dup', ['dup2', 'dup3']],
]);

/**
 * Returns the variants of `event` to add when `selected` contains the event
 * but none of its variants; undefined otherwise.
 */
export function missingVariants(event: string, selected: readonly string[]): readonly string[] | undefined {
  const variants = EVENT_VARIANTS.get(event);
  if (!variants || !selected.includes(event) || variants.some((variant) => selected.includes(variant))) return undefined;
  return variants;
}
