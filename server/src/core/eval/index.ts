/**
 * Rule evaluation: compiles a rule as Falco does and runs it on a sample
 * event, with an explanation of the result.
 */
export { compileRule, LocatedText, MacroResolver } from './compile';
export type { CompiledRule, CompiledCondition, CompileResult, SourceLocation } from './compile';
export { evaluateRule } from './evaluate';
export { compareScalar, typeClass } from './compare';
export type { TypeClass } from './compare';
export type { EvaluationResult, ExplanationNode } from './evaluate';
export { canonicalFieldKey, canonicalKeyOf, formatEventValue, toSampleEvent } from './event';
export type { EventValue, SampleEvent } from './event';
