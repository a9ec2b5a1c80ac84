/** Orders strings by UTF-16 code units, as `<` does: stable across locales, unlike `localeCompare`. */
export function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}
