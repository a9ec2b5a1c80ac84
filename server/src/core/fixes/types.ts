/**
 * Quick-fixes: edits that turn a diagnostic's text into what Falco accepts.
 * Fixers are pure functions of the workspace and one diagnostic, so the
 * server, the CLI (`lint --fix`) and the tests share them.
 */
import type { Diagnostic, Span } from '../types';
import type { RulesWorkspace } from '../workspace';
import type { RulesDocument } from '../document/model';
import type { Program } from '../analysis/program';

export interface DocumentEdit {
  uri: string;
  span: Span;
  newText: string;
}

export interface CodeAction {
  title: string;
  kind: 'quickfix';
  /** The one sensible fix: editors apply it first and mark it preferred. */
  isPreferred: boolean;
  /**
   * True when the fix is safe to apply without a person choosing: it keeps
   * the rule's meaning. Fix-all applies only these, and skips one that
   * overlaps an edit it already chose (a later round picks it up).
   */
  safe: boolean;
  edits: DocumentEdit[];
  /** The diagnostic the action fixes. */
  diagnostic: Diagnostic;
}

export interface FixContext {
  workspace: RulesWorkspace;
  program: Program;
  document: RulesDocument;
  uri: string;
  diagnostic: Diagnostic;
}

/** Returns the actions for one diagnostic; an empty list when it has none. */
export type Fixer = (context: FixContext) => CodeAction[];
