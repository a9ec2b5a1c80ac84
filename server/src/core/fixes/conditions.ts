/**
 * Fixes inside conditions: `=~` and `!~` from other rule languages, the
 * deprecated `evt.dir`, a list written where a condition belongs, and a
 * macro written inside a list. Operator misspellings (`endwith`) need no
 * fixer here: their diagnostics carry the safe replacement.
 */
import type { CheckExpr, ValueExpr } from '../condition/ast';
import type { ConditionScope } from '../checks/condition';
import type { CodeAction, Fixer, FixContext } from './types';
import { parseCondition } from '../condition/parser';
import { matchBareString, scanQuotedString, unescapeQuotedString } from '../condition/lexer';
import { lookupField } from '../checks/fields';
import { checkRegex, checkValueForType, isAddressType, isIPv4, isIPv6, networkFieldFor } from '../checks/values';
import { literalPattern, networkFromRegex, toFullMatchRegex } from './regex';
import { checkWithValueAt, onlySeparatorBetween, operandOf, pathTo, quoteValue } from './condition-tree';
import { findScalarAt, quickFix, scalarDeletions, scalarEdits, ScalarTarget, sourceEnd, toValueSpan, applyValueEdits } from './scalar-edit';

const STRING_TYPES = new Set(['CHARBUF', 'FSPATH', 'FSRELPATH']);

/** Finds the condition a diagnostic is in, with the diagnostic's value span and the condition's scope. */
function conditionAt(context: FixContext): { target: ScalarTarget; span: { start: number; end: number }; scope: ConditionScope } | undefined {
  const target = findScalarAt(context.document, context.diagnostic.span, ['condition']);
  const span = target && toValueSpan(target.map, context.diagnostic.span);
  if (!target || !span) return undefined;
  return { target, span, scope: context.program.scopeFor(target.item, context.program.fileIndexOf(context.uri)) };
}

// ---------------------------------------------------------------------------
// `=~` and `!~`

interface RegexCheck {
  /** Value offset where the replacement starts: the field, or a `not` that a `!~` cancels. */
  start: number;
  end: number;
  fieldText: string;
  fieldName: string;
  fieldArg: string | undefined;
  /** True for `!~` (unless a `not` before it cancels it). */
  negated: boolean;
  pattern: string;
  /** The quote the pattern was written with, or the empty string. */
  quote: string;
}

const OPERATOR_BEFORE = /([=!]~)[ \t\r\n]*$/;
const FIELD_BEFORE = /([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)+)(?:\[([^\]]*)\])?[ \t\r\n]*$/;
const NOT_BEFORE = /(?:^|[ \t\r\n(])(not[ \t\r\n]+)$/;

/**
 * Reads `field =~ pattern` or `field !~ pattern` around an error at `span`:
 * the error covers `!~` itself, or, for `=~` (which libs reads as `=`
 * followed by the value `~`), the pattern after it.
 */
function readRegexCheck(text: string, span: { start: number; end: number }): RegexCheck | undefined {
  const covered = text.slice(span.start, span.end);
  let operatorStart: number;
  if (covered === '!~' || covered === '=~') {
    operatorStart = span.start;
  } else {
    const match = OPERATOR_BEFORE.exec(text.slice(0, span.start));
    if (!match) return undefined;
    operatorStart = match.index;
  }
  const field = FIELD_BEFORE.exec(text.slice(0, operatorStart));
  if (!field) return undefined;

  let valueStart = operatorStart + 2;
  while (valueStart < text.length && /[ \t\r\n]/.test(text[valueStart]!)) valueStart++;
  const quote = text[valueStart] === '"' || text[valueStart] === "'" ? text[valueStart]! : '';
  const valueEnd = quote ? scanQuotedString(text, valueStart) : matchBareString(text, valueStart);
  if (valueEnd === -1) return undefined;
  // An escape libs rejects, such as `\.`, stays as written: it was meant for the regex.
  const pattern = quote ? unescapeQuotedString(text, valueStart, valueEnd).value : text.slice(valueStart, valueEnd);

  let negated = text.startsWith('!~', operatorStart);
  let start = field.index;
  const not = negated ? NOT_BEFORE.exec(text.slice(0, start)) : null;
  if (not) {
    start -= not[1]!.length;
    negated = false;
  }
  return { start, end: valueEnd, fieldText: text.slice(field.index, field.index + field[0].trimEnd().length), fieldName: field[1]!, fieldArg: field[2], negated, pattern, quote };
}

/**
 * Rewrites `=~`/`!~` as Falco's `regex` on string fields, with the pattern
 * converted to a whole-value match, and as a network comparison on address
 * fields. Both keep the meaning, so they are safe; for a literal pattern the
 * plain operator (`startswith`, `endswith`, `contains`, `=`) is the safe one. A network
 * derived from a pattern is safe only when the pattern is a plain dotted
 * prefix, because other octet patterns had to be evaluated.
 */
export const regexOperatorFixer: Fixer = (context) => {
  const found = conditionAt(context);
  const check = found && readRegexCheck(found.target.text, found.span);
  if (!found || !check) return [];
  const lookup = lookupField(check.fieldName, check.fieldArg, found.scope.source);
  if (lookup.status !== 'ok' || lookup.field.isList) return [];
  const not = check.negated ? 'not ' : '';
  const span = { start: check.start, end: check.end };
  const actions: CodeAction[] = [];
  const offer = (title: string, text: string, safe: boolean, preferred = safe) => {
    const edits = scalarEdits(context, found.target, [{ span, text }]);
    if (edits) actions.push(quickFix(context, title, edits, safe, preferred));
  };

  if (STRING_TYPES.has(lookup.type)) {
    const pattern = toFullMatchRegex(check.pattern);
    // A value ending in a backslash cannot be quoted: libs never closes a string after `\"`.
    if (pattern === undefined || pattern.endsWith('\\') || checkRegex(pattern) !== undefined) return [];
    const text = `${not}${check.fieldText} regex ${quoteValue(pattern, check.quote)}`;
    // A literal pattern is the same test as a plain operator, which Falco prefers to a regex
    // (it warns that such a regex may be optimized), so that rewrite comes first and is the safe one.
    const literal = literalPattern(check.pattern);
    if (literal) {
      let operator = 'contains';
      if (literal.anchoredStart && literal.anchoredEnd) operator = '=';
      else if (literal.anchoredStart) operator = 'startswith';
      else if (literal.anchoredEnd) operator = 'endswith';
      const simple = `${not}${check.fieldText} ${operator} ${quoteValue(literal.text, check.quote)}`;
      offer(`Rewrite as '${simple}'`, simple, true);
    }
    offer(`Rewrite as '${text}' (Falco's regex matches the whole value)`, text, !literal);
  } else if (isAddressType(lookup.type)) {
    const network = networkFromRegex(check.pattern);
    if (!network) return [];
    const text = `${not}${networkFieldFor(check.fieldName)} = ${network.cidr}`;
    offer(`Rewrite as '${text}' (the network the pattern matches)`, text, network.exact, true);
  }
  return actions;
};

// ---------------------------------------------------------------------------
// `evt.dir`

/**
 * Returns whether an `evt.dir` check is always true or always false, now
 * that Falco delivers only exit events (`<`). Undefined for other forms.
 */
function evtDirTruth(check: CheckExpr): boolean | undefined {
  const operator = check.operator?.text;
  if (check.right?.kind !== 'value' || (check.right.value !== '<' && check.right.value !== '>')) return undefined;
  const matchesExit = check.right.value === '<';
  if (operator === '=' || operator === '==') return matchesExit;
  if (operator === '!=') return !matchesExit;
  return undefined;
}

/**
 * Removes an `evt.dir` comparison together with the `and` or `or` that
 * joins it. Safe when the comparison is always true under `and` (or always
 * false under `or`), so that removing it keeps the meaning.
 */
export const evtDirFixer: Fixer = (context) => {
  const found = conditionAt(context);
  if (!found || found.target.text.slice(found.span.start, found.span.end) !== 'evt.dir') return [];
  const expr = parseCondition(found.target.text).expr;
  if (!expr) return [];
  const path = pathTo(expr, (node) => node.kind === 'check' && node.left.kind === 'field' && node.left.nameSpan.start === found.span.start);
  const check = path[path.length - 1];
  const operand = operandOf(path);
  if (!check || check.kind !== 'check' || !operand) return [];
  const truth = evtDirTruth(check);
  let value = truth;
  if (value !== undefined && operand.negations % 2 === 1) value = !value;
  const keeps = operand.parent.kind === 'and' ? value === true : value === false;
  if (operand.parent.kind === 'or' && !keeps) return [];

  const { map } = found.target;
  const operands = operand.parent.operands;
  const removed = operands[operand.index]!;
  const neighbour = operands[operand.index === 0 ? 1 : operand.index - 1]!;
  const [left, right] = operand.index === 0 ? [removed, neighbour] : [neighbour, removed];
  if (!onlySeparatorBetween(found.target.text, left.span, right.span, 'keyword')) return [];
  // The first operand goes with the keyword after it, any other with the keyword before it.
  const valueSpan = operand.index === 0
    ? { start: removed.span.start, end: operands[1]!.span.start }
    : { start: operands[operand.index - 1]!.span.end, end: removed.span.end };
  const documentSpan = operand.index === 0
    ? { start: map.offsets[valueSpan.start]!, end: map.offsets[valueSpan.end]! }
    : { start: sourceEnd(map, valueSpan.start - 1), end: sourceEnd(map, valueSpan.end - 1) };
  const expected = applyValueEdits(map.value, [{ span: valueSpan, text: '' }]);
  const edits = scalarDeletions(context, found.target, [documentSpan], expected);
  if (!edits) return [];
  const written = found.target.text.slice(removed.span.start, removed.span.end);
  return [quickFix(context, `Remove '${written}' (only exit events are delivered)`, edits, keeps)];
};

// ---------------------------------------------------------------------------
// Lists and macros in the wrong place

interface FieldGuess {
  field: string;
  /** Whether a list item looks like a value of this field. */
  fits(item: string): boolean;
}

/** Fields a list of this kind of values is usually compared with, in the order they are offered. */
const LIST_FIELD_GUESSES: readonly FieldGuess[] = [
  { field: 'proc.name', fits: (item) => /^[A-Za-z0-9_.+-]+$/.test(item) && !/^[0-9.]+$/.test(item) },
  { field: 'fd.name', fits: (item) => item.startsWith('/') },
  { field: 'fd.sport', fits: (item) => /^[0-9]+$/.test(item) },
  { field: 'container.image.repository', fits: (item) => /^[a-z0-9][a-z0-9._-]*(?::[0-9]+)?(?:\/[a-z0-9._-]+)+$/.test(item) && /[a-z]/.test(item) },
  { field: 'fd.snet', fits: (item) => item.includes('/') && /^[0-9A-Fa-f.:]+\/[0-9]+$/.test(item) },
  { field: 'fd.sip', fits: (item) => isIPv4(item) || isIPv6(item) },
];

/** Turns a list used as a condition into `<field> in (<list>)`, one action per field its items suggest. */
export const listAsConditionFixer: Fixer = (context) => {
  const found = conditionAt(context);
  if (!found) return [];
  const name = found.target.text.slice(found.span.start, found.span.end);
  const items = found.scope.listItems(name);
  const expr = parseCondition(found.target.text).expr;
  if (!items || items.length === 0 || !expr) return [];
  const isIdentifier = pathTo(expr, (node) => node.kind === 'identifier' && node.span.start === found.span.start && node.name === name).length > 0;
  if (!isIdentifier) return [];

  const actions: CodeAction[] = [];
  for (const guess of LIST_FIELD_GUESSES) {
    if (!items.every(guess.fits)) continue;
    const lookup = lookupField(guess.field, undefined, found.scope.source);
    if (lookup.status !== 'ok' || (lookup.field.plugin && !found.scope.pluginLoaded(lookup.field.plugin))) continue;
    if (items.some((item) => checkValueForType(item, lookup.type, guess.field, 'in') !== undefined)) continue;
    const text = `${guess.field} in (${name})`;
    const edits = scalarEdits(context, found.target, [{ span: found.span, text }]);
    if (edits) actions.push(quickFix(context, `Write '${text}'`, edits, false));
  }
  return actions;
};

/**
 * Moves the macros written inside an `in (...)` list out of it, as
 * conditions of their own: `proc.name in (bash, container)` becomes
 * `(proc.name in (bash) or container)`. It guesses what was meant, so it
 * is offered but never safe.
 */
export const macroInListFixer: Fixer = (context) => {
  const found = conditionAt(context);
  const expr = found && parseCondition(found.target.text).expr;
  const located = found && expr ? checkWithValueAt(expr, found.span) : undefined;
  if (!found || !located || located.check.operator?.text !== 'in' || located.check.right?.kind !== 'list' || !located.check.right.parenthesized) return [];
  const { check } = located;
  const items = (check.right as { items: ValueExpr[] }).items;
  const isMacro = (item: ValueExpr) => !item.quoted && found.scope.macroState(item.value)?.state === 'visible';
  const macros = items.filter(isMacro).map((item) => item.value);

  const separated = items.every((item, index) => index === 0 || onlySeparatorBetween(found.target.text, items[index - 1]!.span, item.span, 'comma'));
  if (!separated) return [];

  let edits;
  if (items.every(isMacro)) {
    const text = macros.length === 1 ? macros[0]! : `(${macros.join(' or ')})`;
    edits = [{ span: check.span, text }];
  } else {
    edits = [{ span: { start: check.span.start, end: check.span.start }, text: '(' }, ...removeListItems(items, isMacro), { span: { start: check.span.end, end: check.span.end }, text: ` or ${macros.join(' or ')})` }];
  }
  const documentEdits = scalarEdits(context, found.target, edits);
  if (!documentEdits) return [];
  const result = applyValueEdits(found.target.text, edits);
  const rewritten = result.slice(check.span.start, check.span.end + result.length - found.target.text.length);
  return [quickFix(context, `Use ${macros.length === 1 ? 'macro' : 'macros'} ${macros.map((m) => `'${m}'`).join(', ')} as ${macros.length === 1 ? 'a condition' : 'conditions'}: '${rewritten}'`, documentEdits, false)];
};

/** Value edits that delete the list items `remove` accepts, each with the comma that separates it. */
function removeListItems(items: readonly ValueExpr[], remove: (item: ValueExpr) => boolean): Array<{ span: { start: number; end: number }; text: string }> {
  const edits: Array<{ span: { start: number; end: number }; text: string }> = [];
  const firstKept = items.findIndex((item) => !remove(item));
  items.forEach((item, index) => {
    if (!remove(item)) return;
    // Items before the first kept one go with the comma after them, the others with the comma before them.
    const span = index < firstKept ? { start: item.span.start, end: items[index + 1]!.span.start } : { start: items[index - 1]!.span.end, end: item.span.end };
    edits.push({ span, text: '' });
  });
  return edits;
}
