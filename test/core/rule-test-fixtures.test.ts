/**
 * Runs every case of every rule test file under test/fixtures/rule-tests, one
 * mocha test per case. A new file there (one per PCI template, say) is picked
 * up without changing this file.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RulesWorkspace } from '../../server/src/core';
import { isRuleTestsFileName, parseRuleTestFile } from '../../server/src/core/rule-tests/format';
import { parseAlertJson, runCase, validateRuleTestFile } from '../../server/src/core/rule-tests/run';
import type { ExplanationNode } from '../../server/src/core/eval';
import { FIXTURES } from '../helpers';

const FOLDER = join(FIXTURES, 'rule-tests');

function describeTree(node: ExplanationNode, indent = ''): string {
  const value = node.fieldValue !== undefined ? ` [${node.field} = ${node.fieldValue}]` : '';
  return [`${indent}${node.value} ${node.text}${value}`, ...node.children.map((child) => describeTree(child, `${indent}  `))].join('\n');
}

for (const name of readdirSync(FOLDER).filter(isRuleTestsFileName).sort()) {
  describe(`rule test fixture ${name}`, () => {
    const path = join(FOLDER, name);
    const file = parseRuleTestFile(path, readFileSync(path, 'utf8'));
    const workspace = new RulesWorkspace();
    for (const rule of file.rules ?? []) {
      const rulesPath = resolve(dirname(path), rule.value);
      workspace.setFile(rulesPath, readFileSync(rulesPath, 'utf8'));
    }
    const program = workspace.getProgram();

    it('is valid against its rules', () => {
      assert.deepEqual(validateRuleTestFile(program, file).map((p) => p.message), []);
    });

    for (const testCase of file.cases) {
      it(testCase.name, () => {
        const result = runCase(program, testCase, (alertPath) => parseAlertJson(readFileSync(resolve(dirname(path), alertPath), 'utf8'), alertPath));
        const tree = result.evaluation ? `\n${describeTree(result.evaluation.tree)}` : '';
        assert.equal(result.outcome, 'pass', `${result.message ?? ''}${tree}`);
      });
    }
  });
}
