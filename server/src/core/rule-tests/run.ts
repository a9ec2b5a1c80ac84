/**
 * Runs the cases of a rule test file against a program, and validates the
 * file against it: rule names, fields of the rule's source, and values of
 * the field's type.
 */
import type { Diagnostic, Span } from '../types';
import type { Program } from '../analysis/program';
import { compileRule, evaluateRule, toSampleEvent } from '../eval';
import type { EvaluationResult } from '../eval';
import { canonicalKeyOf } from '../eval/event';
import { lookupField } from '../checks/fields';
import { isIPv4, isIPv6, isNumericType } from '../checks/values';
import { typeClass } from '../eval/compare';
import { scalarText } from '../checks/structure';
import { didYouMean, suggest } from '../util/suggest';
import type { EventFieldEntry, Expectation, RuleTestCase, RuleTestFile } from './format';

/** The fields and rule of an alert read from a file, or why it could not be read. */
export type AlertFileResult = { fields: Record<string, unknown>; rule?: string } | { error: string };

/** Reads `alert:` files for the runner; the adapter does the I/O. */
export type AlertFileReader = (path: string) => AlertFileResult;

export interface RuleTestResult {
  name: string;
  rule: string | undefined;
  expected: Expectation | undefined;
  /** `error` when the case could not run: unknown rule, invalid event, a check Falco rejects. */
  outcome: 'pass' | 'fail' | 'error';
  actual?: Expectation;
  /** Reason the case failed or could not run. */
  message?: string;
  evaluation?: EvaluationResult;
  /** Span of the case's name in the test file. */
  span: Span;
}

/** Parses a Falco JSON alert; the output is what `alert:` files hold. */
export function parseAlertJson(text: string, path: string): AlertFileResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { error: `'${path}' is not valid JSON (${(error as Error).message}). Save the alert exactly as Falco printed it with json_output enabled.` };
  }
  const alert = parsed as { output_fields?: unknown; rule?: unknown } | null;
  if (!alert || typeof alert !== 'object' || !alert.output_fields || typeof alert.output_fields !== 'object') {
    return { error: `'${path}' has no 'output_fields' object. Enable json_include_output_fields_property in falco.yaml and save the whole alert.` };
  }
  return { fields: alert.output_fields as Record<string, unknown>, ...(typeof alert.rule === 'string' ? { rule: alert.rule } : {}) };
}

/** Runs every case of `file`. */
export function runRuleTests(program: Program, file: RuleTestFile, readAlert: AlertFileReader): RuleTestResult[] {
  return file.cases.map((testCase) => runCase(program, testCase, readAlert));
}

/** Runs one case. Never throws. */
export function runCase(program: Program, testCase: RuleTestCase, readAlert: AlertFileReader): RuleTestResult {
  const base = { name: testCase.name, expected: testCase.expect?.value, span: testCase.nameSpan };
  let fields: Record<string, unknown> = Object.fromEntries(testCase.fields.map((field) => [field.key, field.value]));
  let ruleName = testCase.rule?.value ?? testCase.alertRule?.value;
  if (testCase.alertFile) {
    const alert = readAlert(testCase.alertFile.value);
    if ('error' in alert) return { ...base, rule: ruleName, outcome: 'error', message: alert.error };
    fields = { ...alert.fields, ...fields };
    ruleName ??= alert.rule;
  }
  if (!ruleName) return { ...base, rule: undefined, outcome: 'error', message: 'The case names no rule.' };
  if (!testCase.expect) return { ...base, rule: ruleName, outcome: 'error', message: "The case has no valid 'expect' (match or no_match)." };

  let compiled: ReturnType<typeof compileRule>;
  let evaluation: EvaluationResult;
  try {
    compiled = compileRule(program, ruleName);
    if (!compiled.ok) return { ...base, rule: ruleName, outcome: 'error', message: compiled.message };
    evaluation = evaluateRule(program, compiled.rule, toSampleEvent(fields));
  } catch (error) {
    return { ...base, rule: ruleName, outcome: 'error', message: `The evaluation failed: ${String(error)}. Please report this with the test file.` };
  }
  const actual: Expectation = evaluation.matched && compiled.rule.enabled ? 'match' : 'no_match';
  if (evaluation.errors.length) return { ...base, rule: ruleName, outcome: 'error', actual, message: evaluation.errors.join(' '), evaluation };
  const disabled = !compiled.rule.enabled && evaluation.matched ? ` The condition holds, but the rule is disabled ('enabled: false'), so Falco does not run it.` : '';
  const passed = actual === testCase.expect.value;
  return {
    ...base,
    rule: ruleName,
    outcome: passed ? 'pass' : 'fail',
    actual,
    ...(passed ? {} : { message: `Expected ${testCase.expect.value}, but the rule ${actual === 'match' ? 'matched' : 'did not match'}.${disabled}` }),
    evaluation,
  };
}

/** Validates a test file against the loaded rules: rule names, fields of the rule's source, value types. */
export function validateRuleTestFile(program: Program, file: RuleTestFile): Diagnostic[] {
  const problems: Diagnostic[] = [...file.problems];
  const ruleNames = [...new Set(program.files.flatMap((f) => f.document.items.filter((item) => item.kind === 'rule' && item.name !== undefined).map((item) => item.name!)))];
  for (const testCase of file.cases) {
    let source = 'syscall';
    for (const rule of [testCase.rule, testCase.alertRule]) {
      if (!rule) continue;
      const definitions = program.definitionsOf('rule', rule.value);
      if (definitions.length === 0) {
        problems.push({ span: rule.span, severity: 'error', code: 'rule-test-unknown-rule', message: `No rule named '${rule.value}' is loaded.${didYouMean(suggest(rule.value, ruleNames, 1))} Check the name, or add its file to 'rules'.` });
        continue;
      }
      const first = definitions.find((d) => !d.isUpdate) ?? definitions[0]!;
      source = scalarText(first.item, first.item.get('source')?.value) || 'syscall';
      break;
    }
    for (const field of testCase.fields) problems.push(...checkEventField(field, source));
  }
  return problems;
}

/** Checks one event field: that the source has it, and that its value has the field's type. */
function checkEventField(entry: EventFieldEntry, source: string): Diagnostic[] {
  const key = canonicalKeyOf(entry.key);
  const match = /^([^[]+)(?:\[(.*)\])?$/.exec(key);
  const name = match?.[1] ?? key;
  const arg = match?.[2];
  const lookup = lookupField(name, arg, source);
  if (lookup.status !== 'ok') {
    const message = lookup.status === 'other-source'
      ? `'${entry.key}' is a field of the ${lookup.sources.join(', ')} source, not of ${source}.`
      : lookup.status === 'unknown-event-arg'
        ? `'${lookup.argName}' is not an event argument.${didYouMean(lookup.suggestions)}`
        : `'${entry.key}' is not a field of the ${source} source.`;
    return [{ span: entry.keySpan, severity: 'error', code: 'rule-test-unknown-field', message }];
  }
  const values = Array.isArray(entry.value) ? entry.value : [entry.value];
  const kind = typeClass(lookup.type);
  for (const value of values) {
    if (value === null) continue;
    const text = String(value);
    let problem: string | undefined;
    if ((kind === 'numeric' || isNumericType(lookup.type)) && !/^[+-]?[0-9]+(?:\.[0-9]+)?$/.test(text)) problem = `'${text}' is not a number, but ${entry.key} is numeric (${lookup.type}).`;
    else if ((kind === 'address' || kind === 'network') && !(isIPv4(text) || isIPv6(text))) problem = `'${text}' is not an IP address, but ${entry.key} holds ${kind === 'network' ? 'the IP address a network is compared with' : 'an IP address'} (${lookup.type}).`;
    else if (kind === 'bool' && text !== 'true' && text !== 'false') problem = `'${text}' is not a boolean: ${entry.key} is true or false.`;
    if (problem) return [{ span: entry.valueSpan, severity: 'error', code: 'rule-test-invalid-value', message: problem }];
  }
  return [];
}
