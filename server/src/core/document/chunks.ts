/**
 * Cheap split of a rules file into top-level items.
 *
 * A rules file is almost always a block sequence at column 0 whose elements
 * are independent maps. Splitting the text at each `- ` that starts a line
 * lets every item be parsed on its own, so a YAML error in one item never
 * hides the others, and an edit re-parses only the item it touches.
 * Documents that are not a column-0 block sequence (a flow sequence, a map,
 * an indented sequence) become one chunk each and are parsed whole.
 */

export interface Chunk {
  /** Offset of the chunk's first character in the file. */
  start: number;
  /** Offset just after the chunk's last character. */
  end: number;
  /** Index of the YAML document (`---`) the chunk belongs to. */
  documentIndex: number;
  /**
   * `item`: one element of a column-0 block sequence, starting at its `-`.
   * `document`: a whole document that is not such a sequence.
   * `trivia`: comments, blank lines and directives only.
   */
  kind: 'item' | 'document' | 'trivia';
}

const ITEM_START = /^-(?:[ \t]|$)/;
const KIND_ITEM_START = /^-[ \t]+(?:rule|macro|list|required_engine_version|required_plugin_versions)[ \t]*:/;
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?:[ \t]|$)/;
const ANCHOR = /(?:^|[\s\[{,:-])&[^\s,\[\]{}]/;
const COLUMN0_KEY_WITHOUT_VALUE = /^[^\s#\-][^:#]*:[ \t]*(?:#.*)?$/;

interface Line {
  start: number;
  /** Offset after the line's text, before its line break. */
  end: number;
  /** Offset after the line break. */
  next: number;
  text: string;
}

function splitLines(text: string, from: number): Line[] {
  const lines: Line[] = [];
  let start = from;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    const next = end === -1 ? text.length : end + 1;
    if (end === -1) end = text.length;
    const contentEnd = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    lines.push({ start, end: contentEnd, next, text: text.slice(start, contentEnd) });
    start = next;
  }
  return lines;
}

function isTrivia(line: string): boolean {
  const trimmed = line.trimStart();
  return trimmed === '' || trimmed.startsWith('#') || (line.startsWith('%') && line === trimmed);
}

/** Splits `text` into chunks that together cover it, in order, except a leading byte-order mark. */
export function splitIntoChunks(text: string): Chunk[] {
  const lines = splitLines(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  const chunks: Chunk[] = [];
  let documentIndex = 0;
  let lineIndex = 0;

  while (lineIndex < lines.length) {
    // One document: up to the next `---` or `...` marker line.
    let documentEnd = lineIndex;
    while (documentEnd < lines.length && !(documentEnd > lineIndex && DOCUMENT_MARKER.test(lines[documentEnd]!.text))) {
      documentEnd++;
    }
    splitDocument(lines, lineIndex, documentEnd, documentIndex, chunks);
    lineIndex = documentEnd;
    documentIndex++;
  }
  return chunks;
}

function splitDocument(lines: Line[], first: number, end: number, documentIndex: number, chunks: Chunk[]): void {
  // Skip a leading `---` marker, comments and directives.
  let contentLine = first;
  while (contentLine < end && (isTrivia(lines[contentLine]!.text) || /^---[ \t]*$/.test(lines[contentLine]!.text))) {
    contentLine++;
  }
  const push = (from: number, to: number, kind: Chunk['kind']) => {
    if (from >= to) return;
    chunks.push({ start: lines[from]!.start, end: lines[to - 1]!.next, documentIndex, kind });
  };

  if (contentLine >= end) {
    push(first, end, 'trivia');
    return;
  }
  const markerHasContent = /^---[ \t]+[^#\s]/.test(lines[first]!.text);
  // An alias may refer to an anchor in another item, which only a whole-document parse resolves.
  const usesAnchors = lines.slice(contentLine, end).some((line) => ANCHOR.test(line.text));
  if (markerHasContent || usesAnchors || !ITEM_START.test(lines[contentLine]!.text)) {
    push(first, end, 'document');
    return;
  }

  push(first, contentLine, 'trivia');
  let itemStart = contentLine;
  // True after a column-0 `key:` with no value, whose `- x` lines belong to it.
  let inColumn0Sequence = false;
  for (let i = contentLine + 1; i < end; i++) {
    const line = lines[i]!.text;
    if (ITEM_START.test(line)) {
      if (inColumn0Sequence && !KIND_ITEM_START.test(line)) continue;
      push(itemStart, i, 'item');
      itemStart = i;
      inColumn0Sequence = false;
    } else if (!isTrivia(line) && !/^\s/.test(line)) {
      inColumn0Sequence = COLUMN0_KEY_WITHOUT_VALUE.test(line);
    }
  }
  push(itemStart, end, 'item');
}
