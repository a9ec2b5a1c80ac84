/**
 * Sample events: a map from field (as written in a condition or an output,
 * `proc.name`, `proc.aname[2]`, `proc.env[HOME]`, `evt.arg.flags`,
 * `evt.arg[0]`) to its value. A value is a string, a number, a boolean, a
 * list (for list fields such as `fd.types`, or every ancestor for
 * `proc.aname`), or null for a value Falco did not have.
 */

export type EventValue = string | number | boolean | null | EventValue[];

/** Event fields keyed by `canonicalFieldKey`. */
export type SampleEvent = ReadonlyMap<string, EventValue>;

/**
 * Writes a field with its argument the one way events are keyed:
 * `name[arg]`, the argument unquoted (`proc.env["HOME"]` and `proc.env[HOME]`
 * are the same key).
 */
export function canonicalFieldKey(name: string, arg?: string): string {
  return arg === undefined ? name : `${name}[${arg}]`;
}

/** Splits a written key such as `proc.env["HOME"]` into its canonical form. */
export function canonicalKeyOf(written: string): string {
  const match = /^([^[\]]+)\[(.*)\]$/.exec(written.trim());
  if (!match) return written.trim();
  let arg = match[2]!.trim();
  if (arg.length >= 2 && (arg[0] === '"' || arg[0] === "'") && arg.endsWith(arg[0]!)) arg = arg.slice(1, -1);
  return canonicalFieldKey(match[1]!.trim(), arg);
}

/** Builds an event from a plain object such as a test case's `event:` or an alert's `output_fields`. */
export function toSampleEvent(fields: Record<string, unknown>): SampleEvent {
  const event = new Map<string, EventValue>();
  for (const [key, value] of Object.entries(fields)) event.set(canonicalKeyOf(key), toEventValue(value));
  return event;
}

function toEventValue(value: unknown): EventValue {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(toEventValue);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** Renders an event value for explanations: strings as they are, lists in brackets. */
export function formatEventValue(value: EventValue | undefined): string {
  if (value === undefined || value === null) return '<missing>';
  if (Array.isArray(value)) return `[${value.map(formatEventValue).join(', ')}]`;
  return String(value);
}
