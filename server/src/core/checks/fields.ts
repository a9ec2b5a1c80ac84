/**
 * Field lookup for the checks: the catalog's `resolveField`, with the
 * outcomes the checks report and the suggestions they offer. A macro has no
 * source of its own, so its fields are looked up in every known source.
 */
import type { FieldDef } from '../catalog/types';
import { catalog, resolveField, allEventParams, knownSources } from '../catalog';
import type { FieldResolution } from '../catalog';
import { suggest } from '../util/suggest';

export type FieldLookup =
  | { status: 'ok'; field: FieldDef; type: string; dottedArg?: string }
  | { status: 'unknown' }
  | { status: 'other-source'; sources: string[] }
  | { status: 'unknown-event-arg'; argName: string; suggestions: string[] }
  | { status: 'event-arg-prefix'; argName: string }
  | { status: 'argument-not-allowed' }
  | { status: 'argument-required'; example: string }
  | { status: 'invalid-argument'; message: string };

const namesBySource = new Map<string, string[]>();

/** Field names usable with `source` (every source when undefined), for suggestions and completion. */
export function fieldNamesForSource(source: string | undefined): string[] {
  const key = source ?? '*';
  let names = namesBySource.get(key);
  if (!names) {
    names = catalog.fields.filter((f) => !f.hidden && (source === undefined || f.sources.includes(source))).map((f) => f.name);
    namesBySource.set(key, names);
  }
  return names;
}

export function lookupField(name: string, bracketArg: string | undefined, source: string | undefined): FieldLookup {
  if (source !== undefined) return toLookup(resolveField(name, source, bracketArg), name);
  let fallback: FieldLookup | undefined;
  for (const candidate of knownSources()) {
    const lookup = toLookup(resolveField(name, candidate, bracketArg), name);
    if (lookup.status === 'ok') return lookup;
    if (lookup.status !== 'other-source' && lookup.status !== 'unknown') fallback ??= lookup;
  }
  return fallback ?? { status: 'unknown' };
}

function toLookup(resolution: FieldResolution, name: string): FieldLookup {
  switch (resolution.kind) {
    case 'found':
      return { status: 'ok', field: resolution.field, type: resolution.type, ...(resolution.dottedArg !== undefined ? { dottedArg: resolution.dottedArg } : {}) };
    case 'not-found':
      return { status: 'unknown' };
    case 'other-source':
      return { status: 'other-source', sources: resolution.field.sources };
    case 'unexpected-argument':
      return { status: 'argument-not-allowed' };
    case 'missing-argument': {
      const field = resolution.field;
      const example = field.argForms.includes('dotted') ? `${field.name}.<name>` : field.argForms.includes('index') ? `${field.name}[0]` : `${field.name}[name]`;
      return { status: 'argument-required', example };
    }
    case 'invalid-argument':
      switch (resolution.reason) {
        case 'unknown-event-argument':
          return { status: 'unknown-event-arg', argName: resolution.arg, suggestions: suggest(resolution.arg, allEventParams(), 3) };
        case 'partial-event-argument':
          return { status: 'event-arg-prefix', argName: resolution.eventParam?.name ?? resolution.arg };
        case 'not-a-number':
          return { status: 'invalid-argument', message: `'${resolution.arg}' is not a valid index for ${resolution.field.name}: write a number, such as ${resolution.field.name}[1].` };
        case 'unknown-event-type':
          return { status: 'invalid-argument', message: `'${resolution.arg}' is not an event type, so '${name}' is not a field.` };
        case 'bad-form':
          return { status: 'invalid-argument', message: `'${name}' is not a valid way to write an argument of ${resolution.field.name}.` };
      }
  }
}
