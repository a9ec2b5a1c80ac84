#!/usr/bin/env node
/**
 * Extracts the event table facts the catalog needs from a falcosecurity/libs
 * checkout and writes them to data/libs-event-codes.json. The output contains
 * facts only (codes, names, category and flag symbols, parameter names and
 * types), never libs code.
 *
 * Usage:
 *   node scripts/extract-libs-events.mjs <libs checkout dir | bare git dir> [--rev REV] [--out FILE]
 *
 * Inputs read from libs:
 *   driver/ppm_events_public.h  `ppm_event_code` enum (PPME_* = code, PPM_EVENT_MAX)
 *                               and the PPM_SC_FIELDS syscall table (PPM_SC_X(NAME, code))
 *   driver/event_table.c        `g_event_info[]`: name, category, flags, nparams, params per code
 *
 * How libs turns `evt.type = <name>` into event codes (userspace/libsinsp/filter/ppm_codes.cpp
 * calls libsinsp::events::names_to_event_set in events/sinsp_events.cpp):
 *   1. Every code from 2 to PPM_EVENT_MAX - 1 whose g_event_info name equals <name> is
 *      selected, whatever its flags: enter and exit codes, EF_OLD_VERSION and EF_UNUSED
 *      entries all count. Codes 0 and 1 (PPME_GENERIC_E/X, named "syscall") are skipped
 *      by this loop, so `evt.type = syscall` selects no code at all.
 *   2. A name that matched no event but equals a lower-cased PPM_SC_X name (the ppm_sc
 *      syscall table, scap_get_ppm_sc_name) selects the two generic codes 0 and 1.
 *   3. Async event names registered by loaded plugins select PPME_ASYNCEVENT_E; they are
 *      not part of the libs tables and are not extracted here.
 * The universe for "all codes" (negations, neutral checks, the LOAD_NO_EVTTYPE count) is
 * 0 .. PPM_EVENT_MAX - 1 (libsinsp::events::all_event_set).
 *
 * Which names `evt.type` accepts (sinsp_filtercheck_event.cpp validate_filter_value):
 * any g_event_info name of codes 0 .. PPM_EVENT_MAX - 1 (so "syscall" and "NA" too), any
 * ppm_sc name, or an async event name declared by a loaded plugin.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const EVENT_TABLE = 'driver/event_table.c';
const EVENTS_HEADER = 'driver/ppm_events_public.h';

function usage(message) {
  if (message) console.error(`error: ${message}`);
  console.error(
    'usage: node scripts/extract-libs-events.mjs <libs checkout dir | bare git dir> [--rev REV] [--out FILE]',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const options = { source: undefined, rev: 'HEAD', out: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--rev') options.rev = argv[++i] ?? usage('missing value for --rev');
    else if (arg === '--out') options.out = argv[++i] ?? usage('missing value for --out');
    else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else if (options.source === undefined) options.source = arg;
    else usage(`unexpected argument ${arg}`);
  }
  if (options.source === undefined) usage('missing the libs checkout or git dir');
  return options;
}

/** Returns a reader for files of the libs tree plus the commit it reads. */
function openLibs(source, rev) {
  const git = (...args) =>
    execFileSync('git', args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  if (fs.existsSync(path.join(source, EVENT_TABLE))) {
    let commit = 'unknown';
    try {
      commit = git('-C', source, 'rev-parse', 'HEAD').trim();
    } catch {
      // A plain directory without git metadata: the commit stays unknown.
    }
    return { commit, read: (file) => fs.readFileSync(path.join(source, file), 'utf8') };
  }
  let commit;
  try {
    commit = git(`--git-dir=${source}`, 'rev-parse', rev).trim();
  } catch {
    usage(`${source} is neither a libs checkout (no ${EVENT_TABLE}) nor a git dir with revision ${rev}`);
  }
  return { commit, read: (file) => git(`--git-dir=${source}`, 'show', `${commit}:${file}`) };
}

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
}

/** Returns the index of the brace that closes the one at `open`. */
function matchingBrace(text, open) {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  throw new Error(`unbalanced braces from offset ${open}`);
}

/** Splits an initializer body at commas that are not nested in braces, brackets or parentheses. */
function splitTopLevel(body) {
  const parts = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if ('{[('.includes(c)) depth++;
    else if ('}])'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = body.slice(start).trim();
  if (last !== '') parts.push(last);
  return parts;
}

function symbols(expression) {
  return expression.match(/\b[A-Z][A-Z0-9_]*\b/g) ?? [];
}

function unquote(literal, context) {
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(literal);
  if (!m) throw new Error(`${context}: expected a string literal, found ${literal}`);
  return m[1];
}

function parseEventCodes(header) {
  const enumMatch = /typedef enum \{([\s\S]*?)\}\s*ppm_event_code;/.exec(header);
  if (!enumMatch) throw new Error(`${EVENTS_HEADER}: ppm_event_code enum not found`);
  const codes = new Map();
  let max;
  for (const m of enumMatch[1].matchAll(/\b(PPME?_[A-Z0-9_]+)\s*=\s*(\d+)/g)) {
    if (m[1] === 'PPM_EVENT_MAX') max = Number(m[2]);
    else codes.set(m[1], Number(m[2]));
  }
  if (max === undefined) throw new Error(`${EVENTS_HEADER}: PPM_EVENT_MAX not found`);
  return { codes, max };
}

function parseSyscallNames(header) {
  const start = header.indexOf('#define PPM_SC_FIELDS');
  if (start < 0) throw new Error(`${EVENTS_HEADER}: PPM_SC_FIELDS not found`);
  const names = [];
  // The macro continues while lines end with a backslash.
  const lines = header.slice(start).split('\n');
  for (const line of lines) {
    const m = /PPM_SC_X\(\s*([A-Z0-9_]+)\s*,\s*(\d+)\s*\)/.exec(line);
    if (m) names[Number(m[2])] = m[1].toLowerCase();
    if (!line.trimEnd().endsWith('\\')) break;
  }
  for (let i = 0; i < names.length; i++) {
    if (names[i] === undefined) throw new Error(`${EVENTS_HEADER}: no PPM_SC_X entry for code ${i}`);
  }
  return names;
}

function parseEventTable(source, enumCodes, max) {
  const text = stripComments(source);
  const declaration = /g_event_info\s*\[\s*\]\s*=\s*\{/.exec(text);
  if (!declaration) throw new Error(`${EVENT_TABLE}: g_event_info not found`);
  const open = declaration.index + declaration[0].length - 1;
  const body = text.slice(open + 1, matchingBrace(text, open));

  const entries = new Array(max);
  const entryStart = /\[\s*(PPME_[A-Z0-9_]+)\s*\]\s*=\s*\{/g;
  let m;
  while ((m = entryStart.exec(body))) {
    const enumName = m[1];
    const code = enumCodes.get(enumName);
    if (code === undefined) throw new Error(`${EVENT_TABLE}: ${enumName} is not in ppm_event_code`);
    const braceAt = m.index + m[0].length - 1;
    const close = matchingBrace(body, braceAt);
    const parts = splitTopLevel(body.slice(braceAt + 1, close));
    entryStart.lastIndex = close + 1;

    const [nameLiteral, category, flags, nparamsText, paramsBlock] = parts;
    const nparams = Number(nparamsText);
    if (!Number.isInteger(nparams)) throw new Error(`${EVENT_TABLE}: ${enumName} has nparams ${nparamsText}`);
    let params = [];
    if (paramsBlock !== undefined) {
      const inner = paramsBlock.trim().replace(/^\{/, '').replace(/\}$/, '');
      params = splitTopLevel(inner).map((param) => {
        const fields = splitTopLevel(param.replace(/^\{/, '').replace(/\}$/, ''));
        return [unquote(fields[0], enumName), fields[1].replace(/^PT_/, '')];
      });
    }
    // libs reads only the first nparams parameters.
    if (params.length < nparams) {
      throw new Error(`${EVENT_TABLE}: ${enumName} declares ${nparams} params but lists ${params.length}`);
    }
    entries[code] = {
      code,
      enum: enumName,
      name: unquote(nameLiteral, enumName),
      category: symbols(category),
      flags: symbols(flags),
      params: params.slice(0, nparams),
    };
  }
  for (let i = 0; i < max; i++) {
    if (!entries[i]) throw new Error(`${EVENT_TABLE}: no entry for event code ${i}`);
  }
  return entries;
}

/** Serializes with one event entry per line so the data file diffs line by line. */
function serialize(data) {
  const lines = ['{'];
  lines.push(`  "libsCommit": ${JSON.stringify(data.libsCommit)},`);
  lines.push(`  "eventCodeCount": ${data.eventCodeCount},`);
  lines.push('  "events": [');
  data.events.forEach((entry, i) => {
    lines.push(`    ${JSON.stringify(entry)}${i < data.events.length - 1 ? ',' : ''}`);
  });
  lines.push('  ],');
  lines.push(`  "syscallNames": ${JSON.stringify(data.syscallNames)}`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const libs = openLibs(options.source, options.rev);
  const header = libs.read(EVENTS_HEADER);
  const { codes, max } = parseEventCodes(header);
  const events = parseEventTable(libs.read(EVENT_TABLE), codes, max);
  const syscallNames = parseSyscallNames(header);

  const scriptDir = path.dirname(fileURLToPath(import.meta.url));
  const out = options.out ?? path.join(scriptDir, '..', 'data', 'libs-event-codes.json');
  fs.writeFileSync(out, serialize({ libsCommit: libs.commit, eventCodeCount: max, events, syscallNames }));
  console.log(`wrote ${out}: ${events.length} event codes, ${syscallNames.length} syscall names, libs ${libs.commit}`);
}

main();
