/**
 * The set of rules files the product checks together, in Falco's load order:
 * the bundled default ruleset first (unless turned off), then the user's files
 * in the order they were given. Documents are parsed once per text; the
 * cross-file program is rebuilt lazily after any change.
 */
import type { Diagnostic, Severity } from './types';
import { parseRulesDocument, RulesDocument } from './document/model';
import { indexRulesDocument } from './document/lazy';
import { Program } from './analysis/program';
import { compareStrings } from './util/compare';
import type { PluginSpec } from './analysis/environment';
import type { Limits } from './limits';
import defaultRules from './default-rules/falco_rules.json';

export interface WorkspaceOptions {
  /** Load the bundled official falco_rules.yaml before the user's files, as Falco does by default. Default true. */
  useDefaultRules?: boolean;
  /** Target Falco engine version as x.y.z. Default 0.62.0 (Falco 0.44.x). */
  engineVersion?: string;
  /**
   * The plugins Falco has loaded, exactly. Default: the container plugin plus
   * every plugin a checked file declares in `required_plugin_versions`.
   */
  plugins?: PluginSpec[];
  /**
   * Load order, as URIs or URI prefixes. A file loads at the position of the
   * first entry that names it or a folder above it, and files that no entry
   * names load after, sorted by URI. An empty list sorts every file by URI.
   * Without a list, files keep the order in which they were added.
   */
  loadOrder?: string[];
  /**
   * Base rules files loaded before the user's files in place of the bundled
   * falco_rules.yaml (their diagnostics are not reported). Only read when
   * `useDefaultRules` is not false.
   */
  baseRules?: Array<{ uri: string; text: string }>;
  /** Severity per diagnostic code; `off` drops the code's diagnostics. */
  severityOverrides?: Record<string, Severity | 'off'>;
  /**
   * Keep each item's diagnostics for later versions of its file (default true).
   * A one-shot check, such as the CLI's, saves the bookkeeping by turning it off.
   */
  reuseItemDiagnostics?: boolean;
  /** Limits on the input the core reads; see limits.ts for each default. Not applied to the bundled rules. */
  limits?: Partial<Limits>;
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
  private options: WorkspaceOptions;
  private program: Program | undefined;

  constructor(options: WorkspaceOptions = {}) {
    this.options = { ...options };
  }

  setOptions(options: WorkspaceOptions): void {
    if (JSON.stringify(options) === JSON.stringify(this.options)) return;
    const limitsChanged = JSON.stringify(options.limits) !== JSON.stringify(this.options.limits);
    this.options = { ...options };
    this.program = undefined;
    if (!limitsChanged) return;
    // Limits decide what a document reads, so every document is read again.
    for (const [uri, document] of this.documents) this.documents.set(uri, document.indexed ? indexRulesDocument(uri, document.text, options.limits) : parseRulesDocument(uri, document.text, undefined, options.limits));
    this.baseDocuments.clear();
  }

  /** Adds or replaces a file. Files load in the order they were first added. */
  setFile(uri: string, text: string): RulesDocument {
    const existing = this.documents.get(uri);
    if (existing && existing.text === text && !existing.indexed) return existing;
    const document = parseRulesDocument(uri, text, existing, this.options.limits);
    this.documents.set(uri, document);
    this.program = undefined;
    return document;
  }

  /**
   * Adds or replaces a file that only lends its definitions to other files,
   * such as a workspace file the editor has not opened. A line scan reads
   * its names, kinds, ranges and the words its conditions use, and an item is
   * parsed only when something needs more. Asking for the file's diagnostics
   * reads it fully.
   */
  indexFile(uri: string, text: string): RulesDocument {
    const existing = this.documents.get(uri);
    if (existing && existing.text === text) return existing;
    const document = indexRulesDocument(uri, text, this.options.limits);
    this.documents.set(uri, document);
    this.program = undefined;
    return document;
  }

  /** Returns a copy that shares the parsed documents, for trying edits without changing this workspace. */
  fork(): RulesWorkspace {
    const copy = new RulesWorkspace(this.options);
    for (const [uri, document] of this.documents) copy.documents.set(uri, document);
    return copy;
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
      const files = orderDocuments([...this.documents.values()], this.options.loadOrder).map((document) => ({ document, reportDiagnostics: true }));
      if (this.options.useDefaultRules ?? true) {
        const base = this.options.baseRules
          ? this.options.baseRules.map((file) => this.baseDocument(file.uri, file.text))
          : [getDefaultRulesDocument()];
        files.unshift(...base.filter((document) => !this.documents.has(document.uri)).map((document) => ({ document, reportDiagnostics: false })));
      }
      const { engineVersion, plugins } = this.options;
      this.program = new Program(files, {
        ...(engineVersion !== undefined ? { engineVersion } : {}),
        ...(plugins !== undefined ? { plugins } : {}),
        reuseItems: this.options.reuseItemDiagnostics ?? true,
      });
    }
    return this.program;
  }

  /** Diagnostics of one user file, with severity overrides applied; empty for unknown URIs. */
  diagnostics(uri: string): Diagnostic[] {
    const document = this.documents.get(uri);
    if (!document) return [];
    if (document.indexed) this.setFile(uri, document.text);
    const diagnostics = this.getProgram().diagnostics(uri);
    const overrides = this.options.severityOverrides;
    if (!overrides || Object.keys(overrides).length === 0) return diagnostics;
    const result: Diagnostic[] = [];
    for (const diagnostic of diagnostics) {
      const override = overrides[diagnostic.code];
      if (override === 'off') continue;
      result.push(override ? { ...diagnostic, severity: override } : diagnostic);
    }
    return result;
  }

  private readonly baseDocuments = new Map<string, RulesDocument>();

  /** Parses a base rules file once per text. */
  private baseDocument(uri: string, text: string): RulesDocument {
    const cached = this.baseDocuments.get(uri);
    if (cached && cached.text === text) return cached;
    const document = parseRulesDocument(uri, text, undefined, this.options.limits);
    this.baseDocuments.set(uri, document);
    return document;
  }
}

/** Sorts documents by the load order (see `WorkspaceOptions.loadOrder`); without one, keeps their order. */
function orderDocuments(documents: RulesDocument[], loadOrder: string[] | undefined): RulesDocument[] {
  if (!loadOrder) return documents;
  const rank = (uri: string) => {
    const index = loadOrder.findIndex((entry) => uri === entry || uri.startsWith(entry.endsWith('/') ? entry : `${entry}/`));
    return index === -1 ? loadOrder.length : index;
  };
  return [...documents].sort((a, b) => rank(a.uri) - rank(b.uri) || compareStrings(a.uri, b.uri));
}
