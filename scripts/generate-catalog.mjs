#!/usr/bin/env node
/**
 * Builds server/src/core/catalog/catalog.json (run with `npm run catalog`) from:
 *   data/upstream/supported-fields.md   libs' syscall-source fields and the container plugin's fields
 *   data/upstream/plugins/*.md          the plugins' field tables (with their ARG column)
 *   data/libs-event-codes.json          the libs event table (scripts/extract-libs-events.mjs)
 *   data/supplement.json                hand-written facts the tables lack
 *
 * The output depends only on those files, so re-running the generator on unchanged inputs
 * gives byte-identical JSON. `generateCatalog` and `renderCatalog` are pure; the tests call
 * them through `buildCatalogText` to check that the committed file is up to date.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CATALOG_PATH = 'server/src/core/catalog/catalog.json';

/** Plugin field types as the READMEs spell them, mapped to libs' names. */
const PLUGIN_TYPES = {
  string: 'CHARBUF',
  uint64: 'UINT64',
  bool: 'BOOL',
  reltime: 'RELTIME',
  abstime: 'ABSTIME',
  ipaddr: 'IPADDR',
  ipnet: 'IPNET',
};

/** Event-table type symbols whose printed name differs (libs utils.cpp param_type_to_string). */
const PARAM_TYPE_NAMES = { DYN: 'DYNAMIC' };

/** Field-class heading of supported-fields.md whose fields every event source has. */
const GENERIC_FIELD_CLASS = 'evt';

const CATEGORY_BY_SYMBOL = [
  ['EC_SYSCALL', 'syscall'],
  ['EC_TRACEPOINT', 'tracepoint'],
  ['EC_PLUGIN', 'plugin'],
  ['EC_METAEVENT', 'meta'],
  ['EC_ITER', 'iter'],
  ['EC_UNKNOWN', 'unknown'],
];

/** Reads every generator input below `root` (the repository root). */
export function readInputs(root = REPO_ROOT) {
  const read = (file) => fs.readFileSync(path.join(root, file), 'utf8');
  const supplement = JSON.parse(read('data/supplement.json'));
  const pluginTables = {};
  for (const plugin of supplement.plugins) {
    pluginTables[plugin.name] = read(path.join('data/upstream', plugin.readme));
  }
  return {
    supportedFields: read('data/upstream/supported-fields.md'),
    pluginTables,
    libsEvents: JSON.parse(read('data/libs-event-codes.json')),
    supplement,
  };
}

/**
 * Parses supported-fields.md: `### Field Class: <class>` headings followed by
 * "`name` | TYPE | description" rows.
 */
export function parseSupportedFields(markdown) {
  const rows = [];
  let fieldClass;
  for (const line of markdown.split('\n')) {
    const heading = /^### Field Class: (.+?)\s*$/.exec(line);
    if (heading) {
      fieldClass = heading[1];
      continue;
    }
    const row = /^`([^`]+)` \| ([^|]+?) \| (.*)$/.exec(line);
    if (!row) continue;
    if (fieldClass === undefined) throw new Error(`supported-fields.md: row ${row[1]} before any field class`);
    const list = /^LIST\((.+)\)$/.exec(row[2].trim());
    rows.push({
      name: row[1],
      type: list ? list[1] : row[2].trim(),
      isList: list !== null,
      description: row[3].trim(),
      fieldClass,
    });
  }
  return rows;
}

/** Parses a plugin README's field table: "| `name` | `type` | ARG | description |" rows. */
export function parsePluginFields(markdown, plugin) {
  const rows = [];
  for (const line of markdown.split('\n')) {
    const row = /^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|([^|]*)\|(.*)\|\s*$/.exec(line);
    if (!row) continue;
    const typeMatch = /^(\w+)( \(list\))?$/.exec(row[2].trim());
    const type = typeMatch && PLUGIN_TYPES[typeMatch[1]];
    if (!type) throw new Error(`${plugin} README: field ${row[1]} has unknown type ${row[2]}`);

    const argWords = row[3].split(',').map((word) => word.trim().toLowerCase()).filter((word) => word !== 'none' && word !== '');
    for (const word of argWords) {
      if (!['index', 'key', 'required'].includes(word)) throw new Error(`${plugin} README: field ${row[1]} has ARG ${row[3].trim()}`);
    }
    const argForms = argWords.filter((word) => word !== 'required');
    let arg = 'none';
    if (argForms.length > 0) arg = 'optional';
    if (argWords.includes('required')) arg = 'required';
    rows.push({
      name: row[1],
      type,
      isList: typeMatch[2] !== undefined,
      arg,
      argForms,
      description: row[4].trim(),
    });
  }
  return rows;
}

function makeField(row, extra) {
  return {
    name: row.name,
    type: row.type,
    description: row.description,
    fieldClass: row.fieldClass,
    sources: [],
    arg: 'none',
    argForms: [],
    filterOnly: false,
    noTransformer: false,
    noRhs: false,
    isList: row.isList ?? false,
    ...extra,
  };
}

/** Orders a field's keys the same way for every field, so the JSON lines read alike. */
function normalizeField(field) {
  const keys = [
    'name', 'type', 'description', 'fieldClass', 'sources', 'plugin', 'arg', 'argForms', 'dottedArg',
    'filterOnly', 'noTransformer', 'noRhs', 'isList', 'deprecated', 'deprecatedBy', 'generic', 'hidden',
  ];
  const out = {};
  for (const key of keys) {
    if (field[key] !== undefined) out[key] = field[key];
  }
  return out;
}

function buildFields(inputs) {
  const { supplement } = inputs;
  const allSources = supplement.sources.map((source) => source.name);
  const plugins = new Map(supplement.plugins.map((plugin) => [plugin.name, plugin]));
  const fields = [];
  const byName = new Map();
  const add = (field) => {
    if (byName.has(field.name)) throw new Error(`field ${field.name} is defined twice`);
    byName.set(field.name, field);
    fields.push(field);
  };

  // Libs' own fields: every supported-fields.md row outside a plugin's class.
  const websitePluginRows = new Map();
  for (const row of parseSupportedFields(inputs.supportedFields)) {
    const pluginClass = /^(\S+) \(plugin\)$/.exec(row.fieldClass);
    if (pluginClass) {
      if (!plugins.has(pluginClass[1])) throw new Error(`supported-fields.md: unknown plugin class ${row.fieldClass}`);
      if (!websitePluginRows.has(pluginClass[1])) websitePluginRows.set(pluginClass[1], new Map());
      websitePluginRows.get(pluginClass[1]).set(row.name, row);
      continue;
    }
    const generic = row.fieldClass === GENERIC_FIELD_CLASS;
    add(makeField(row, { sources: generic ? allSources : ['syscall'], ...(generic ? { generic: true } : {}) }));
  }

  for (const extra of supplement.extraFields) {
    const deprecated = extra.deprecated && supplement.deprecationReasons[extra.deprecated];
    if (extra.deprecated && !deprecated) throw new Error(`extra field ${extra.name}: unknown deprecation reason ${extra.deprecated}`);
    add(
      makeField(extra, {
        sources: ['syscall'],
        ...(deprecated ? { deprecated, deprecatedBy: 'libs' } : {}),
        ...(extra.hidden ? { hidden: true } : {}),
      }),
    );
  }

  for (const flags of supplement.fieldFlags) {
    const field = byName.get(flags.field);
    if (!field) throw new Error(`supplement fieldFlags: unknown field ${flags.field}`);
    for (const key of ['arg', 'argForms', 'dottedArg', 'filterOnly', 'noTransformer', 'noRhs', 'isList']) {
      if (flags[key] !== undefined) field[key] = flags[key];
    }
  }

  // Plugin fields, in the supplement's plugin order. The container plugin's rows also appear in
  // supported-fields.md; both copies must agree on names and types.
  for (const plugin of supplement.plugins) {
    const rows = parsePluginFields(inputs.pluginTables[plugin.name], plugin.name);
    if (rows.length === 0) throw new Error(`${plugin.readme}: no field rows found`);
    const websiteRows = websitePluginRows.get(plugin.name);
    for (const row of rows) {
      const websiteRow = websiteRows?.get(row.name);
      if (websiteRows && websiteRow?.type !== row.type) {
        throw new Error(`${plugin.name} field ${row.name}: supported-fields.md has type ${websiteRow?.type}, the README ${row.type}`);
      }
      add(
        makeField(
          { ...row, fieldClass: `${plugin.name} (plugin)` },
          { sources: plugin.sources, plugin: plugin.name, arg: row.arg, argForms: row.argForms },
        ),
      );
    }
  }
  for (const [plugin, rows] of websitePluginRows) {
    for (const name of rows.keys()) {
      if (byName.get(name)?.plugin !== plugin) throw new Error(`supported-fields.md field ${name} is missing from the ${plugin} README`);
    }
  }

  const pluginDeprecated = supplement.pluginDeprecatedFields;
  for (const name of pluginDeprecated.fields) {
    const field = byName.get(name);
    if (!field?.plugin) throw new Error(`pluginDeprecatedFields: ${name} is not a plugin field`);
    field.deprecated = supplement.deprecationReasons[pluginDeprecated.reason];
    field.deprecatedBy = 'plugin';
  }

  return fields.map(normalizeField);
}

function eventCategory(entry) {
  for (const [symbol, category] of CATEGORY_BY_SYMBOL) {
    if (entry.category.includes(symbol)) return category;
  }
  throw new Error(`event code ${entry.code} has no known category: ${entry.category.join('|')}`);
}

function toParams(entry) {
  return entry.params.map(([name, type]) => ({ name, type: PARAM_TYPE_NAMES[type] ?? type }));
}

const isCurrent = (entry) => !entry.flags.includes('EF_OLD_VERSION') && !entry.flags.includes('EF_UNUSED');
const isExit = (entry) => entry.code % 2 === 1;

/**
 * Builds one EventDef per event name. Codes follow libs' names_to_event_set: every code from 2
 * up with that name, because codes 0 and 1 (the generic events) are never matched by name.
 * Parameters come from the current exit entry (neither old nor unused), else the current enter
 * entry. Names whose entries are all old or unused take the parameters of their highest code.
 */
function buildEvents(libsEvents) {
  const byName = new Map();
  for (const entry of libsEvents.events) {
    if (!byName.has(entry.name)) byName.set(entry.name, []);
    byName.get(entry.name).push(entry);
  }
  const events = [];
  for (const [name, entries] of byName) {
    const current = entries.filter(isCurrent);
    const exit = current.filter(isExit).at(-1);
    const enter = current.filter((entry) => !isExit(entry)).at(-1);
    const main = exit ?? enter ?? entries.at(-1);
    const event = { name, category: eventCategory(main), params: toParams(main) };
    if (exit && enter && JSON.stringify(toParams(exit)) !== JSON.stringify(toParams(enter))) {
      event.enterParams = toParams(enter);
    }
    event.codes = entries.filter((entry) => entry.code >= 2).map((entry) => entry.code);
    events.push(event);
  }
  return events;
}

function buildEventParams(libsEvents) {
  const seen = new Map();
  for (const entry of libsEvents.events) {
    for (const param of toParams(entry)) {
      if (!seen.has(param.name)) seen.set(param.name, param);
    }
  }
  return [...seen.values()];
}

function buildOperatorsByType(supplement) {
  const byType = {};
  for (const group of supplement.operatorsByType) {
    for (const type of group.types) {
      if (byType[type]) throw new Error(`operatorsByType: ${type} listed twice`);
      byType[type] = group.operators;
    }
  }
  return byType;
}

/** Builds the catalog object from the inputs `readInputs` returns; performs no I/O. */
export function generateCatalog(inputs) {
  const { supplement, libsEvents } = inputs;
  const events = buildEvents(libsEvents);
  const eventNames = new Set(events.map((event) => event.name));
  const strip = ({ ref, note, ...rest }) => rest;

  return {
    libsCommit: libsEvents.libsCommit,
    fields: buildFields(inputs),
    events,
    genericSyscalls: libsEvents.syscallNames.filter((name) => !eventNames.has(name)),
    genericCodes: libsEvents.events.filter((entry) => entry.code < 2).map((entry) => entry.code),
    eventCodeCount: libsEvents.eventCodeCount,
    eventParams: buildEventParams(libsEvents),
    operators: supplement.operators.map(strip),
    operatorsByType: buildOperatorsByType(supplement),
    listOperators: strip(supplement.listOperators),
    priorities: supplement.priorities.map(strip),
    sources: supplement.sources.map(strip),
    transformers: supplement.transformers.map(strip),
  };
}

/** Wraps an array of strings or numbers over lines of at most about 100 characters. */
function renderPrimitiveArray(values, indent) {
  const items = values.map((value) => JSON.stringify(value));
  if (items.join(', ').length + indent.length < 100) return `[${items.join(', ')}]`;
  const lines = [];
  let line = '';
  for (const item of items) {
    if (line !== '' && indent.length + 2 + line.length + item.length + 2 > 100) {
      lines.push(line.trimEnd());
      line = '';
    }
    line += `${item}, `;
  }
  lines.push(line.replace(/, $/, ''));
  return `[\n${lines.map((text) => `${indent}  ${text}`).join('\n')}\n${indent}]`;
}

function renderValue(value, indent) {
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== 'object')) return renderPrimitiveArray(value, indent);
    // One object per line keeps diffs to the entries that changed.
    return `[\n${value.map((item) => `${indent}  ${JSON.stringify(item)}`).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, child]) => `${indent}  ${JSON.stringify(key)}: ${JSON.stringify(child)}`);
    return `{\n${entries.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** Serializes the catalog: one top-level key per block, one field or event per line. */
export function renderCatalog(catalog) {
  const blocks = Object.entries(catalog).map(([key, value]) => `  ${JSON.stringify(key)}: ${renderValue(value, '  ')}`);
  return `{\n${blocks.join(',\n')}\n}\n`;
}

/** Returns the text `npm run catalog` writes, computed from the inputs under `root`. */
export function buildCatalogText(root = REPO_ROOT) {
  return renderCatalog(generateCatalog(readInputs(root)));
}

function main() {
  const text = buildCatalogText(REPO_ROOT);
  const out = path.join(REPO_ROOT, CATALOG_PATH);
  fs.writeFileSync(out, text);
  const catalog = JSON.parse(text);
  console.log(
    `wrote ${CATALOG_PATH}: ${catalog.fields.length} fields, ${catalog.events.length} events, ` +
      `${catalog.genericSyscalls.length} generic syscall names, ${catalog.eventCodeCount} event codes`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
