/**
 * Conversions from the core's offset-based results to LSP shapes, through
 * the TextDocument so that lines, UTF-16 columns and CRLF are handled once.
 */
import { CompletionItem, CompletionItemKind, Diagnostic as LspDiagnostic, DiagnosticSeverity, InsertTextFormat, MarkupKind } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionCandidate, Diagnostic } from '../core';
import { expandSnippet } from '../core/util/snippet';

const SEVERITIES: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const KINDS: Record<CompletionCandidate['kind'], CompletionItemKind> = {
  field: CompletionItemKind.Field,
  macro: CompletionItemKind.Function,
  list: CompletionItemKind.EnumMember,
  operator: CompletionItemKind.Operator,
  keyword: CompletionItemKind.Keyword,
  event: CompletionItemKind.Event,
  key: CompletionItemKind.Property,
  item: CompletionItemKind.Class,
  value: CompletionItemKind.Value,
  snippet: CompletionItemKind.Snippet,
};

export function toLspDiagnostic(document: TextDocument, diagnostic: Diagnostic): LspDiagnostic {
  return {
    range: { start: document.positionAt(diagnostic.span.start), end: document.positionAt(diagnostic.span.end) },
    severity: SEVERITIES[diagnostic.severity],
    code: diagnostic.code,
    source: 'falco',
    message: diagnostic.message,
    ...(diagnostic.data ? { data: diagnostic.data } : {}),
  };
}

/** Converts a candidate; without `snippetSupport` a snippet is inserted as the text of its defaults. */
export function toLspCompletionItem(document: TextDocument, candidate: CompletionCandidate, snippetSupport = true): CompletionItem {
  const range = { start: document.positionAt(candidate.replace.start), end: document.positionAt(candidate.replace.end) };
  const snippet = candidate.isSnippet && snippetSupport;
  const newText = candidate.isSnippet && !snippetSupport ? expandSnippet(candidate.insertText ?? candidate.label) : (candidate.insertText ?? candidate.label);
  return {
    label: candidate.label,
    kind: KINDS[candidate.kind],
    ...(candidate.detail ? { detail: candidate.detail } : {}),
    ...(candidate.documentation ? { documentation: { kind: MarkupKind.Markdown, value: candidate.documentation } } : {}),
    ...(candidate.sortText ? { sortText: candidate.sortText } : {}),
    ...(candidate.filterText ? { filterText: candidate.filterText } : {}),
    ...(snippet ? { insertTextFormat: InsertTextFormat.Snippet } : {}),
    textEdit: { range, newText },
  };
}
