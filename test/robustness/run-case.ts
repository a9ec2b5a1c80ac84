/**
 * Runs one fuzz case through the language core: diagnostics, then the
 * editor features at random positions, then fix-all. Collects every broken
 * invariant as a failure message instead of stopping at the first, so the
 * fuzz tests and scripts/bench-fuzz.mjs report the same findings.
 */
import { performance } from 'node:perf_hooks';
import {
  RulesWorkspace,
  doComplete,
  doHover,
  documentHighlights,
  documentSymbols,
  findDefinition,
  findReferences,
  fixAllText,
  foldingRanges,
  getCodeActions,
  getSemanticTokens,
  prepareRename,
} from '../../server/src/core';
import type { Span } from '../../server/src/core';
import { Prng } from './mutate';
import type { FuzzCase } from './mutate';

export const FUZZ_URI = 'file:///fuzz/case_rules.yaml';

export interface CaseResult {
  failures: string[];
  milliseconds: number;
}

/** Diagnostics that mean the core caught its own failure; the fuzzer treats them as crashes. */
function isContainedCrash(code: string, message: string): boolean {
  return code === 'internal-error' || message.includes('could not be read (');
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const frames = (error.stack ?? '').split('\n').slice(1, 4).map((frame) => frame.trim());
  return `${error.name}: ${error.message} ${frames.join(' ')}`;
}

function spanInside(span: Span, length: number): boolean {
  return Number.isInteger(span.start) && Number.isInteger(span.end) && span.start >= 0 && span.start <= span.end && span.end <= length;
}

/**
 * Runs `fuzzCase` and returns the broken invariants: an exception from any
 * core call, a diagnostic or result span outside the document, a contained
 * crash reported as a diagnostic. One in five cases loads the bundled
 * default rules first, so their macros and lists are in scope.
 */
export function runCoreCase(fuzzCase: FuzzCase, positions = 3): CaseResult {
  const started = performance.now();
  const failures: string[] = [];
  const rng = new Prng(fuzzCase.seed ^ (fuzzCase.index * 7919));
  const text = fuzzCase.text;
  const workspace = new RulesWorkspace({ useDefaultRules: rng.chance(0.2) });

  const guard = <T>(what: string, call: () => T): T | undefined => {
    try {
      return call();
    } catch (error) {
      failures.push(`${what} threw ${describeError(error)}`);
      return undefined;
    }
  };
  const checkSpan = (what: string, span: Span) => {
    if (!spanInside(span, text.length)) failures.push(`${what} span ${span.start}-${span.end} lies outside the document of length ${text.length}`);
  };

  guard('setFile', () => workspace.setFile(FUZZ_URI, text));
  const diagnostics = guard('diagnostics', () => workspace.diagnostics(FUZZ_URI)) ?? [];
  for (const diagnostic of diagnostics) {
    checkSpan(`diagnostic ${diagnostic.code}`, diagnostic.span);
    if (isContainedCrash(diagnostic.code, diagnostic.message)) failures.push(`diagnostic ${diagnostic.code} reports a crash: ${diagnostic.message}`);
  }

  for (let i = 0; i < positions; i++) {
    const offset = rng.int(text.length + 1);
    const at = ` at ${offset}`;
    guard(`completion${at}`, () => doComplete(workspace, FUZZ_URI, offset));
    const hover = guard(`hover${at}`, () => doHover(workspace, FUZZ_URI, offset));
    if (hover) checkSpan(`hover${at}`, hover.span);
    for (const location of guard(`definition${at}`, () => findDefinition(workspace, FUZZ_URI, offset)) ?? []) {
      if (location.uri === FUZZ_URI) checkSpan(`definition${at}`, location.span);
    }
    guard(`references${at}`, () => findReferences(workspace, FUZZ_URI, offset, true));
    guard(`documentHighlight${at}`, () => documentHighlights(workspace, FUZZ_URI, offset));
    guard(`prepareRename${at}`, () => prepareRename(workspace, FUZZ_URI, offset));
    const end = Math.min(text.length, offset + rng.int(40));
    for (const action of guard(`codeActions${at}`, () => getCodeActions(workspace, FUZZ_URI, { start: offset, end })) ?? []) {
      for (const edit of action.edits) if (edit.uri === FUZZ_URI) checkSpan(`code action '${action.title}'${at}`, edit.span);
    }
  }

  guard('semanticTokens', () => getSemanticTokens(workspace, FUZZ_URI));
  const document = workspace.getDocument(FUZZ_URI);
  if (document) {
    guard('documentSymbols', () => documentSymbols(document));
    guard('foldingRanges', () => foldingRanges(document));
  }

  // fixAllText runs a bounded number of rounds, so returning at all shows it terminates; the result must check again.
  const fixed = guard('fixAll', () => fixAllText(workspace, FUZZ_URI));
  if (fixed && fixed.text !== text) {
    const after = new RulesWorkspace({ useDefaultRules: false });
    guard('setFile after fixAll', () => after.setFile(FUZZ_URI, fixed.text));
    for (const diagnostic of guard('diagnostics after fixAll', () => after.diagnostics(FUZZ_URI)) ?? []) {
      if (!spanInside(diagnostic.span, fixed.text.length)) failures.push(`after fixAll, diagnostic ${diagnostic.code} lies outside the document`);
    }
  }
  return { failures, milliseconds: performance.now() - started };
}
