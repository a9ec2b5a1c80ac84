/**
 * Helpers for evaluator tests: one rule (condition and optional extra items)
 * evaluated against an inline event.
 */
import { RulesWorkspace } from '../../server/src/core';
import { compileRule, evaluateRule, toSampleEvent } from '../../server/src/core/eval';
import type { EvaluationResult } from '../../server/src/core/eval';

export const RULES_URI = 'file:///test/rules.yaml';

/** Builds a workspace with `items` and one rule named `r` with `condition`, on the bundled rules unless turned off. */
export function ruleWorkspace(condition: string, items = '', useDefaultRules = false): RulesWorkspace {
  const workspace = new RulesWorkspace({ useDefaultRules });
  const quoted = JSON.stringify(condition);
  workspace.setFile(RULES_URI, `${items}- rule: r\n  desc: d\n  condition: ${quoted}\n  output: o\n  priority: WARNING\n`);
  return workspace;
}

/** Evaluates `condition` against `event`; throws when the rule does not compile. */
export function evaluate(condition: string, event: Record<string, unknown>, items = ''): EvaluationResult {
  const workspace = ruleWorkspace(condition, items);
  const program = workspace.getProgram();
  const compiled = compileRule(program, 'r');
  if (!compiled.ok) throw new Error(compiled.message);
  return evaluateRule(program, compiled.rule, toSampleEvent(event));
}

/** True when `condition` matches `event` without errors; throws with the errors otherwise. */
export function matches(condition: string, event: Record<string, unknown>, items = ''): boolean {
  const result = evaluate(condition, event, items);
  if (result.errors.length) throw new Error(result.errors.join(' '));
  return result.matched;
}
