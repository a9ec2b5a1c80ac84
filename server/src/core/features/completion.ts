/**
 * Completion: fields, macros, lists, operators and event names inside
 * conditions; fields after `%` in outputs; keys inside items; item kinds at
 * the top level. Each candidate replaces the whole word being typed.
 */
import type { Span } from '../types';
import type { RulesWorkspace } from '../workspace';
import type { RulesItem } from '../document/model';
import { ITEM_KINDS } from '../document/model';
import { ITEM_KEYS } from '../schema/items';
import { catalog, operatorsForType } from '../catalog';
import { lookupField } from '../checks/fields';
import { toDocumentSpan } from '../yaml/scalar-map';
import { scalarText } from '../checks/structure';
import { findItemAt, findItemBefore, findScalarAt, linePrefix } from './locate';

export type CandidateKind = 'field' | 'macro' | 'list' | 'operator' | 'keyword' | 'event' | 'key' | 'item' | 'value';

export interface CompletionCandidate {
  label: string;
  kind: CandidateKind;
  detail?: string;
  documentation?: string;
  /** Text inserted in place of `replace`; the label when absent. */
  insertText?: string;
  /** Document span the candidate replaces: the word being typed. */
  replace: Span;
  /** Sort key; lower sorts first. */
  sortText?: string;
}

const WORD_BEFORE = /[A-Za-z0-9_.\-[\]]*$/;
const FIELD_THEN_BLANK = /([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+(?:\[[^\]]*\])?|\))\s+$/;
const COMMON_FIELDS = new Set(['proc.name', 'proc.cmdline', 'proc.pname', 'fd.name', 'evt.type', 'container.id', 'container.image.repository', 'user.name', 'fd.sip', 'fd.sport', 'k8s.ns.name']);

export function doComplete(workspace: RulesWorkspace, uri: string, offset: number): CompletionCandidate[] {
  const document = workspace.getDocument(uri);
  if (!document) return [];
  const item = findItemAt(document, offset);
  if (item) {
    const location = findScalarAt(item, offset);
    if (location && location.entry.key === 'condition') {
      return completeCondition(workspace, uri, item, location.map.value.slice(0, location.valueOffset), (span) => toDocumentSpan(location.map, span));
    }
    if (location && location.entry.key === 'output') {
      return completeOutput(item, location.map.value.slice(0, location.valueOffset), (span) => toDocumentSpan(location.map, span));
    }
  }

  const prefix = linePrefix(document.text, offset);
  const emptyValue = /^\s*(?:-\s+)?(condition|output):[ \t]*(.*)$/.exec(prefix);
  if (item && emptyValue) {
    const valueStart = offset - emptyValue[2]!.length;
    const toDoc = (span: Span) => ({ start: valueStart + span.start, end: valueStart + span.end });
    return emptyValue[1] === 'condition'
      ? completeCondition(workspace, uri, item, emptyValue[2]!, toDoc)
      : completeOutput(item, emptyValue[2]!, toDoc);
  }

  // The rest of the word after the cursor, and whether a colon already follows it.
  const after = /^[A-Za-z_-]*(:?)/.exec(document.text.slice(offset))!;
  const wordEnd = offset + after[0].length - after[1]!.length;
  const hasColon = after[1] === ':';

  const itemMatch = /^-[ \t]*([A-Za-z_]*)$/.exec(prefix);
  if (itemMatch || /^[A-Za-z_]*$/.test(prefix)) {
    const word = itemMatch ? itemMatch[1]! : prefix;
    const replace = { start: offset - word.length, end: wordEnd };
    return ITEM_KINDS.map((kind) => ({ label: kind, kind: 'item', insertText: hasColon ? kind : `${itemMatch ? '' : '- '}${kind}: `, replace }));
  }

  const keyMatch = /^\s+([A-Za-z_-]*)$/.exec(prefix);
  const owner = item ?? findItemBefore(document, offset);
  if (keyMatch && owner?.kind) {
    const present = new Set(owner.entries.map((e) => e.key));
    const replace = { start: offset - keyMatch[1]!.length, end: wordEnd };
    return ITEM_KEYS[owner.kind]
      .filter((key) => !present.has(key.name))
      .map((key) => ({ label: key.name, kind: 'key', detail: key.required ? 'required' : 'optional', documentation: key.description, insertText: hasColon ? key.name : `${key.name}: `, replace }));
  }
  return [];
}

function fieldCandidates(source: string | undefined, word: string, replace: Span, forOutput: boolean): CompletionCandidate[] {
  const dot = word.lastIndexOf('.');
  const classPrefix = dot === -1 ? '' : word.slice(0, dot + 1);
  const result: CompletionCandidate[] = [];
  for (const field of catalog.fields) {
    if (source !== undefined && !field.sources.includes(source)) continue;
    if (classPrefix && !field.name.startsWith(classPrefix)) continue;
    if (forOutput && field.filterOnly) continue;
    result.push({
      label: field.name,
      kind: 'field',
      detail: field.type,
      documentation: field.description,
      replace,
      sortText: `${COMMON_FIELDS.has(field.name) ? '0' : '1'}${field.name}`,
    });
  }
  return result;
}

function completeCondition(workspace: RulesWorkspace, uri: string, item: RulesItem, before: string, toDoc: (span: Span) => Span): CompletionCandidate[] {
  const word = WORD_BEFORE.exec(before)?.[0] ?? '';
  const wordStart = before.length - word.length;
  const replace = toDoc({ start: wordStart, end: before.length });
  const head = before.slice(0, wordStart);
  const source = item.kind === 'rule' ? scalarText(item, item.get('source')?.value) ?? 'syscall' : undefined;
  const program = workspace.getProgram();
  const fileIndex = program.fileIndexOf(uri);

  // Inside `evt.type in (` or after `evt.type =`: event names.
  if (/evt\.type\s*(?:=|==|!=|in\s*\((?:[^()]*,)?)\s*$/.test(head)) {
    return catalog.events.map((event) => ({ label: event.name, kind: 'event', detail: event.category, replace }));
  }
  // Inside a list operand: lists in scope.
  if (/\b(?:in|intersects|pmatch)\s*\([^()]*$/.test(head)) {
    return program.namesOf('list', fileIndex).map((name) => ({ label: name, kind: 'list', replace }));
  }
  // After a field: the operators its type accepts.
  const fieldBefore = FIELD_THEN_BLANK.exec(head);
  if (fieldBefore && fieldBefore[1] !== ')') {
    const name = fieldBefore[1]!.replace(/\[.*$/, '');
    const lookup = lookupField(name, undefined, source);
    if (lookup.status === 'ok') {
      const operators = lookup.field.isList ? ['in', 'intersects'] : operatorsForType(lookup.type) ?? [];
      return [...new Set(['exists', ...operators])].map((op) => ({
        label: op,
        kind: 'operator',
        detail: `${lookup.type} operator`,
        documentation: catalog.operators.find((o) => o.name === op)?.description,
        replace,
      }));
    }
  }
  if (fieldBefore) {
    return ['and', 'or'].map((kw) => ({ label: kw, kind: 'keyword', replace }));
  }

  const candidates = fieldCandidates(source, word, replace, false);
  if (!word.includes('.')) {
    for (const name of program.namesOf('macro', fileIndex)) {
      const definition = program.definitionsOf('macro', name).find((d) => !d.isUpdate);
      candidates.push({ label: name, kind: 'macro', documentation: definition ? scalarText(definition.item, definition.item.get('condition')?.value) : undefined, replace, sortText: `2${name}` });
    }
    for (const keyword of ['not', 'and', 'or']) candidates.push({ label: keyword, kind: 'keyword', replace, sortText: `3${keyword}` });
    for (const transformer of catalog.transformers) {
      candidates.push({ label: `${transformer.name}()`, kind: 'keyword', detail: 'transformer', documentation: transformer.description, insertText: `${transformer.name}(`, replace, sortText: `4${transformer.name}` });
    }
  }
  return candidates;
}

function completeOutput(item: RulesItem, before: string, toDoc: (span: Span) => Span): CompletionCandidate[] {
  const match = /%([A-Za-z0-9_.]*)$/.exec(before);
  if (!match) return [];
  const word = match[1]!;
  const replace = toDoc({ start: before.length - word.length, end: before.length });
  const source = scalarText(item, item.get('source')?.value) ?? 'syscall';
  return fieldCandidates(source, word, replace, true);
}
