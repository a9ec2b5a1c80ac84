/**
 * Rule test files (language `falco-tests`): diagnostics for unknown rules,
 * unknown fields and values of the wrong type, and the `falco/ruleTests/run`
 * request that runs cases and returns their explanation trees. Test files
 * never enter the rules workspace.
 */
import { readRegularFile } from '../../shared/io';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { TextDocument as TextDocuments } from 'vscode-languageserver-textdocument';
import { RulesWorkspace } from '../../core';
import type { Program } from '../../core/analysis/program';
import type { ExplanationNode } from '../../core/eval';
import { isRuleTestsFileName, parseRuleTestFile } from '../../core/rule-tests/format';
import type { RuleTestFile } from '../../core/rule-tests/format';
import type { Span } from '../../core/types';
import { parseAlertJson, runRuleTests, validateRuleTestFile } from '../../core/rule-tests/run';
import { generateRuleTests, renderCases } from '../../core/rule-tests/generate';
import type { AlertFileResult } from '../../core/rule-tests/run';
import { toLspDiagnostic } from '../convert';
import type { ServerContext, ServerFeature } from '../context';

export const RUN_RULE_TESTS_REQUEST = 'falco/ruleTests/run';
export const LIST_RULE_TESTS_REQUEST = 'falco/ruleTests/list';
export const CREATE_RULE_TESTS_REQUEST = 'falco/ruleTests/create';

/** True for documents the rules pipeline must leave alone. */
export function isRuleTestsDocument(document: TextDocument): boolean {
  return document.languageId === 'falco-tests' || isRuleTestsFileName(document.uri);
}

/** Returns the program a test file runs against: its `rules` on the default rules, else the server's workspace. */
function programFor(context: ServerContext, file: RuleTestFile): { program: Program; problems: Array<{ span: Span; message: string }> } {
  if (!file.rules || !file.uri.startsWith('file:')) return { program: context.workspace.getProgram(), problems: [] };
  const folder = dirname(fileURLToPath(file.uri));
  const workspace = new RulesWorkspace();
  const problems: Array<{ span: Span; message: string }> = [];
  for (const rule of file.rules) {
    const path = resolve(folder, rule.value);
    try {
      workspace.setFile(pathToFileURL(path).toString(), readRegularFile(path).toString('utf8'));
    } catch (error) {
      problems.push({ span: rule.span, message: `Cannot read rules file '${rule.value}': ${(error as NodeJS.ErrnoException).code ?? String(error)}. Check the path, which is relative to this test file.` });
    }
  }
  return { program: workspace.getProgram(), problems };
}

/** Publishes the diagnostics of a rule test file. */
export function publishRuleTestDiagnostics(context: ServerContext, document: TextDocument): void {
  try {
    const file = parseRuleTestFile(document.uri, document.getText());
    const { program, problems } = programFor(context, file);
    const diagnostics = validateRuleTestFile(program, file).map((d) => toLspDiagnostic(document, d));
    for (const { span, message } of problems) diagnostics.push(toLspDiagnostic(document, { span, severity: 'error', code: 'rule-test-rules-file', message }));
    const readAlert = alertReader(document.uri);
    for (const testCase of file.cases) {
      if (!testCase.alertFile) continue;
      const alert = readAlert(testCase.alertFile.value);
      if ('error' in alert) diagnostics.push(toLspDiagnostic(document, { span: testCase.alertFile.span, severity: 'error', code: 'rule-test-alert-file', message: alert.error }));
    }
    void context.connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
  } catch (error) {
    context.logFailure('ruleTests/diagnostics', document.uri, error);
  }
}

/** Result of `falco/ruleTests/create`. */
interface CreateResult {
  ok: boolean;
  message?: string;
  text?: string;
  /** False when the matching event still needs editing. */
  verified?: boolean;
  count?: number;
}

interface RunParams {
  uri: string;
  /** Case names to run; all cases when absent. */
  names?: string[];
}

function alertReader(uri: string): (path: string) => AlertFileResult {
  return (path) => {
    if (!uri.startsWith('file:')) return { error: `Cannot read '${path}': the test file is not on disk.` };
    try {
      return parseAlertJson(readRegularFile(resolve(dirname(fileURLToPath(uri)), path)).toString('utf8'), path);
    } catch (error) {
      return { error: `Cannot read '${path}': ${(error as NodeJS.ErrnoException).code ?? String(error)}. Check the path, which is relative to this test file.` };
    }
  };
}

/** Converts an explanation tree to LSP locations. */
function toLspTree(node: ExplanationNode, texts: Map<string, TextDocument>): Record<string, unknown> {
  const location = node.location;
  const document = location ? texts.get(location.uri) : undefined;
  return {
    kind: node.kind,
    text: node.text,
    value: node.value,
    ...(location && document ? { location: { uri: location.uri, range: { start: document.positionAt(location.span.start), end: document.positionAt(location.span.end) } } } : {}),
    ...(node.field !== undefined ? { field: node.field } : {}),
    ...(node.fieldValue !== undefined ? { fieldValue: node.fieldValue } : {}),
    ...(node.note !== undefined ? { note: node.note } : {}),
    children: node.children.map((child) => toLspTree(child, texts)),
  };
}

export const ruleTestsFeature: ServerFeature = {
  capabilities: {},
  register(context) {
    context.connection.onRequest(LIST_RULE_TESTS_REQUEST, (params: { uri: string; text?: string }) => {
      try {
        const text = params.text ?? context.documents.get(params.uri)?.getText() ?? readRegularFile(fileURLToPath(params.uri)).toString('utf8');
        const file = parseRuleTestFile(params.uri, text);
        const document = TextDocuments.create(params.uri, 'falco-tests', 0, text);
        return file.cases.map((testCase) => ({
          name: testCase.name,
          rule: testCase.rule?.value ?? testCase.alertRule?.value ?? null,
          range: { start: document.positionAt(testCase.span.start), end: document.positionAt(testCase.span.end) },
        }));
      } catch (error) {
        context.logFailure(LIST_RULE_TESTS_REQUEST, params.uri, error);
        return [];
      }
    });

    // Creates cases for a rule of the workspace. `text` contains them as items of a `tests:` list.
    context.connection.onRequest(CREATE_RULE_TESTS_REQUEST, (params: { rule: string }): CreateResult => {
      try {
        const generated = generateRuleTests(context.workspace.getProgram(), params.rule);
        if (!generated.ok) return { ok: false, message: generated.message };
        return { ok: true, text: renderCases(generated.cases), verified: generated.cases.every((c) => c.verified), count: generated.cases.length };
      } catch (error) {
        context.logFailure(CREATE_RULE_TESTS_REQUEST, params.rule, error);
        return { ok: false, message: `Creating tests failed: ${String(error)}` };
      }
    });

    context.connection.onRequest(RUN_RULE_TESTS_REQUEST, (params: RunParams) => {
      try {
        const open = context.documents.get(params.uri);
        const text = open ? open.getText() : readRegularFile(fileURLToPath(params.uri)).toString('utf8');
        const file = parseRuleTestFile(params.uri, text);
        const selected = params.names ? { ...file, cases: file.cases.filter((c) => params.names!.includes(c.name)) } : file;
        const { program } = programFor(context, file);
        const testDocument = TextDocuments.create(params.uri, 'falco-tests', 0, text);
        const texts = new Map(program.files.map((f) => [f.document.uri, TextDocuments.create(f.document.uri, 'falco-rules', 0, f.document.text)]));
        return runRuleTests(program, selected, alertReader(params.uri)).map((result) => ({
          name: result.name,
          rule: result.rule ?? null,
          expected: result.expected ?? null,
          actual: result.actual ?? null,
          outcome: result.outcome,
          message: result.message ?? null,
          range: { start: testDocument.positionAt(result.span.start), end: testDocument.positionAt(result.span.end) },
          explanation: result.evaluation ? toLspTree(result.evaluation.tree, texts) : null,
          approximations: result.evaluation?.approximations ?? [],
        }));
      } catch (error) {
        context.logFailure(RUN_RULE_TESTS_REQUEST, params.uri, error);
        return [];
      }
    });
  },
};
