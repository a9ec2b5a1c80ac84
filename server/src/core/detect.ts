/**
 * Recognises a Falco rules file by its content: a YAML file whose first
 * top-level item is a `rule`, `macro`, `list` or `required_engine_version`
 * (or `required_plugin_versions`). Reads only the first lines, so it is cheap
 * enough to run on every YAML file the editor opens.
 */
const FIRST_ITEM = /^-[ \t]+(rule|macro|list|required_engine_version|required_plugin_versions)[ \t]*:/;
const MAX_LINES_SCANNED = 200;

export function looksLikeFalcoRules(text: string): boolean {
  let start = 0;
  for (let line = 0; line < MAX_LINES_SCANNED && start < text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const content = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    const trimmed = content.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed === '---' || content.startsWith('%')) continue;
    return FIRST_ITEM.test(content);
  }
  return false;
}
