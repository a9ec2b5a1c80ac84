/**
 * Shared test helpers: fixture paths, inline documents with a `$0` cursor
 * marker, and diagnostics paired with the text they cover.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RulesWorkspace } from '../server/src/core';
import type { Diagnostic } from '../server/src/core';

/** The repository root, from out/tsc/test/ or test/. */
export const ROOT = join(__dirname, __dirname.includes(join('out', 'tsc')) ? '../../..' : '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures');

export function readFixture(...parts: string[]): string {
  return readFileSync(join(FIXTURES, ...parts), 'utf8');
}

/** Removes the `$0` marker and returns the text with the marker's offset. */
export function withCursor(source: string): { text: string; offset: number } {
  const offset = source.indexOf('$0');
  if (offset === -1) throw new Error('test document has no $0 cursor marker');
  return { text: source.slice(0, offset) + source.slice(offset + 2), offset };
}

export interface CoveredDiagnostic extends Diagnostic {
  covered: string;
}

/** Checks one document, loaded after the default rules unless `useDefaultRules` is false. */
export function check(text: string, options: { useDefaultRules?: boolean; uri?: string } = {}): CoveredDiagnostic[] {
  const workspace = new RulesWorkspace({ useDefaultRules: options.useDefaultRules ?? true });
  const uri = options.uri ?? 'file:///test/rules.yaml';
  workspace.setFile(uri, text);
  return workspace.diagnostics(uri).map((d) => ({ ...d, covered: text.slice(d.span.start, d.span.end) }));
}

export function withCode(diagnostics: CoveredDiagnostic[], code: string): CoveredDiagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}
