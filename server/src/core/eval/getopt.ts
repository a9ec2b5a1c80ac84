/**
 * The `getopt(args, optstring)[c]` transformer, as libs implements it
 * (libs userspace/libsinsp/sinsp_filtercheck_multivalue_transformer.cpp):
 * short options only, scanning stops at `--` or at the first non-option,
 * long options (`--exec`) are skipped.
 */

/**
 * Returns the options and values found in `args`. Without a selector, that is
 * every option character followed by its value when it takes one, and `?` for
 * an unknown option. With a selector, it is the value of the last occurrence of
 * that option: the option itself when it takes no value, and an empty string
 * when its value is missing. Returns undefined when the selected option is
 * absent, which fails the extraction as in libs.
 */
export function getopt(args: readonly string[], optstring: string, selector?: string): string[] | undefined {
  const start = optstring.startsWith(':') ? 1 : 0;
  const valid = new Set<string>();
  const withValue = new Set<string>();
  for (let i = start; i < optstring.length; i++) {
    const option = optstring[i]!;
    if (option === ':') continue;
    valid.add(option);
    if (optstring[i + 1] === ':') {
      withValue.add(option);
      i++;
    }
  }

  const results: string[] = [];
  let selected: string | undefined;
  const emit = (name: string, value: string | undefined) => {
    if (selector !== undefined) {
      selected = value ?? name;
      return;
    }
    results.push(name);
    if (value !== undefined) results.push(value);
  };

  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--') break;
    if (arg.length > 2 && arg.startsWith('--')) continue;
    if (arg.length <= 1 || arg[0] !== '-') break;
    for (let i = 1; i < arg.length; i++) {
      const option = arg[i]!;
      if (option === ':' || !valid.has(option)) {
        if (selector === undefined) results.push('?');
        continue;
      }
      const matches = selector === undefined || option === selector;
      if (!withValue.has(option)) {
        if (matches) emit(option, undefined);
        continue;
      }
      // The value is the rest of this token (`-tvalue`) or the next argument (`-t value`).
      let value: string | undefined;
      if (i + 1 < arg.length) value = arg.slice(i + 1);
      else if (index + 1 < args.length) value = args[++index]!;
      if (matches) {
        if (value === undefined) emit('', undefined);
        else emit(option, value);
      }
      break;
    }
  }

  if (selector !== undefined) return selected === undefined ? undefined : [selected];
  return results;
}
