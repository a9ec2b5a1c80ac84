/**
 * The language core: everything the CLI and the language server know about
 * Falco rules files, as pure functions over a workspace of documents.
 *
 * Invariants:
 * - Reading a rules file always yields a document model and a list of
 *   problems; it never throws, whatever the input.
 * - The core does no I/O and never imports `vscode` or the LSP connection:
 *   the CLI and the server pass text in and convert results at their edge.
 * - Positions inside the core are UTF-16 offsets into the document text.
 */
export type { Diagnostic, DiagnosticData, Severity, Span } from './types';
export { RulesWorkspace, DEFAULT_RULES_URI } from './workspace';
export type { WorkspaceOptions } from './workspace';
export { DEFAULT_LIMITS, LIMIT_EXCEEDED_CODE, resolveLimits } from './limits';
export type { Limits } from './limits';
export { doComplete } from './features/completion';
export type { CompletionCandidate, CandidateKind, CompletionOptions } from './features/completion';
export { doHover } from './features/hover';
export type { HoverResult } from './features/hover';
export { findDefinition, findReferences, documentHighlights } from './features/navigation';
export type { DefinitionLocation, ReferenceLocation, DocumentHighlight, NameKind, OccurrenceRole } from './features/navigation';
export { prepareRename, rename } from './features/rename';
export type { PrepareRenameResult, RenameResult, TextEdit } from './features/rename';
export { documentSymbols, workspaceSymbols, foldingRanges } from './features/symbols';
export type { RulesSymbol, RulesSymbolKind, WorkspaceSymbol, FoldingRange } from './features/symbols';
export { getSemanticTokens } from './features/semantic-tokens';
export type { SemanticToken, SemanticTokenType, SemanticTokenModifier } from './features/semantic-tokens';
export { getCodeActions, applyEdits, safeFixEdits, fixAll, fixAllText } from './features/code-actions';
export type { CodeAction, DocumentEdit } from './features/code-actions';
export { computeCoverage, requirementFamily, PCI_FAMILIES } from './pci/coverage';
export type { CoverageReport, CoverageRule, CoverageLocation, CoverageLocator, CoverageProblem, CoverageRuleStatus, RequirementCoverage, RequirementStatus, FamilyCoverage, UnknownPciTag, UnknownTagKind } from './pci/coverage';
export { renderCoverageJson, renderCoverageMarkdown } from './pci/coverage-markdown';
export { renderCoverageHtml } from './pci/coverage-html';
export { pciCodeLenses } from './features/pci-lens';
export type { PciLens } from './features/pci-lens';
export { pciTemplateList } from './pci/templates';
export type { PciTemplateInfo } from './pci/templates';
