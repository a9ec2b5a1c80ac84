/**
 * Facts of the extension manifest (package.json) that VS Code and users rely
 * on: the engine, activation, workspace trust and virtual workspaces, the
 * commands the walkthrough runs, and the settings table of the README.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers';

interface Manifest {
  engines: { vscode: string };
  devDependencies: Record<string, string>;
  activationEvents: string[];
  capabilities: {
    untrustedWorkspaces: { supported: boolean | 'limited'; description?: string; restrictedConfigurations?: string[] };
    virtualWorkspaces: { supported: boolean | 'limited'; description?: string };
  };
  contributes: {
    languages: Array<{ id: string; configuration?: string }>;
    commands: Array<{ command: string; title: string }>;
    configuration: { properties: Record<string, { default: unknown; description: string }> };
    walkthroughs: Array<{ id: string; steps: Array<{ id: string; description: string; media: { markdown?: string; image?: string }; completionEvents?: string[] }> }>;
  };
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const properties = manifest.contributes.configuration.properties;

/** Reads every client source file, where commands are registered, into one text. */
function clientSources(): string {
  const folder = join(ROOT, 'client', 'src');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => readFileSync(join(folder, name), 'utf8'))
    .join('\n');
}

/** Rows of the first Markdown table after `heading` in the README, as arrays of trimmed cells. */
function readmeTable(heading: string): string[][] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n${heading}\n`);
  assert.notEqual(start, -1, `README has no heading '${heading}'`);
  const lines = readme.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split(' | ').map((cell) => cell.trim()));
  }
  return rows;
}

/** Renders a default as the README writes it: a non-empty string as itself, anything else as JSON. */
function renderDefault(value: unknown): string {
  return typeof value === 'string' && value !== '' ? `\`${value}\`` : `\`${JSON.stringify(value)}\``;
}

describe('extension manifest', () => {
  it('targets VS Code 1.100', () => {
    assert.equal(manifest.engines.vscode, '^1.100.0');
    // vsce rejects API types newer than the engine.
    assert.equal(manifest.devDependencies['@types/vscode'], '1.100.0');
  });

  it('activates on YAML files and rules-file workspaces', () => {
    // The falco-rules language has a configuration, so VS Code adds onLanguage:falco-rules itself.
    // workspaceContains shows the PCI status bar item before any rules file is opened.
    const language = manifest.contributes.languages.find((l) => l.id === 'falco-rules')!;
    const patterns = (language as unknown as { filenamePatterns: string[] }).filenamePatterns.map((p) => `workspaceContains:${p.startsWith('**/') ? p : `**/${p}`}`);
    assert.deepEqual(manifest.activationEvents, ['onLanguage:yaml', ...patterns, 'onLanguage:falco-tests']);
    assert.equal(language.configuration, './language-configuration.json');
  });

  it('restricts file settings when untrusted', () => {
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    // VS Code honours restrictedConfigurations only with 'limited'.
    assert.equal(untrusted.supported, 'limited');
    assert.deepEqual(untrusted.restrictedConfigurations, ['falco.baseRulesetFiles', 'falco.loadOrder']);
    for (const key of untrusted.restrictedConfigurations!) assert.ok(properties[key], `${key} is not a contributed setting`);
    assert.match(untrusted.description!, /runs no program/);
  });

  it('declares limited virtual workspaces', () => {
    const virtual = manifest.capabilities.virtualWorkspaces;
    assert.equal(virtual.supported, 'limited');
    assert.match(virtual.description!, /not indexed/);
  });

  it('registers every contributed command', () => {
    const sources = clientSources();
    assert.ok(manifest.contributes.commands.length >= 3);
    for (const id of ['falco.openExample', 'falco.showExampleProblem', 'falco.showExampleQuickFix']) assert.ok(sources.includes(`registerCommand('${id}'`), id);
    for (const { command } of manifest.contributes.commands) {
      assert.match(command, /^falco\./);
      // The id may be registered through a constant, so look for the literal anywhere in the client.
      assert.match(sources, new RegExp(`['"\`]${command.replace(/\./g, '\\.')}['"\`]`), `${command} is contributed but appears nowhere in client/src`);
    }
  });

  it('walkthrough steps have media and commands', () => {
    const walkthrough = manifest.contributes.walkthroughs.find((w) => w.id === 'falco-pci.gettingStarted')!;
    const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
    assert.deepEqual(walkthrough.steps.map((s) => s.id), ['openExample', 'firstProblem', 'quickFix', 'checkInCi']);
    for (const step of walkthrough.steps) {
      const media = step.media.markdown ?? step.media.image!;
      assert.ok(existsSync(join(ROOT, media)), `${step.id}: ${media} is missing`);
      for (const [, command] of step.description.matchAll(/\(command:([\w.]+)\)/g)) {
        assert.ok(contributed.has(command!), `${step.id} runs ${command}, which is not contributed`);
        assert.ok(step.completionEvents?.includes(`onCommand:${command}`), `${step.id} does not complete on ${command}`);
      }
    }
    assert.ok(existsSync(join(ROOT, 'examples', 'pci_rules.yaml')));
  });

  it('README settings table matches package.json', () => {
    const rows = readmeTable('### Settings');
    assert.deepEqual(rows.map((r) => r[0]).sort(), Object.keys(properties).map((key) => `\`${key}\``).sort());
    for (const [name, defaultText] of rows) {
      const key = name!.slice(1, -1);
      assert.equal(defaultText, renderDefault(properties[key]!.default), `default of ${key}`);
    }
  });
});
