/**
 * Falco's JSON schema check of a rules file: the `schema_valid` flag and the
 * `schema_warnings` of `falco -V` (falco userspace/engine/rule_json_schema.h,
 * applied by yaml_helper.h `validate_node` with valijson 1.0.2 in weak-typing
 * mode, the version falcosecurity/libs bundles).
 *
 * The schema is one flat object type for every item kind, so it cannot tell
 * kinds apart (`priority` on a list passes), and the loader's own checks in
 * structure.ts decide whether Falco accepts the file. Falco only records the
 * outcome, so a schema failure does not fail a load. Two inputs stop the check
 * itself: an empty list where the schema expects a map aborts Falco, and a
 * list or map used as a key fails the load (see `SchemaCheckStopped`).
 *
 * How valijson 1.0.2 reads yaml-cpp nodes (include/valijson/adapters/
 * yaml_cpp_adapter.hpp, internal/basic_adapter.hpp, validation_visitor.hpp):
 * - Every non-null scalar is a string, and weak typing then reads its text. A
 *   boolean must be exactly `true` or `false`, so `capture: yes`, `True` and
 *   `on` fail while quoted `"true"` passes. An integer is whatever
 *   `std::istringstream >> int64_t` reads to the end of the text (optional
 *   leading whitespace and sign, decimal digits, in range). A string is any
 *   non-null scalar, numbers and booleans included, so
 *   `required_engine_version: 26` passes. Null (`key:`, `~`, `null`) is none
 *   of these.
 * - Arrays and objects need a real sequence or map.
 * - `enum` goes through `BasicAdapter::equalTo` in weak mode, which for string
 *   values that read as neither number nor boolean is exact, case-sensitive
 *   std::string equality. So `priority: Warning` and `priority: warning` both
 *   fail the schema, although the loader accepts any case.
 * - Failures are queued innermost first, and each enclosing array or object
 *   then adds one entry of its own. Falco prints every entry (yaml_helper.h
 *   pops them all) as `failed for <context>: <description>`, the context
 *   being `<root>` followed by `[index]` and `[key]` steps.
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node as YamlNode, Scalar, YAMLMap } from 'yaml';
import type { Diagnostic, Span } from '../types';
import type { RulesDocument, Segment } from '../document/model';
import { checkItemStructure } from './structure';
import { suggest } from '../util/suggest';

export interface SchemaFinding {
  /** Falco's text: `failed for <path>: <description>`. */
  message: string;
  /** The text the finding is about: a value, a key, or the map or list that lacks something. */
  span: Span;
}

export interface SchemaResult {
  /** Falco's `schema_valid`: true when the first YAML document passes the schema. */
  valid: boolean;
  /** Falco's `schema_warnings`, in Falco's order; empty when `valid` is true. */
  warnings: SchemaFinding[];
}

// The schema, transcribed from rule_json_schema.h (Falco master after 0.44.1).

type JsonType = 'array' | 'boolean' | 'integer' | 'object' | 'string';

interface SchemaNode {
  type?: JsonType;
  anyOf?: readonly SchemaNode[];
  /** Allowed values, all non-empty strings that do not read as numbers or booleans. */
  enum?: readonly string[];
  items?: SchemaNode;
  minProperties?: number;
  /** The allowed keys; every object in the schema sets `additionalProperties: false`. */
  properties?: Readonly<Record<string, SchemaNode>>;
  required?: readonly string[];
}

const ANY: SchemaNode = {};
const STRING: SchemaNode = { type: 'string' };
const BOOLEAN: SchemaNode = { type: 'boolean' };
const OVERRIDE_OPERATION: SchemaNode = { type: 'string', enum: ['append', 'replace'] };
const PRIORITY_NAMES = ['EMERGENCY', 'ALERT', 'CRITICAL', 'ERROR', 'WARNING', 'NOTICE', 'INFO', 'INFORMATIONAL', 'DEBUG'];
const OVERRIDABLE_KEYS = ['items', 'desc', 'condition', 'output', 'priority', 'enabled', 'exceptions', 'capture', 'capture_duration', 'tags', 'warn_evttypes', 'skip-if-unknown-filter'];

const ALTERNATIVE: SchemaNode = { type: 'object', properties: { name: STRING, version: STRING }, required: ['name', 'version'] };

const REQUIRED_PLUGIN_VERSION: SchemaNode = {
  type: 'object',
  properties: { name: STRING, version: STRING, alternatives: { type: 'array', items: ALTERNATIVE } },
  required: ['name', 'version'],
};

const EXCEPTION: SchemaNode = { type: 'object', properties: { name: STRING, fields: ANY, comps: ANY, values: ANY }, required: ['name'] };

const FALCO_RULE: SchemaNode = {
  type: 'object',
  properties: {
    required_engine_version: STRING,
    required_plugin_versions: { type: 'array', items: REQUIRED_PLUGIN_VERSION },
    macro: STRING,
    condition: STRING,
    list: STRING,
    items: { type: 'array', items: { anyOf: [{ type: 'integer' }, { type: 'string' }] } },
    rule: STRING,
    desc: STRING,
    enabled: BOOLEAN,
    output: STRING,
    append: BOOLEAN,
    priority: { type: 'string', enum: PRIORITY_NAMES },
    capture: BOOLEAN,
    capture_duration: { type: 'integer' },
    source: STRING,
    exceptions: { type: 'array', items: EXCEPTION },
    override: { minProperties: 1, properties: Object.fromEntries(OVERRIDABLE_KEYS.map((key) => [key, OVERRIDE_OPERATION])) },
    tags: { type: 'array', items: STRING },
    warn_evttypes: BOOLEAN,
    'skip-if-unknown-filter': BOOLEAN,
  },
  required: [],
};

const RULES_FILE: SchemaNode = { type: 'array', items: FALCO_RULE };

// The validator: valijson's constraint order and messages over the `yaml` package's nodes.

/** The editor's view of the failure that names a problem. */
interface Cause {
  /** Keys and indexes from the document root down to the failing value. */
  path: readonly string[];
  constraint: 'type' | 'enum' | 'anyOf' | 'additional' | 'duplicate' | 'required' | 'minProperties' | 'stop';
  explanation: string;
  /** For an unknown key: the allowed keys close to it that the map lacks, best first. */
  suggestions?: string[];
}

interface Finding extends SchemaFinding {
  /** Set on the entry that names the problem; unset on entries that pass a failure up to an enclosing value. */
  cause?: Cause;
}

interface AnalysedDocument {
  text: string;
  result: { valid: boolean; warnings: Finding[] };
}

/** One value under validation. */
interface Target {
  /** The value, aliases resolved; null only for a missing node. */
  node: YamlNode | null;
  span: Span;
  /** valijson's context string, such as `<root>[0][capture]`. */
  context: string;
  path: readonly string[];
}

/** Thrown where Falco's check stops the process or the load instead of reporting a warning. */
class SchemaCheckStopped extends Error {
  constructor(
    message: string,
    readonly span: Span,
    readonly explanation: string,
  ) {
    super(message);
  }
}

const TYPE_WORDS: Record<JsonType, string> = {
  array: 'a list',
  boolean: 'true or false',
  integer: 'a whole number',
  object: 'a map',
  string: 'a string',
};

const cache = new WeakMap<RulesDocument, AnalysedDocument>();

/**
 * Runs Falco's schema check over a rules file. With several YAML documents
 * Falco validates each one but sets `schema_valid` from the first document's
 * outcome alone. It lists warnings only when that one fails, and then for every
 * document. Falco's list also contains an `ok` entry for each later document
 * that passes, which is left out here. A file that is not valid YAML gets
 * `valid: true` and no warnings, because Falco stops at the parse error
 * before it records any schema outcome.
 */
export function validateSchema(document: RulesDocument): SchemaResult {
  const { valid, warnings } = analyse(document);
  return { valid, warnings: warnings.map(({ message, span }) => ({ message, span })) };
}

/** `validateSchema` through a parse of the whole file, which item-by-item validation must agree with. */
export function validateSchemaOfWholeFile(document: RulesDocument): SchemaResult {
  const { valid, warnings } = runSchema(document, true);
  return { valid, warnings: warnings.map(({ message, span }) => ({ message, span })) };
}

function analyse(document: RulesDocument): AnalysedDocument['result'] {
  const cached = cache.get(document);
  if (cached && cached.text === document.text) return cached.result;
  const result = runSchema(document);
  cache.set(document, { text: document.text, result });
  return result;
}

function runSchema(document: RulesDocument, wholeFile = false): AnalysedDocument['result'] {
  if (document.tooLarge || document.problems.some((p) => p.code === 'LOAD_ERR_YAML_PARSE')) return { valid: true, warnings: [] };
  if (!wholeFile && isOneItemSequence(document)) return runSchemaOnItems(document);
  const documents = Array.from(parseAllDocuments(document.text, { uniqueKeys: false }));
  if (documents.some((d) => d.errors.length > 0)) return { valid: true, warnings: [] };
  // yaml-cpp returns no document at all for an empty or comment-only file, and Falco then records no schema outcome.
  if (documents.length === 0) return { valid: true, warnings: [] };

  const perDocument: Finding[][] = [];
  try {
    for (const yamlDocument of documents) {
      const validator = new Validator(document.text, yamlDocument);
      const findings: Finding[] = [];
      validator.validate(validator.rootTarget(), RULES_FILE, findings);
      perDocument.push(findings);
    }
  } catch (error) {
    if (!(error instanceof SchemaCheckStopped)) throw error;
    // Falco prints no schema outcome here: the process aborts, or the load fails before the outcome is stored.
    const cause: Cause = { path: [], constraint: 'stop', explanation: error.explanation };
    return { valid: false, warnings: [{ message: error.message, span: error.span, cause }] };
  }
  const valid = perDocument[0]!.length === 0;
  return { valid, warnings: valid ? [] : perDocument.flat() };
}

/**
 * True when the file is one YAML document whose items were each parsed on
 * their own without errors: validating those parses item by item gives what
 * a parse of the whole file gives, without parsing it again.
 */
function isOneItemSequence(document: RulesDocument): boolean {
  return document.chunks.length > 0 && document.chunks.every((chunk) => chunk.kind === 'item' && chunk.documentIndex === 0 && !chunk.segment.outdented && chunk.segment.yaml.errors.length === 0);
}

/** Findings of one chunk's items, by the chunk's parse, with spans relative to the chunk's start. */
const chunkFindings = new WeakMap<Segment, { index: number; findings: Finding[] }>();

function runSchemaOnItems(document: RulesDocument): AnalysedDocument['result'] {
  const first = document.chunks[0]!;
  const last = document.chunks[document.chunks.length - 1]!;
  const root: Target = { node: null, span: { start: first.start, end: last.end }, context: '<root>', path: [] };
  const findings: Finding[] = [];
  let index = 0;
  try {
    for (const chunk of document.chunks) {
      const contents = chunk.segment.yaml.contents as YamlNode | null;
      if (!contents || !isSeq(contents)) continue;
      // The messages name the item's index, so a chunk that moved to another index is validated again.
      let cached = chunkFindings.get(chunk.segment);
      if (cached?.index !== index) {
        const own: Finding[] = [];
        new Validator(document.text, chunk.segment.yaml, chunk.start).validateItems(root, contents.items as Array<YamlNode | null>, FALCO_RULE, own, index);
        cached = { index, findings: own.map((finding) => shiftFinding(finding, -chunk.start)) };
        chunkFindings.set(chunk.segment, cached);
      }
      for (const finding of cached.findings) findings.push(shiftFinding(finding, chunk.start));
      index += contents.items.length;
    }
  } catch (error) {
    if (!(error instanceof SchemaCheckStopped)) throw error;
    const cause: Cause = { path: [], constraint: 'stop', explanation: error.explanation };
    return { valid: false, warnings: [{ message: error.message, span: error.span, cause }] };
  }
  return { valid: findings.length === 0, warnings: findings };
}

function shiftFinding(finding: Finding, by: number): Finding {
  return { ...finding, span: { start: finding.span.start + by, end: finding.span.end + by } };
}

class Validator {
  /**
   * `base` is where the parsed text starts in `text`: 0 for a whole-file
   * parse, a chunk's start when each item was parsed on its own.
   */
  constructor(
    private readonly text: string,
    private readonly yamlDocument: Document,
    private readonly base = 0,
  ) {}

  rootTarget(): Target {
    const contents = (this.yamlDocument.contents as YamlNode | null) ?? null;
    let span = contents ? spanOf(this.text, this.base, contents) : { start: 0, end: 0 };
    if (span.start === span.end) {
      // An empty document: point at its `---` marker.
      const start = this.yamlDocument.range?.[0] ?? 0;
      span = this.text.startsWith('---', start) ? { start, end: start + 3 } : { start, end: start };
    }
    return { node: this.resolve(contents), span, context: '<root>', path: [] };
  }

  /** Validates `target` against `schema`, appending failures to `sink` in valijson's order; returns true when it passes. */
  validate(target: Target, schema: SchemaNode, sink: Finding[]): boolean {
    let valid = true;
    const node = target.node;

    if (schema.type && !hasType(node, schema.type)) {
      const explanation = `${capitalize(subjectOf(target.path))} must be ${TYPE_WORDS[schema.type]} for Falco's rules schema${typeDetail(node, schema.type)}`;
      sink.push(this.cause(target, "Value type not permitted by 'type' constraint.", 'type', explanation));
      valid = false;
    }

    if (schema.anyOf) {
      valid = this.validateAnyOf(target, schema.anyOf, sink) && valid;
    }

    if (schema.enum) {
      // The schema values are non-empty strings, so only a scalar with the same text equals one.
      const text = scalarText(node);
      if (text === undefined || !schema.enum.includes(text)) {
        const values = schema.enum.map((v) => `'${v}'`).join(', ');
        const explanation = `${capitalize(subjectOf(target.path))} must be one of ${values} for Falco's rules schema, which compares case-sensitively`;
        sink.push(this.cause(target, 'Failed to match against any enum values.', 'enum', explanation));
        valid = false;
      }
    }

    if (schema.items && node && isSeq(node)) {
      valid = this.validateItems(target, node.items as Array<YamlNode | null>, schema.items, sink) && valid;
    }

    const objectView = maybeObject(node);
    if (schema.minProperties !== undefined && objectView) {
      const size = node && isMap(node) ? node.items.length : 0;
      if (size < schema.minProperties) {
        const explanation = `Falco's rules schema requires at least ${schema.minProperties} key under ${subjectOf(target.path)}`;
        sink.push(this.cause(target, `Object should have no fewer than ${schema.minProperties} properties.`, 'minProperties', explanation));
        valid = false;
      }
    }

    if (schema.properties && objectView) {
      valid = this.validateProperties(target, schema.properties, sink) && valid;
    }

    if (schema.required && objectView) {
      const keys = node && isMap(node) ? this.keysOf(node) : [];
      for (const name of [...schema.required].sort()) {
        if (keys.includes(name)) continue;
        const explanation = `Falco's rules schema requires the key '${name}' in ${subjectOf(target.path)}`;
        sink.push(this.cause(target, `Missing required property '${name}'.`, 'required', explanation));
        valid = false;
      }
    }
    return valid;
  }

  /** anyOf reports its branches' failures only when every branch fails, then one failure of its own. */
  private validateAnyOf(target: Target, branches: readonly SchemaNode[], sink: Finding[]): boolean {
    const branchFailures: Finding[] = [];
    for (const [index, branch] of branches.entries()) {
      const attempt: Finding[] = [];
      if (this.validate(target, branch, attempt)) return true;
      branchFailures.push(...attempt.map(passUp));
      branchFailures.push({ message: failure(target.context, `Failed to validate against child schema #${index}.`), span: target.span });
    }
    sink.push(...branchFailures);
    const words = branches.map((b) => (b.type ? TYPE_WORDS[b.type] : 'anything')).join(' or ');
    const explanation = `${capitalize(subjectOf(target.path))} must be ${words} for Falco's rules schema`;
    sink.push(this.cause(target, 'Failed to validate against any schemas allowed by anyOf constraint.', 'anyOf', explanation));
    return false;
  }

  /** Validates sequence elements, numbered from `first`; returns whether all pass. */
  validateItems(target: Target, elements: Array<YamlNode | null>, schema: SchemaNode, sink: Finding[], first = 0): boolean {
    let valid = true;
    elements.forEach((element, position) => {
      const index = first + position;
      const child: Target = {
        node: this.resolve(element),
        span: this.elementSpan(element, target.span),
        context: `${target.context}[${index}]`,
        path: [...target.path, String(index)],
      };
      if (!this.validate(child, schema, sink)) {
        sink.push({ message: failure(target.context, `Failed to validate item #${index} in array.`), span: child.span });
        valid = false;
      }
    });
    return valid;
  }

  /** `properties` with `additionalProperties: false`; valijson visits the schema's keys in sorted order. */
  private validateProperties(target: Target, properties: Readonly<Record<string, SchemaNode>>, sink: Finding[]): boolean {
    const node = target.node;
    if (!node || !isMap(node)) {
      // valijson 1.0.2 reads an empty sequence as an empty object here, then requests its object size, which
      // it cannot give. Built without VALIJSON_USE_EXCEPTIONS, as Falco and libs build it, it calls abort().
      // NOTE: derived from the valijson and Falco sources, not observed in a running Falco.
      throw new SchemaCheckStopped(
        'JSON value is not an object.',
        target.span,
        `Write a map here: Falco's schema validator (valijson) cannot check an empty list where the schema expects a map, and stops Falco with "JSON value is not an object."`,
      );
    }
    const pairs = node.items;
    const keys = this.keysOf(node);
    let valid = true;
    const matched = new Set<string>();
    for (const name of Object.keys(properties).sort()) {
      const index = keys.indexOf(name);
      if (index === -1) continue;
      matched.add(name);
      const pair = pairs[index]!;
      const keySpan = this.keySpan(pair.key as YamlNode | null, target.span);
      const value = (pair.value as YamlNode | null) ?? null;
      const child: Target = {
        node: this.resolve(value),
        span: value && !isEmptyNode(value) ? spanOf(this.text, this.base, value) : keySpan,
        context: `${target.context}[${name}]`,
        path: [...target.path, name],
      };
      if (!this.validate(child, properties[name]!, sink)) {
        const pairSpan = { start: keySpan.start, end: Math.max(keySpan.end, child.span.end) };
        sink.push({ message: failure(target.context, `Failed to validate against schema associated with property name '${name}'.`), span: pairSpan });
        valid = false;
      }
    }

    if (matched.size !== keys.length) {
      // A repeated key (yaml-cpp keeps both pairs) makes the counts differ with every key matched: valijson then names ''.
      const unwanted = keys.findIndex((key) => !matched.has(key));
      const repeated = unwanted === -1 ? keys.findIndex((key, i) => keys.indexOf(key) !== i) : -1;
      const index = unwanted === -1 ? repeated : unwanted;
      const key = unwanted === -1 ? '' : keys[unwanted]!;
      const span = this.keySpan(pairs[index]!.key as YamlNode | null, target.span);
      const path = [...target.path, keys[index]!];
      const description = `Object contains a property that could not be validated using 'properties' or 'additionalProperties' constraints: '${key}'.`;
      const explanation =
        unwanted === -1
          ? `Key '${keys[index]}' is repeated, and Falco's rules schema counts the repeat as a key it cannot validate`
          : `Falco's rules schema allows no key '${key}' ${placeOf(target.path, Object.keys(properties))}`;
      const suggestions = unwanted === -1 ? [] : suggest(key, Object.keys(properties), 2).filter((name) => !keys.includes(name));
      sink.push({ message: failure(target.context, description), span, cause: { path, constraint: unwanted === -1 ? 'duplicate' : 'additional', explanation, ...(suggestions.length ? { suggestions } : {}) } });
      valid = false;
    }
    return valid;
  }

  private cause(target: Target, description: string, constraint: Cause['constraint'], explanation: string): Finding {
    return { message: failure(target.context, description), span: target.span, cause: { path: target.path, constraint, explanation } };
  }

  /** Returns the keys of a map as yaml-cpp gives them to valijson: the text of each scalar key, `null` for a null key. */
  private keysOf(node: YAMLMap): string[] {
    return node.items.map((pair) => {
      const key = this.resolve((pair.key as YamlNode | null) ?? null);
      if (key === null || (isScalar(key) && key.value === null)) return 'null';
      const text = scalarText(key);
      if (text !== undefined) return text;
      // yaml-cpp throws converting a collection key to a string, and Falco reports that as LOAD_ERR_YAML_PARSE.
      // NOTE: derived from the sources. The column counts UTF-16 units, yaml-cpp counts bytes.
      const span = spanOf(this.text, this.base, pair.key as YamlNode);
      const { line, column } = lineAndColumn(this.text, span.start);
      throw new SchemaCheckStopped(
        `yaml-cpp: error at line ${line}, column ${column}: bad conversion`,
        span,
        `Write a plain key here: Falco's schema check cannot read a list or a map used as a key, and Falco rejects the file with "yaml-cpp: error at line ${line}, column ${column}: bad conversion"`,
      );
    });
  }

  private keySpan(key: YamlNode | null, fallback: Span): Span {
    return key && !isEmptyNode(key) ? spanOf(this.text, this.base, key) : fallback;
  }

  /** Returns the span of a sequence element, or of its dash for an empty element (`- ` alone). */
  private elementSpan(element: YamlNode | null, fallback: Span): Span {
    if (element && !isEmptyNode(element)) return spanOf(this.text, this.base, element);
    const start = element?.range ? element.range[0] + this.base : fallback.start;
    let i = start - 1;
    while (i >= 0 && (this.text[i] === ' ' || this.text[i] === '\t')) i--;
    return i >= 0 && this.text[i] === '-' ? { start: i, end: i + 1 } : fallback;
  }

  private resolve(node: YamlNode | null): YamlNode | null {
    if (node && isAlias(node)) return (node.resolve(this.yamlDocument) as YamlNode | undefined) ?? null;
    return node;
  }
}

function failure(context: string, description: string): string {
  return `failed for ${context}: ${description}`;
}

function passUp(finding: Finding): Finding {
  return { message: finding.message, span: finding.span };
}

/** Returns the node's span without the line breaks and comments that the `yaml` package counts into block nodes. */
function spanOf(text: string, base: number, node: YamlNode): Span {
  const start = (node.range?.[0] ?? 0) + base;
  return { start, end: Math.max(start, contentEnd(text, base, node)) };
}

function contentEnd(text: string, base: number, node: YamlNode): number {
  const start = (node.range?.[0] ?? 0) + base;
  let end = (node.range?.[1] ?? 0) + base;
  if (isScalar(node) || isAlias(node)) {
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    return end;
  }
  if (!(isMap(node) || isSeq(node)) || node.flow || node.items.length === 0) return end;
  if (isMap(node)) {
    const pair = node.items[node.items.length - 1]!;
    const value = (pair.value as YamlNode | null) ?? null;
    const key = (pair.key as YamlNode | null) ?? null;
    if (value && !isEmptyNode(value)) return contentEnd(text, base, value);
    return key ? contentEnd(text, base, key) : end;
  }
  const element = (node.items[node.items.length - 1] as YamlNode | null) ?? null;
  return element && !isEmptyNode(element) ? contentEnd(text, base, element) : end;
}

function isEmptyNode(node: YamlNode): boolean {
  return !isAlias(node) && isScalar(node) && node.value === null && (node.range?.[0] ?? 0) === (node.range?.[1] ?? 0);
}

/** The decoded text of a non-null scalar, as yaml-cpp's `as<std::string>()` returns it. */
function scalarText(node: YamlNode | null): string | undefined {
  if (!node || !isScalar(node) || node.value === null) return undefined;
  const scalar = node as Scalar;
  return typeof scalar.source === 'string' ? scalar.source : String(scalar.value);
}

/** valijson's named-type check in weak mode, for a yaml-cpp node. */
function hasType(node: YamlNode | null, type: JsonType): boolean {
  switch (type) {
    case 'array':
      return node !== null && isSeq(node);
    case 'object':
      return node !== null && isMap(node);
    case 'string':
      return scalarText(node) !== undefined;
    case 'boolean': {
      const text = scalarText(node);
      return text === 'true' || text === 'false';
    }
    case 'integer': {
      const text = scalarText(node);
      return text !== undefined && readsAsInt64(text);
    }
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** True when `std::istringstream >> int64_t` reads the whole text: C-locale leading whitespace, a sign, decimal digits, no overflow. */
function readsAsInt64(text: string): boolean {
  const match = /^[ \t\n\v\f\r]*([+-]?[0-9]+)$/.exec(text);
  if (!match) return false;
  const value = BigInt(match[1]!);
  return value >= INT64_MIN && value <= INT64_MAX;
}

/** valijson's `maybeObject`: a map, or an empty sequence. */
function maybeObject(node: YamlNode | null): boolean {
  return node !== null && (isMap(node) || (isSeq(node) && node.items.length === 0));
}

function typeDetail(node: YamlNode | null, type: JsonType): string {
  const text = scalarText(node);
  if (type === 'boolean' && text !== undefined) return `, which accepts only these two spellings, not '${text}'`;
  if (node === null || (isScalar(node) && node.value === null)) return ', not an empty value';
  return '';
}

/** Names the value at `path` for a message: `'capture'`, `element 2 of 'items'`, `this item`. */
function subjectOf(path: readonly string[]): string {
  const last = path[path.length - 1];
  if (last === undefined) return 'the document';
  if (!/^[0-9]+$/.test(last)) return `'${last}'`;
  const parent = path[path.length - 2];
  return parent === undefined ? 'this item' : `element ${last} of '${parent}'`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function placeOf(path: readonly string[], allowed: readonly string[]): string {
  if (path.length === 1) return 'in a rules item';
  return `here (allowed: ${[...allowed].sort().join(', ')})`;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

// Editor diagnostics.

/**
 * Returns the schema findings worth showing in the editor, as `info`
 * diagnostics with code `schema`. Leaves out the entries that only pass a
 * failure up to an enclosing value, and every finding about something the
 * loader checks itself. The first kind is item-level values, which the loader
 * either reports or accepts (such as a lower-case priority). The others are
 * text that has a loader error or warning (an unknown key, a non-boolean
 * `enabled`) and anything inside an item entry whose key or value the loader
 * rejects.
 */
export function schemaDiagnostics(document: RulesDocument): Diagnostic[] {
  const { warnings } = analyse(document);
  if (warnings.length === 0) return [];

  const loader = [...document.problems, ...document.items.flatMap((item) => checkItemStructure(item))];
  const key = (span: Span) => spanKey(document.text, span);
  const reported = new Set(loader.filter((d) => d.severity === 'error' || d.severity === 'warning').map((d) => key(d.span)));
  const rejected = new Set(loader.filter((d) => d.severity === 'error').map((d) => key(d.span)));
  const rejectedEntries: Span[] = [];
  for (const item of document.items) {
    for (const entry of item.entries) {
      if (rejected.has(key(entry.keySpan)) || rejected.has(key(entry.valueSpan))) {
        rejectedEntries.push({ start: entry.keySpan.start, end: Math.max(entry.keySpan.end, entry.valueSpan.end) });
      }
    }
  }

  const diagnostics: Diagnostic[] = [];
  for (const finding of warnings) {
    const cause = finding.cause;
    if (!cause) continue;
    if (isCheckedByLoader(cause)) continue;
    if (reported.has(key(finding.span))) continue;
    if (rejectedEntries.some((entry) => entry.start <= finding.span.start && finding.span.end <= entry.end)) continue;
    diagnostics.push({
      span: finding.span,
      severity: 'info',
      code: 'schema',
      // A stopped check prints no schema warning: its explanation quotes what Falco prints instead.
      message: cause.constraint === 'stop' ? `${cause.explanation}.` : `${cause.explanation}. Falco's schema check reports: ${finding.message}`,
      ...(cause.suggestions ? { data: { suggestions: cause.suggestions, ...(cause.suggestions.length === 1 ? { fixSafe: true } : {}) } } : {}),
    });
  }
  return diagnostics;
}

/**
 * True for type and enum failures of a document, an item or an item's value.
 * The loader reads each of these values itself, so it has either reported the
 * value or accepted it: a priority in any case, `enabled: yes`, an empty
 * `exceptions:`, a null document or element, which the loader skips.
 */
function isCheckedByLoader(cause: Cause): boolean {
  return (cause.constraint === 'type' || cause.constraint === 'enum') && cause.path.length <= 2;
}

/** Returns a set key for a span, ignoring trailing blanks and comment lines, which the model's block-node spans include. */
function spanKey(text: string, span: Span): string {
  let end = span.end;
  for (;;) {
    while (end > span.start && /\s/.test(text[end - 1]!)) end--;
    const lineStart = text.lastIndexOf('\n', end - 1) + 1;
    if (lineStart <= span.start || !text.slice(lineStart, end).trimStart().startsWith('#')) break;
    end = lineStart;
  }
  return `${span.start}:${end}`;
}
