/**
 * Reading rules files for the CLI: one wording for every read error, and `-`
 * for standard input.
 */
import { readFileSync } from 'node:fs';
import { readRegularFile } from '../shared/io';

export { readRegularFile };

const READ_ERROR_REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ELOOP: 'too many symbolic links',
  ENOTREGULAR: 'it is not a regular file (a device, a pipe or a socket)',
};


/** Describes why a file or folder could not be read, the same way for every path. */
export function describeReadError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = (code && READ_ERROR_REASONS[code]) ?? code ?? String(error);
  return `Cannot read '${path}': ${reason}. Check the path and its permissions.`;
}

/** Reads a rules file, or standard input for `-`. Invalid UTF-8 becomes U+FFFD; see readRulesFileChecked. */
export function readRulesFile(file: string): string {
  return readRulesFileChecked(file).text;
}

export interface RulesFileText {
  /** The decoded text; a byte order mark is kept, so that --fix writes it back. */
  text: string;
  /** Offset in `text` of the first U+FFFD that replaced bytes that are not UTF-8; absent for valid UTF-8. */
  invalidUtf8At?: number;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Reads a rules file, or standard input for `-`, and returns where its bytes stop being UTF-8. */
export function readRulesFileChecked(file: string): RulesFileText {
  const bytes = file === '-' ? readFileSync(0) : readRegularFile(file);
  try {
    return { text: strictUtf8.decode(bytes) };
  } catch {
    const text = lenientUtf8.decode(bytes);
    // The bytes before the first invalid sequence decode alone; U+FFFD written in the file itself would come first.
    return { text, invalidUtf8At: Math.max(0, text.indexOf('\uFFFD')) };
  }
}

/** Returns the warning message for a file that is not valid UTF-8. */
export function invalidUtf8Message(file: string): string {
  return `'${file}' is not valid UTF-8: the bytes here and any later invalid ones were read as U+FFFD (the replacement character). Save the file as UTF-8.`;
}
