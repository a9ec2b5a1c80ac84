/**
 * The events a condition selects, for the event arguments that completion
 * and hover offer.
 */
import type { EventDef } from '../catalog/types';
import type { Program } from '../analysis/program';
import type { ConditionScope } from '../checks/condition';
import type { RulesItem } from '../document/model';
import { catalog, codesForEventName } from '../catalog';
import { selectedEventNames } from '../checks/condition';
import { isRuleUpdate, scalarText } from '../checks/structure';
import { computeEventSet } from '../analysis/event-set';
import { parseCondition } from '../condition/parser';
import { blankLeadingKeyword } from './context';

/**
 * Returns the events `condition` selects, with macros and lists expanded in
 * `scope`. An appended rule condition counts together with the condition of
 * the rule it extends. Undefined when the condition selects no event or
 * every event, or does not parse.
 */
export function selectedEvents(program: Program, scope: ConditionScope, item: RulesItem, condition: string): EventDef[] | undefined {
  let text = blankLeadingKeyword(condition);
  if (item.kind === 'rule' && isRuleUpdate(item) && item.name !== undefined && text !== condition) {
    const target = program.definitionsOf('rule', item.name).find((d) => !d.isUpdate);
    const targetCondition = target && scalarText(target.item, target.item.get('condition')?.value);
    if (targetCondition) text = `(${targetCondition}) and ${text}`;
  }
  const expr = parseCondition(text).expr;
  if (!expr) return undefined;
  const set = computeEventSet(expr, { codesFor: codesForEventName, listItems: (name) => scope.listItems(name), macro: (name) => scope.macroExpr(name) });
  const names = selectedEventNames(set);
  if (!names) return undefined;
  const selected = new Set(names);
  return catalog.events.filter((event) => selected.has(event.name));
}
