/**
 * Rule test files (`*.falco-tests.yaml`): a YAML map with an optional
 * `rules:` list of rules files to load (paths relative to the test file) and
 * a `tests:` list of cases:
 *
 * ```yaml
 * rules: [../rules/pci_rules.yaml]
 * tests:
 *   - name: shell in a container fires
 *     rule: Terminal shell in container
 *     event: { evt.type: execve, proc.name: bash, container.id: 3ad7b26ded6d }
 *     expect: match
 *   - name: regression from a real alert
 *     alert: alerts/shell.json        # or inline: { output_fields: {...} }
 *     expect: match
 * ```
 *
 * Reading never throws: problems of the file's shape become diagnostics.
 */
import { isMap, isScalar, isSeq, parseDocument, Scalar } from 'yaml';
import type { Document, Node as YamlNode, Pair, YAMLMap } from 'yaml';
import type { Diagnostic, Span } from '../types';
import { didYouMean, suggest } from '../util/suggest';

export type Expectation = 'match' | 'no_match';

export interface SpannedValue<T> {
  value: T;
  span: Span;
}

/** One `field: value` of an event, with the spans of the key and the value. */
export interface EventFieldEntry {
  key: string;
  keySpan: Span;
  value: unknown;
  valueSpan: Span;
}

export interface RuleTestCase {
  name: string;
  /** The name's span, or the case's first key when it has no name. */
  nameSpan: Span;
  span: Span;
  rule?: SpannedValue<string>;
  /** The event's fields, from `event:` or from an inline alert's `output_fields`. */
  fields: EventFieldEntry[];
  /** `alert:` given as a path to a JSON file. */
  alertFile?: SpannedValue<string>;
  /** `rule` of an inline alert, used when the case names no rule. */
  alertRule?: SpannedValue<string>;
  expect?: SpannedValue<Expectation>;
}

export interface RuleTestFile {
  uri: string;
  text: string;
  /** Rules files to load, as written; undefined when the file has no `rules:` key. */
  rules?: Array<SpannedValue<string>>;
  cases: RuleTestCase[];
  problems: Diagnostic[];
}

const TOP_KEYS = ['rules', 'tests'];
const CASE_KEYS = ['name', 'rule', 'event', 'alert', 'expect'];
const EXPECTATIONS: Expectation[] = ['match', 'no_match'];

/** True for a path or URI of a rule test file. */
export function isRuleTestsFileName(path: string): boolean {
  return /\.falco-tests\.ya?ml$/i.test(path);
}

/** Reads a rule test file. Never throws. */
export function parseRuleTestFile(uri: string, text: string): RuleTestFile {
  const file: RuleTestFile = { uri, text, cases: [], problems: [] };
  const error = (span: Span, message: string, code = 'rule-test-invalid') => file.problems.push({ span, severity: 'error', code, message });
  try {
    readFile(file, text, error);
  } catch (failure) {
    // The yaml package raises on alias bombs and similar input when values are converted.
    error({ start: 0, end: Math.min(text.length, 1) }, `The test file could not be read (${String(failure)}). Check its YAML.`, 'rule-test-yaml');
  }
  return file;
}

function readFile(file: RuleTestFile, text: string, error: (span: Span, message: string, code?: string) => void): void {
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  for (const yamlError of document.errors) {
    error({ start: yamlError.pos[0], end: Math.max(yamlError.pos[1], yamlError.pos[0] + 1) }, `Invalid YAML: ${yamlError.message.split('\n')[0]}.`, 'rule-test-yaml');
  }
  if (document.errors.length) return;

  const root = document.contents as YamlNode | null;
  if (!root || !isMap(root)) {
    error(root ? spanOf(root) : { start: 0, end: Math.min(text.length, 1) }, "A rule test file is a YAML map with a 'tests' list, and optionally a 'rules' list of the rules files to load.");
    return;
  }
  for (const pair of root.items) {
    const key = keyText(pair);
    const keySpan = spanOf(pair.key as YamlNode);
    if (key === 'rules') file.rules = readRulesList(pair, error);
    else if (key === 'tests') readCases(pair, file, error, document);
    else error(keySpan, `Unknown key '${key}' in a rule test file.${didYouMean(suggest(key ?? '', TOP_KEYS, 1))} The keys are 'rules' and 'tests'.`);
  }
  if (!root.items.some((pair) => keyText(pair) === 'tests')) error(spanOf(root), "The file has no 'tests' list: add 'tests:' with at least one case.");
}

type ErrorSink = (span: Span, message: string) => void;

function readRulesList(pair: Pair, error: ErrorSink): Array<SpannedValue<string>> {
  const node = pair.value as YamlNode | null;
  if (!node || !isSeq(node)) {
    error(node ? spanOf(node) : spanOf(pair.key as YamlNode), "'rules' is a list of rules file paths, relative to this file, such as 'rules: [../rules/pci_rules.yaml]'.");
    return [];
  }
  const result: Array<SpannedValue<string>> = [];
  for (const element of node.items as Array<YamlNode | null>) {
    if (element && isScalar(element) && typeof element.value === 'string' && element.value !== '') result.push({ value: element.value, span: spanOf(element) });
    else error(element ? spanOf(element) : spanOf(node), 'Each entry of rules is a path to a rules file.');
  }
  return result;
}

function readCases(pair: Pair, file: RuleTestFile, error: ErrorSink, document: Document): void {
  const node = pair.value as YamlNode | null;
  if (!node || !isSeq(node)) {
    error(node ? spanOf(node) : spanOf(pair.key as YamlNode), "'tests' is a list of cases, each with 'name', 'rule', 'event' (or 'alert') and 'expect'.");
    return;
  }
  for (const element of node.items as Array<YamlNode | null>) {
    if (!element || !isMap(element)) {
      error(element ? spanOf(element) : spanOf(node), "Each test is a map with 'name', 'rule', 'event' (or 'alert') and 'expect'.");
      continue;
    }
    file.cases.push(readCase(element, error, document));
  }
}

function readCase(node: YAMLMap, error: ErrorSink, document: Document): RuleTestCase {
  const span = spanOf(node);
  const firstKey = node.items[0] ? spanOf(node.items[0].key as YamlNode) : span;
  const testCase: RuleTestCase = { name: '', nameSpan: firstKey, span, fields: [] };
  let hasEvent = false;
  let hasExpect = false;
  for (const pair of node.items) {
    const key = keyText(pair);
    if (key === 'expect') hasExpect = true;
    const keySpan = spanOf(pair.key as YamlNode);
    const value = pair.value as YamlNode | null;
    const valueSpan = value ? spanOf(value) : keySpan;
    switch (key) {
      case 'name':
      case 'rule': {
        const text = value && isScalar(value) && value.value !== null ? String(value.value) : '';
        if (text === '') {
          error(valueSpan, `'${key}' needs a non-empty text.`);
          break;
        }
        if (key === 'name') {
          testCase.name = text;
          testCase.nameSpan = valueSpan;
        } else testCase.rule = { value: text, span: valueSpan };
        break;
      }
      case 'event':
        hasEvent = true;
        if (!value || !isMap(value)) error(valueSpan, "'event' is a map from field to value, such as 'event: {evt.type: execve, proc.name: bash}'.");
        else testCase.fields.push(...readFields(value, document));
        break;
      case 'alert':
        hasEvent = true;
        readAlert(value, valueSpan, testCase, error, document);
        break;
      case 'expect': {
        const text = value && isScalar(value) ? String(value.value) : '';
        if (EXPECTATIONS.includes(text as Expectation)) testCase.expect = { value: text as Expectation, span: valueSpan };
        else error(valueSpan, `'expect' is 'match' or 'no_match', not '${text}'.`);
        break;
      }
      default:
        error(keySpan, `Unknown key '${key}' in a test case.${didYouMean(suggest(key ?? '', CASE_KEYS, 1))} The keys are ${CASE_KEYS.join(', ')}.`);
    }
  }
  if (testCase.name === '') error(testCase.nameSpan, "The test case has no 'name': give each case a name to report it by.");
  // An invalid 'expect' value has its own error above.
  if (!hasExpect) error(testCase.nameSpan, "The test case has no 'expect': write 'expect: match' or 'expect: no_match'.");
  if (!hasEvent) error(testCase.nameSpan, "The test case has no 'event' or 'alert': give the event's fields, such as 'event: {evt.type: execve, proc.name: bash}'.");
  if (!testCase.rule && !testCase.alertRule && !testCase.alertFile) error(testCase.nameSpan, "The test case has no 'rule': name the rule under test.");
  return testCase;
}

function readFields(map: YAMLMap, document: Document): EventFieldEntry[] {
  const fields: EventFieldEntry[] = [];
  for (const pair of map.items) {
    const keyNode = pair.key as YamlNode | null;
    if (!keyNode || !isScalar(keyNode)) continue;
    const valueNode = pair.value as YamlNode | null;
    const keySpan = spanOf(keyNode);
    // Aliases resolve through the document, which limits their expansion (maxAliasCount).
    fields.push({ key: String(keyNode.value), keySpan, value: valueNode ? valueNode.toJS(document, { maxAliasCount: 100 }) : null, valueSpan: valueNode ? spanOf(valueNode) : keySpan });
  }
  return fields;
}

/** Reads `alert:` as a path to a JSON file or as an inline alert with `output_fields` (and optionally `rule`). */
function readAlert(value: YamlNode | null, span: Span, testCase: RuleTestCase, error: ErrorSink, document: Document): void {
  if (value && isScalar(value) && typeof value.value === 'string' && value.value !== '') {
    testCase.alertFile = { value: value.value, span };
    return;
  }
  if (!value || !isMap(value)) {
    error(span, "'alert' is a path to a file with a Falco JSON alert, or the alert itself with its 'output_fields'.");
    return;
  }
  const outputFields = value.items.find((pair) => keyText(pair) === 'output_fields');
  const rule = value.items.find((pair) => keyText(pair) === 'rule');
  if (rule && isScalar(rule.value) && typeof (rule.value as Scalar).value === 'string') testCase.alertRule = { value: String((rule.value as Scalar).value), span: spanOf(rule.value as YamlNode) };
  if (!outputFields || !isMap(outputFields.value)) {
    error(span, "The alert has no 'output_fields' map: copy the whole JSON alert that Falco printed with json_output enabled.");
    return;
  }
  testCase.fields.push(...readFields(outputFields.value as YAMLMap, document));
}

function keyText(pair: Pair): string | undefined {
  const key = pair.key as YamlNode | null;
  return key && isScalar(key) ? String(key.value) : undefined;
}

function spanOf(node: YamlNode): Span {
  const range = node.range ?? [0, 0, 0];
  return { start: range[0], end: range[1] };
}
