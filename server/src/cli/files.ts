/**
 * Reading rules files for the CLI: one wording for every read error, and `-`
 * for standard input.
 */
import { readFileSync } from 'node:fs';

const READ_ERROR_REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ELOOP: 'too many symbolic links',
};

/** Describes why a file or folder could not be read, the same way for every path. */
export function describeReadError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = (code && READ_ERROR_REASONS[code]) ?? code ?? String(error);
  return `Cannot read '${path}': ${reason}. Check the path and its permissions.`;
}

/** Reads a rules file, or standard input for `-`. */
export function readRulesFile(file: string): string {
  return readFileSync(file === '-' ? 0 : file, 'utf8');
}
