/**
 * Rule tests of the PCI-DSS templates. Each template T01 to T18, expanded with its default
 * placeholder values into test/fixtures/rule-tests/pci-templates/, needs a test file
 * test/fixtures/rule-tests/pci-<id>.falco-tests.yaml with, for every rule of the template, a case
 * that must match and a near miss that must not. rule-test-fixtures.test.ts runs those cases.
 * This file checks that they exist and evaluate without approximation, and that the generated
 * rules files and the coverage page are current.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RulesWorkspace } from '../../server/src/core';
import { parseRuleTestFile } from '../../server/src/core/rule-tests/format';
import { runCase } from '../../server/src/core/rule-tests/run';
import { pciTemplates } from '../../server/src/core/pci/templates';
import { FIXTURES, ROOT } from '../helpers';

interface TemplateRulesGenerator {
  OUTPUT_FOLDER: string;
  buildTemplateRuleFiles(root: string): Record<string, string>;
  templateRulesFileName(id: string): string;
}

interface CoverageDocGenerator {
  COVERAGE_ARGS: string[];
  COVERAGE_DOC_PATH: string;
  buildCoverageDoc(root: string): string;
}

// The generators are plain ESM, which require() loads on Node 20.19 and later.
const rulesGenerator = require(path.join(ROOT, 'scripts/generate-pci-template-rules.mjs')) as TemplateRulesGenerator;
const coverageGenerator = require(path.join(ROOT, 'scripts/generate-coverage-doc.mjs')) as CoverageDocGenerator;

const RULE_TESTS_FOLDER = path.join(FIXTURES, 'rule-tests');

/** Loads a test file with its rules, after the bundled falco_rules.yaml, as the fixture runner does. */
function loadTemplateTests(id: string) {
  const testPath = path.join(RULE_TESTS_FOLDER, `pci-${id}.falco-tests.yaml`);
  const file = parseRuleTestFile(testPath, fs.readFileSync(testPath, 'utf8'));
  const workspace = new RulesWorkspace();
  for (const rule of file.rules ?? []) {
    const rulesPath = path.resolve(path.dirname(testPath), rule.value);
    workspace.setFile(rulesPath, fs.readFileSync(rulesPath, 'utf8'));
  }
  return { file, program: workspace.getProgram() };
}

/** Returns the rules files of the coverage page in load order, with folders expanded to their sorted *.yaml files. */
function coverageRulesFiles(): string[] {
  return coverageGenerator.COVERAGE_ARGS.filter((arg) => arg.startsWith('test/')).flatMap((arg) => {
    const absolute = path.join(ROOT, arg);
    if (!fs.statSync(absolute).isDirectory()) return [absolute];
    return fs.readdirSync(absolute).filter((name) => name.endsWith('.yaml')).sort().map((name) => path.join(absolute, name));
  });
}

/** Returns the names of the rules a rules file defines, in file order. */
function ruleNamesOf(text: string): string[] {
  const workspace = new RulesWorkspace({ useDefaultRules: false });
  workspace.setFile('file:///template_rules.yaml', text);
  const items = workspace.getProgram().files.flatMap((file) => file.document.items);
  return items.filter((item) => item.kind === 'rule' && item.name !== undefined).map((item) => item.name!);
}

describe('PCI-DSS template rule tests', () => {
  const templates = pciTemplates().filter((template) => template.id !== 'prelude');

  it('generated rules files are current', () => {
    const files = rulesGenerator.buildTemplateRuleFiles(ROOT);
    assert.equal(Object.keys(files).length, templates.length + 1);
    for (const [file, text] of Object.entries(files)) {
      assert.equal(fs.readFileSync(path.join(ROOT, file), 'utf8'), text, `${file} is stale: run npm run template-rules`);
    }
    const committed = fs.readdirSync(path.join(ROOT, rulesGenerator.OUTPUT_FOLDER)).map((name) => `${rulesGenerator.OUTPUT_FOLDER}/${name}`);
    assert.deepEqual(committed.sort(), Object.keys(files).sort());
  });

  it('prelude file sorts before T01', () => {
    const names = [rulesGenerator.templateRulesFileName('prelude'), rulesGenerator.templateRulesFileName('T01')];
    assert.deepEqual([...names].sort(), names);
  });

  for (const template of templates) {
    it(`${template.id} has a match and a near miss per rule`, () => {
      const testName = `pci-${template.id}.falco-tests.yaml`;
      assert.ok(fs.existsSync(path.join(RULE_TESTS_FOLDER, testName)), `${testName} is missing: add a case that matches and one that must not for each rule of ${template.id}`);
      const { file } = loadTemplateTests(template.id);
      assert.deepEqual(file.problems.map((problem) => problem.message), []);
      assert.ok(
        (file.rules ?? []).some((rule) => rule.value === `pci-templates/${rulesGenerator.templateRulesFileName(template.id)}`),
        `${testName} does not load pci-templates/${rulesGenerator.templateRulesFileName(template.id)}`,
      );

      const rulesText = fs.readFileSync(path.join(ROOT, rulesGenerator.OUTPUT_FOLDER, rulesGenerator.templateRulesFileName(template.id)), 'utf8');
      const ruleNames = ruleNamesOf(rulesText);
      assert.ok(ruleNames.length > 0, `${template.id} defines no rule`);
      for (const name of ruleNames) {
        const expectations = file.cases.filter((testCase) => testCase.rule?.value === name).map((testCase) => testCase.expect?.value);
        assert.ok(expectations.includes('match'), `${testName} has no case where '${name}' must match`);
        assert.ok(expectations.includes('no_match'), `${testName} has no near miss for '${name}'`);
      }
    });

    it(`${template.id} cases evaluate exactly`, () => {
      const { file, program } = loadTemplateTests(template.id);
      const inexact = file.cases.flatMap((testCase) => {
        const result = runCase(program, testCase, (alertPath) => ({ error: `unexpected alert file ${alertPath}` }));
        const notes = [...(result.evaluation?.errors ?? []), ...(result.evaluation?.approximations ?? [])];
        return notes.map((note) => `${testCase.name}: ${note}`);
      });
      assert.deepEqual(inexact, []);
    });
  }
});

describe('coverage of the official rules and templates', () => {
  it('committed page is current', () => {
    const committed = fs.readFileSync(path.join(ROOT, coverageGenerator.COVERAGE_DOC_PATH), 'utf8');
    assert.equal(committed, coverageGenerator.buildCoverageDoc(ROOT), `${coverageGenerator.COVERAGE_DOC_PATH} is stale: run npm run coverage-doc`);
  });

  it('template cases hold with every official ruleset', () => {
    const workspace = new RulesWorkspace({ useDefaultRules: false });
    const files = coverageRulesFiles();
    assert.equal(files.length, 3 + 5 + 19);
    for (const file of files) workspace.setFile(file, fs.readFileSync(file, 'utf8'));
    const program = workspace.getProgram();
    let passed = 0;
    const failed: string[] = [];
    for (const name of fs.readdirSync(RULE_TESTS_FOLDER).filter((entry) => /^pci-T[0-9]{2}\.falco-tests\.yaml$/.test(entry)).sort()) {
      const testPath = path.join(RULE_TESTS_FOLDER, name);
      const file = parseRuleTestFile(testPath, fs.readFileSync(testPath, 'utf8'));
      for (const testCase of file.cases) {
        const result = runCase(program, testCase, (alertPath) => ({ error: `unexpected alert file ${alertPath}` }));
        if (result.outcome === 'pass') passed++;
        else failed.push(`${name} ${testCase.name}: ${result.message ?? result.outcome}`);
      }
    }
    assert.deepEqual(failed, []);
    assert.equal(passed, 145);
  });

  it('page counts the templates and official rules', () => {
    const committed = fs.readFileSync(path.join(ROOT, coverageGenerator.COVERAGE_DOC_PATH), 'utf8');
    assert.match(committed, /^\*\*37\/57 requirements covered\*\* by enabled rules that load\.$/m);
    assert.match(committed, /^- Rules with PCI tags: 32, of which 0 do not load\.$/m);
  });
});
