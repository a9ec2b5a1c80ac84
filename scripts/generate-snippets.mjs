#!/usr/bin/env node
/**
 * Writes the PCI-DSS rule templates of data/pci/templates.yaml (run with `npm run snippets`) to:
 *   snippets/falco-rules.json            the VS Code snippets, with the basic rule, macro and list snippets
 *   server/src/core/pci/templates.json   the templates the language server offers in completion and
 *                                        through the falco/pciTemplates request
 *
 * The outputs depend only on data/pci/templates.yaml and data/pci/v4-requirement-ids.json, so
 * re-running the generator on unchanged inputs gives byte-identical files. The tests call
 * `buildSnippetFiles` to check that the committed files are up to date.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_PATH = 'data/pci/templates.yaml';
const V4_IDS_PATH = 'data/pci/v4-requirement-ids.json';
export const SNIPPETS_PATH = 'snippets/falco-rules.json';
export const TEMPLATES_PATH = 'server/src/core/pci/templates.json';

const TEMPLATE_KEYS = ['id', 'title', 'prefix', 'requirements', 'needs', 'description', 'body'];
const NEEDS = ['prelude', 'k8s_audit'];

/** Returns `{ [path]: text }` for both generated files; throws with the template id on invalid input. */
export function buildSnippetFiles(root = REPO_ROOT) {
  const source = parse(fs.readFileSync(path.join(root, SOURCE_PATH), 'utf8'));
  const v4Ids = JSON.parse(fs.readFileSync(path.join(root, V4_IDS_PATH), 'utf8'));
  const templates = readTemplates(source, new Set([...v4Ids.ids, ...v4Ids.section_ids]));

  const snippets = {};
  for (const basic of source.basic_snippets) {
    snippets[basic.name] = { prefix: basic.prefix, description: basic.description, body: bodyLines(basic.body) };
  }
  for (const template of templates) {
    const requirements = template.requirements.length ? `PCI DSS ${template.requirements.join(', ')}. ` : '';
    snippets[snippetName(template)] = {
      prefix: template.prefix,
      description: `${requirements}${template.description}`,
      body: bodyLines(template.snippet),
    };
  }
  return {
    [SNIPPETS_PATH]: JSON.stringify(snippets, null, 2) + '\n',
    [TEMPLATES_PATH]: JSON.stringify({ templates }, null, 2) + '\n',
  };
}

/** Returns the snippet's name in VS Code's list: the requirements, then the title. */
function snippetName(template) {
  return template.id === 'prelude' ? `PCI-DSS prelude: ${template.title}` : `PCI-DSS ${template.requirements.join(', ')}: ${template.title}`;
}

function readTemplates(source, v4Ids) {
  const fragments = source.fragments ?? {};
  const entries = [{ ...source.prelude, requirements: [], needs: [] }, ...source.templates];
  const seen = new Set();
  return entries.map((entry) => {
    const where = `${SOURCE_PATH}: template ${entry.id ?? '(without id)'}`;
    for (const key of TEMPLATE_KEYS) {
      if (entry[key] === undefined) throw new Error(`${where} is missing '${key}'.`);
    }
    if (seen.has(entry.id)) throw new Error(`${where} is defined twice; give each template its own id.`);
    seen.add(entry.id);
    const snippet = entry.body.replace(/\{\{([a-z_]+)\}\}/g, (_, name) => {
      if (fragments[name] === undefined) throw new Error(`${where} uses the undefined fragment {{${name}}}; define it under 'fragments'.`);
      return fragments[name];
    });
    const requirements = entry.requirements.map(String);
    for (const id of requirements) {
      if (!v4Ids.has(id)) throw new Error(`${where} names ${id}, which is not a PCI DSS v4.0.1 requirement id.`);
    }
    const tagged = new Set([...snippet.matchAll(/\bPCI_DSS_([0-9A-Z.]+)/g)].map((match) => match[1]));
    const listed = new Set(requirements);
    const differ = [...tagged].filter((id) => !listed.has(id)).concat(requirements.filter((id) => !tagged.has(id)));
    if (differ.length) throw new Error(`${where}: 'requirements' and the PCI_DSS_ tags of the body differ in ${differ.join(', ')}; list each tagged id once.`);
    for (const need of entry.needs) {
      if (!NEEDS.includes(need)) throw new Error(`${where} needs '${need}'; expected one of ${NEEDS.join(', ')}.`);
    }
    return {
      id: entry.id,
      title: entry.title,
      prefix: entry.prefix,
      requirements,
      needs: entry.needs,
      description: entry.description,
      snippet: snippet.replace(/\n$/, ''),
    };
  });
}

function bodyLines(body) {
  return body.replace(/\n$/, '').split('\n');
}

function main() {
  const files = buildSnippetFiles(REPO_ROOT);
  for (const [relative, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(REPO_ROOT, relative), text);
    console.log(`wrote ${relative}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
