/**
 * Go to definition, find references and document highlights for the names
 * of macros, lists and rules, over the occurrences index.
 *
 * Locations may be in the bundled default ruleset (`bundled:falco_rules.yaml`);
 * the caller decides whether it can show them.
 */
import type { Span } from '../types';
import type { RulesWorkspace } from '../workspace';
import type { Program } from '../analysis/program';
import { getOccurrenceIndex, indexAndVisibility, Occurrence, OccurrenceIndex, OccurrenceRole } from './occurrences';

export type { NameKind, Occurrence, OccurrenceRole } from './occurrences';

export interface DefinitionLocation {
  uri: string;
  /** The name text of the defining item. */
  span: Span;
  /** The whole defining item, from its `- `. */
  itemSpan: Span;
}

export interface ReferenceLocation {
  uri: string;
  /** The name text. */
  span: Span;
  role: OccurrenceRole;
}

export interface DocumentHighlight {
  span: Span;
  /** `write` for definitions and updates, `read` for uses. */
  kind: 'read' | 'write';
}

/** Returns the occurrence of a macro, list or rule name under the cursor, if any. */
export function findOccurrence(workspace: RulesWorkspace, uri: string, offset: number): { index: OccurrenceIndex; occurrence: Occurrence } | undefined {
  const index = getOccurrenceIndex(workspace.getProgram());
  const occurrence = index.at(uri, offset);
  return occurrence ? { index, occurrence } : undefined;
}

/**
 * Returns the full definitions of the name under the cursor: the one in
 * effect first (the last one Falco has loaded when it reads that position),
 * then the earlier ones it replaced, in load order. Visibility follows Falco:
 *
 * - a rule's condition or exceptions see the macros and lists of its file and
 *   the files before it;
 * - a macro can use the macros whose first definition comes before its last
 *   definition or append, and a list likewise for lists among its items;
 * - an override or append refers to the definitions before it, and a full
 *   definition to itself and the definitions it replaces.
 *
 * When no definition is visible from the position (the name is defined only
 * later, which the checker reports), every full definition is returned, so
 * the user can still reach it.
 */
export function findDefinition(workspace: RulesWorkspace, uri: string, offset: number): DefinitionLocation[] {
  const found = findOccurrence(workspace, uri, offset);
  if (!found) return [];
  const { index, occurrence } = found;
  const definitions = index.occurrencesOf(occurrence.kind, occurrence.name).filter((o) => o.role === 'definition');
  const visible = visibleDefinitions(index.program, occurrence, definitions);
  const chosen = visible.length ? visible : definitions;
  if (chosen.length === 0) return [];
  const inEffect = chosen[chosen.length - 1]!;
  return [inEffect, ...chosen.slice(0, -1)].map((d) => ({ uri: d.uri, span: d.span, itemSpan: d.item.elementSpan }));
}

function visibleDefinitions(program: Program, occurrence: Occurrence, definitions: Occurrence[]): Occurrence[] {
  if (occurrence.role === 'definition') return definitions.filter((d) => d.order <= occurrence.order);
  if (occurrence.role === 'update') return definitions.filter((d) => d.order < occurrence.order);

  const loaded = definitions.filter((d) => d.fileIndex <= occurrence.fileIndex);
  const user = occurrence.item;
  // Conditions see every list loaded so far; only macros in macros and lists in lists have an order.
  let orderedBy: 'macro' | 'list' | undefined;
  if (occurrence.kind === 'macro' && user.kind === 'macro') orderedBy = 'macro';
  else if (occurrence.kind === 'list' && occurrence.context === 'list-item') orderedBy = 'list';
  if (!orderedBy || user.name === undefined) return loaded;
  const own = indexAndVisibility(program, orderedBy, user.name, occurrence.fileIndex);
  const target = indexAndVisibility(program, orderedBy, occurrence.name, occurrence.fileIndex);
  return own && target && target.index < own.visibility ? loaded : [];
}

/**
 * Returns every occurrence of the name under the cursor, in load order. Updates
 * (overrides, appends, `enabled` items) refer to the earlier definition, so
 * they count as references; `includeDeclaration` adds the full definitions.
 */
export function findReferences(workspace: RulesWorkspace, uri: string, offset: number, includeDeclaration: boolean): ReferenceLocation[] {
  const found = findOccurrence(workspace, uri, offset);
  if (!found) return [];
  const { index, occurrence } = found;
  return index
    .occurrencesOf(occurrence.kind, occurrence.name)
    .filter((o) => includeDeclaration || o.role !== 'definition')
    .map((o) => ({ uri: o.uri, span: o.span, role: o.role }));
}

/** Returns the occurrences of the name under the cursor in the same document. */
export function documentHighlights(workspace: RulesWorkspace, uri: string, offset: number): DocumentHighlight[] {
  const found = findOccurrence(workspace, uri, offset);
  if (!found) return [];
  const { index, occurrence } = found;
  return index
    .occurrencesOf(occurrence.kind, occurrence.name)
    .filter((o) => o.uri === uri)
    .map((o) => ({ span: o.span, kind: o.role === 'use' ? 'read' : 'write' }));
}
