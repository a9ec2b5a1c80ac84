/**
 * Fixes that depend on the events a rule selects. They rename event
 * arguments written under another name (`evt.arg.targetpath` for mount's
 * `dir`), add the newer variants of an old event (`openat` for `open`), and
 * restrict a condition that selects every event type (LOAD_NO_EVTTYPE).
 */
import type { Expr, FieldExpr, TransformerExpr } from '../condition/ast';
import type { EventDef } from '../catalog/types';
import type { ConditionScope } from '../checks/condition';
import type { RulesItem } from '../document/model';
import type { CodeAction, DocumentEdit, Fixer, FixContext } from './types';
import { parseCondition, tokenizeCondition } from '../condition/parser';
import { parseOutput } from '../output/parser';
import { findEvent } from '../catalog';
import { selectedEvents } from '../features/selected-events';
import { checkWithValueAt, pathTo, quoteOf, quoteValue } from './condition-tree';
import { findScalarAt, itemWithKeyAt, quickFix, scalarEdits, scalarTarget, toValueSpan, ValueEdit } from './scalar-edit';

// ---------------------------------------------------------------------------
// Event arguments under another name

interface ArgSynonyms {
  /** The events whose argument `arg` the names stand for. */
  events: readonly string[];
  arg: string;
  /** Names people write for the argument: the C library's parameter names and those of other tools. */
  names: readonly string[];
}

/** Argument names of the libs event table against the names rules often use instead, by event. */
export const ARG_SYNONYMS: readonly ArgSynonyms[] = [
  { events: ['mount'], arg: 'dir', names: ['targetpath', 'target', 'mountpoint', 'mount_point', 'path'] },
  { events: ['mount'], arg: 'dev', names: ['sourcepath', 'source', 'device', 'src'] },
  { events: ['mount'], arg: 'type', names: ['fstype', 'filesystemtype'] },
  { events: ['umount', 'umount2'], arg: 'name', names: ['targetpath', 'target', 'mountpoint', 'mount_point', 'dir', 'path'] },
  { events: ['open', 'openat', 'openat2', 'creat', 'access', 'unlinkat'], arg: 'name', names: ['pathname', 'path', 'filename', 'file', 'fullpath'] },
  { events: ['open_by_handle_at', 'unlink', 'mkdir', 'mkdirat', 'rmdir', 'chown', 'lchown', 'chdir', 'chroot', 'mknod', 'mknodat', 'stat', 'lstat', 'newfstatat'], arg: 'path', names: ['pathname', 'filename', 'file', 'name', 'fullpath'] },
  { events: ['chmod', 'fchmodat'], arg: 'filename', names: ['pathname', 'path', 'file', 'name'] },
  { events: ['fchownat'], arg: 'pathname', names: ['path', 'filename', 'file', 'name'] },
  { events: ['rename', 'renameat', 'renameat2', 'link', 'linkat'], arg: 'oldpath', names: ['source', 'sourcepath', 'src', 'from', 'old'] },
  { events: ['rename', 'renameat', 'renameat2', 'link', 'linkat'], arg: 'newpath', names: ['target', 'targetpath', 'dest', 'destination', 'dst', 'to', 'new'] },
  { events: ['symlink', 'symlinkat'], arg: 'linkpath', names: ['path', 'newpath', 'link'] },
];

/** Returns the argument of `event` that `written` names: itself when the event has it, else its synonym there. */
function argumentFor(written: string, event: EventDef): string | undefined {
  if (event.params.some((param) => param.name === written)) return written;
  const row = ARG_SYNONYMS.find((r) => r.events.includes(event.name) && r.names.includes(written));
  return row && event.params.some((param) => param.name === row.arg) ? row.arg : undefined;
}

const EVENT_ARG_WRITTEN = /^(?:%\(?)?evt\.(?:raw)?arg\.([A-Za-z_][A-Za-z0-9_]*)(?:\)s?)?$/;

/**
 * Replaces an event argument that the selected events lack (or that no
 * event has) with the argument they have under that meaning, everywhere in
 * the rule's condition and output. Safe when the selected events agree on
 * one argument; with several, or when the events are unknown, each
 * candidate is offered.
 */
export const eventArgFixer: Fixer = (context) => {
  const { diagnostic, document } = context;
  const covered = document.text.slice(diagnostic.span.start, diagnostic.span.end);
  const written = EVENT_ARG_WRITTEN.exec(covered)?.[1];
  const located = written ? findScalarAt(document, diagnostic.span) : undefined;
  if (!written || !located) return [];
  const item = located.item;
  const condition = scalarTarget(item, 'condition');
  const scope = context.program.scopeFor(item, context.program.fileIndexOf(context.uri));
  const events = condition ? selectedEvents(context.program, scope, item, condition.map.value) : undefined;

  let targets: string[];
  if (events) {
    const mapped = events.map((event) => argumentFor(written, event)).filter((arg): arg is string => arg !== undefined);
    if (mapped.includes(written)) return [];
    targets = [...new Set(mapped)];
  } else {
    targets = [...new Set(ARG_SYNONYMS.filter((row) => row.names.includes(written)).map((row) => row.arg))];
  }
  const safe = events !== undefined && targets.length === 1;

  const actions: CodeAction[] = [];
  for (const target of targets) {
    const edits = renameEventArg(context, item, written, target);
    if (!edits) continue;
    const owners = (events ?? []).filter((event) => argumentFor(written, event) === target).map((event) => event.name);
    const where = owners.length ? ` (the argument of ${owners.join(', ')})` : '';
    const prefix = covered.startsWith('evt.rawarg.') || covered.startsWith('%evt.rawarg.') ? 'evt.rawarg' : 'evt.arg';
    actions.push(quickFix(context, `Replace '${prefix}.${written}' with '${prefix}.${target}'${where} in this ${item.kind}`, edits, safe));
  }
  return actions;
};

/**
 * Edits that rename argument `from` to `to` in every `evt.arg.` and
 * `evt.rawarg.` field of the item's condition and output. The broken
 * placeholder the diagnostic is on, such as `%(evt.arg.sourcepath)`, is
 * rewritten whole as `%evt.arg.dev`.
 */
function renameEventArg(context: FixContext, item: RulesItem, from: string, to: string): DocumentEdit[] | undefined {
  const isArgField = (name: string) => name === `evt.arg.${from}` || name === `evt.rawarg.${from}`;
  const renameIn = (span: { end: number }): ValueEdit => ({ span: { start: span.end - from.length, end: span.end }, text: to });
  const edits: DocumentEdit[] = [];

  const condition = scalarTarget(item, 'condition');
  if (condition) {
    const valueEdits = tokenizeCondition(condition.text).filter((token) => token.kind === 'field' && isArgField(token.text)).map((token) => renameIn(token.span));
    if (valueEdits.length) {
      const documentEdits = scalarEdits(context, condition, valueEdits);
      if (!documentEdits) return undefined;
      edits.push(...documentEdits);
    }
  }

  const output = scalarTarget(item, 'output');
  if (output) {
    const diagnosticSpan = toValueSpan(output.map, context.diagnostic.span);
    const valueEdits: ValueEdit[] = [];
    const visit = (expr: FieldExpr | TransformerExpr) => {
      if (expr.kind === 'field') {
        if (isArgField(expr.name)) valueEdits.push(renameIn(expr.nameSpan));
        return;
      }
      for (const arg of expr.args) if (arg.kind === 'field' || arg.kind === 'transformer') visit(arg);
    };
    for (const segment of parseOutput(output.text).segments) {
      if (segment.kind === 'placeholder') visit(segment.expr);
      if (segment.kind !== 'broken' || !segment.intended || !segment.intendedSpan || !isArgField(segment.intended)) continue;
      const isDiagnosed = diagnosticSpan && segment.span.start === diagnosticSpan.start && segment.span.end === diagnosticSpan.end;
      valueEdits.push(isDiagnosed ? { span: segment.span, text: `%${segment.intended.slice(0, -from.length)}${to}` } : renameIn(segment.intendedSpan));
    }
    if (valueEdits.length) {
      const documentEdits = scalarEdits(context, output, valueEdits);
      if (!documentEdits) return undefined;
      edits.push(...documentEdits);
    }
  }
  return edits.length ? edits : undefined;
}

// ---------------------------------------------------------------------------
// Newer variants of an event

/** Returns the `evt.arg.`/`evt.rawarg.` argument names a condition tests. */
function testedArguments(text: string): Set<string> {
  const names = new Set<string>();
  for (const token of tokenizeCondition(text)) {
    const match = token.kind === 'field' ? /^evt\.(?:raw)?arg\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(token.text) : null;
    if (match) names.add(match[1]!);
  }
  return names;
}

/**
 * Adds the newer variants of an event to its `evt.type` check, quoted like
 * the event: `evt.type = open` becomes `evt.type in (open, openat, openat2)`.
 * Safe unless the condition tests an argument of the event that a variant
 * lacks, where the variant would change what the test matches.
 */
export const eventVariantsFixer: Fixer = (context) => {
  const variants = context.diagnostic.data?.missingVariants;
  const target = variants && findScalarAt(context.document, context.diagnostic.span, ['condition']);
  const span = target && toValueSpan(target.map, context.diagnostic.span);
  const expr = target && parseCondition(target.text).expr;
  const found = span && expr ? checkWithValueAt(expr, span) : undefined;
  if (!variants || !target || !found || found.check.left.kind !== 'field') return [];
  const { check, value } = found;
  const quote = quoteOf(value);
  const added = variants.map((variant) => quoteValue(variant, quote));

  let edit: ValueEdit;
  if (check.right?.kind === 'value' && check.operator) {
    edit = { span: { start: check.operator.span.start, end: value.span.end }, text: `in (${[value.raw, ...added].join(', ')})` };
  } else if (check.right?.kind === 'list' && check.right.parenthesized) {
    edit = { span: { start: value.span.end, end: value.span.end }, text: `, ${added.join(', ')}` };
  } else if (check.right?.kind === 'list') {
    edit = { span: value.span, text: `(${[value.raw, ...added].join(', ')})` };
  } else {
    return [];
  }

  const original = findEvent(value.value);
  const tested = [...testedArguments(target.text)].filter((arg) => original?.params.some((param) => param.name === arg));
  const changesArgs = variants.some((variant) => tested.some((arg) => !findEvent(variant)?.params.some((param) => param.name === arg)));
  const edits = scalarEdits(context, target, [edit]);
  if (!edits) return [];
  const result = target.text.slice(check.span.start, edit.span.start) + edit.text + target.text.slice(edit.span.end, check.span.end);
  return [quickFix(context, `Select the variants too: '${result}'`, edits, !changesArgs)];
};

// ---------------------------------------------------------------------------
// Conditions without an event type

const FILE_FIELDS = new Set(['fd.name', 'fd.directory', 'fd.filename', 'fd.nameraw']);
const NETWORK_FIELD = /^fd\.(?:[scrl]?ip|[scrl]?net|[scrl]?port|[scrl]ip\.name|l4proto|sockfamily|proto)$/;
/** Arguments that only mount events have, under their libs names and the names rules use for them. */
const MOUNT_ARGS = new Set(['dir', 'targetpath', 'mountpoint', 'mount_point', 'sourcepath', 'fstype']);

/** Returns the fields a condition tests, with the fields of the visible macros it uses. */
function testedFields(expr: Expr, scope: ConditionScope): Set<string> {
  const fields = new Set<string>();
  const expanded = new Set<string>();
  const addField = (node: FieldExpr | TransformerExpr) => {
    if (node.kind === 'field') fields.add(node.name);
    else for (const arg of node.args) if (arg.kind === 'field' || arg.kind === 'transformer') addField(arg);
  };
  // Macros go on a work list rather than being walked recursively, because a chain of thousands of macros would exhaust the stack.
  const pending: Expr[] = [expr];
  for (let root = pending.pop(); root; root = pending.pop()) {
    pathTo(root, (node) => {
      if (node.kind === 'check') {
        addField(node.left);
        if (node.right?.kind === 'transformer') addField(node.right);
      } else if (node.kind === 'identifier' && !expanded.has(node.name) && scope.macroState(node.name)?.state === 'visible') {
        expanded.add(node.name);
        const macro = scope.macroExpr(node.name);
        if (macro) pending.push(macro);
      }
      return false;
    });
  }
  return fields;
}

/** Returns the restrictions that fit what a condition tests, best first. Macros are offered only where the condition can see them. */
function restrictionsFor(fields: ReadonlySet<string>, scope: ConditionScope): string[] {
  const names = [...fields];
  const visible = (macro: string) => scope.macroState(macro)?.state === 'visible';
  const argNames = names.map((name) => /^evt\.(?:raw)?arg\.(.+)$/.exec(name)?.[1]).filter((arg): arg is string => arg !== undefined);
  const candidates: string[] = [];
  if (argNames.some((arg) => MOUNT_ARGS.has(arg))) candidates.push('evt.type = mount');
  if (names.some((name) => FILE_FIELDS.has(name))) {
    candidates.push(...['open_read', 'open_write'].filter(visible), 'evt.type in (open, openat, openat2)');
  }
  if (names.some((name) => NETWORK_FIELD.test(name))) {
    candidates.push('evt.type in (connect)', ...['outbound'].filter(visible));
  }
  if (names.some((name) => name.startsWith('proc.')) && !names.some((name) => name.startsWith('fd.')) && argNames.length === 0 && visible('spawned_process')) {
    candidates.push('spawned_process');
  }
  return candidates;
}

/**
 * Offers to restrict a condition that selects every event type with the
 * restriction its fields suggest, written before it with `and`, and the
 * condition parenthesised when it has a top-level `or`. These change which
 * events reach the rule, so none is safe.
 */
export const eventTypePrefixFixer: Fixer = (context) => {
  const item = itemWithKeyAt(context.document, 'condition', context.diagnostic.span);
  const target = item && scalarTarget(item, 'condition');
  const expr = target && parseCondition(target.text).expr;
  if (!item || !target || !expr) return [];
  const scope = context.program.scopeFor(item, context.program.fileIndexOf(context.uri));
  const first = target.text.search(/[^ \t\r\n]/);
  const last = target.text.trimEnd().length;
  if (first === -1) return [];
  const wrap = expr.kind === 'or';

  const actions: CodeAction[] = [];
  for (const restriction of restrictionsFor(testedFields(expr, scope), scope)) {
    const edits: ValueEdit[] = [{ span: { start: first, end: first }, text: `${restriction} and ${wrap ? '(' : ''}` }];
    if (wrap) edits.push({ span: { start: last, end: last }, text: ')' });
    const documentEdits = scalarEdits(context, target, edits);
    if (documentEdits) actions.push(quickFix(context, `Restrict the rule to events: '${restriction} and ${wrap ? '(...)' : '...'}'`, documentEdits, false));
  }
  return actions;
};
