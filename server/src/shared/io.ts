/**
 * Small helpers that both the CLI and the language server use: reading a
 * file safely and converting offsets of many documents to positions.
 */
import { readFileSync, statSync } from 'node:fs';
import { TextDocument } from 'vscode-languageserver-textdocument';

/**
 * Reads a regular file. Devices, pipes and sockets are rejected before any
 * byte is read, because /dev/zero never ends and a pipe can block forever.
 */
export function readRegularFile(path: string): Buffer {
  if (!statSync(path).isFile()) throw Object.assign(new Error(`'${path}' is not a regular file`), { code: 'ENOTREGULAR' });
  return readFileSync(path);
}

/** Returns a converter from document offsets to 0-based positions that indexes each document's lines once. */
export function positionConverter(): (uri: string, text: string, offset: number) => { line: number; character: number } {
  const documents = new Map<string, TextDocument>();
  return (uri, text, offset) => {
    let document = documents.get(uri);
    if (!document) {
      document = TextDocument.create(uri, 'falco-rules', 0, text);
      documents.set(uri, document);
    }
    return document.positionAt(offset);
  };
}
