/**
 * The set of rules files the product checks together, in Falco's load order:
 * the bundled default ruleset first (unless turned off), then the user's files
 * in the order they were given. Documents are parsed once per text; the
 * cross-file program is rebuilt lazily after any change.
 */
import type { Diagnostic } from './types';
import { parseRulesDocument, RulesDocument } from './document/model';
import { Program } from './analysis/program';
import defaultRules from './default-rules/falco_rules.json';

export interface WorkspaceOptions {
  /** Load the bundled official falco_rules.yaml before the user's files, as Falco does by default. Default true. */
  useDefaultRules?: boolean;
}

/** URI under which the bundled default ruleset is loaded. */
export const DEFAULT_RULES_URI = `bundled:${defaultRules.name}`;

let defaultRulesDocument: RulesDocument | undefined;

function getDefaultRulesDocument(): RulesDocument {
  defaultRulesDocument ??= parseRulesDocument(DEFAULT_RULES_URI, defaultRules.text);
  return defaultRulesDocument;
}

export class RulesWorkspace {
  private readonly documents = new Map<string, RulesDocument>();
  private useDefaultRules: boolean;
  private program: Program | undefined;

  constructor(options: WorkspaceOptions = {}) {
    this.useDefaultRules = options.useDefaultRules ?? true;
  }

  setOptions(options: WorkspaceOptions): void {
    const useDefaultRules = options.useDefaultRules ?? true;
    if (useDefaultRules !== this.useDefaultRules) {
      this.useDefaultRules = useDefaultRules;
      this.program = undefined;
    }
  }

  /** Adds or replaces a file. Files load in the order they were first added. */
  setFile(uri: string, text: string): RulesDocument {
    const existing = this.documents.get(uri);
    if (existing && existing.text === text) return existing;
    const document = parseRulesDocument(uri, text);
    this.documents.set(uri, document);
    this.program = undefined;
    return document;
  }

  removeFile(uri: string): void {
    if (this.documents.delete(uri)) this.program = undefined;
  }

  getDocument(uri: string): RulesDocument | undefined {
    return this.documents.get(uri);
  }

  uris(): string[] {
    return [...this.documents.keys()];
  }

  getProgram(): Program {
    if (!this.program) {
      const files = [...this.documents.values()].map((document) => ({ document, reportDiagnostics: true }));
      if (this.useDefaultRules && !this.documents.has(DEFAULT_RULES_URI)) {
        files.unshift({ document: getDefaultRulesDocument(), reportDiagnostics: false });
      }
      this.program = new Program(files);
    }
    return this.program;
  }

  /** Diagnostics of one user file; empty for unknown URIs. */
  diagnostics(uri: string): Diagnostic[] {
    if (!this.documents.has(uri)) return [];
    return this.getProgram().diagnostics(uri);
  }
}
