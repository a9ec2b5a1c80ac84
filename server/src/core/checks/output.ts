/**
 * Checks of a rule's `output` text: broken placeholders and fields that
 * Falco's formatter cannot resolve (libs eventformatter.cpp, Falco 0.44).
 */
import type { Diagnostic, DiagnosticData, Span } from '../types';
import type { FieldExpr, TransformerExpr } from '../condition/ast';
import type { ScalarMap } from '../yaml/scalar-map';
import { toDocumentSpan } from '../yaml/scalar-map';
import { parseOutput } from '../output/parser';
import { lookupField } from './fields';
import { fieldCandidates, candidateData } from './field-candidates';
import { catalog } from '../catalog';
import { didYouMean } from '../util/suggest';

const DEPRECATED_OUTPUT_FIELDS = ['evt.dir', 'evt.latency', 'evt.latency.s', 'evt.latency.ns', 'evt.latency.human', 'evt.wait_latency'];

/** Checks an output. `pluginLoaded` returns whether a field's plugin is loaded, because its fields do not exist otherwise. */
export function checkOutput(map: ScalarMap, source: string | undefined, problems: Diagnostic[], pluginLoaded: (plugin: string) => boolean = () => true): void {
  const text = map.value;
  const toDoc = (span: Span) => toDocumentSpan(map, span);
  const report: Reporter = (span, message, severity = 'error', code = 'LOAD_ERR_COMPILE_OUTPUT', suggestions, extra) => {
    // Falco 0.44 words every formatter failure but the two syntax ones as `unknown filter: ...`.
    const unknownFilter = code === 'LOAD_ERR_COMPILE_OUTPUT' && !message.startsWith('Invalid formatting syntax');
    const data: DiagnosticData = { ...(suggestions && suggestions.length ? { suggestions } : {}), ...(unknownFilter ? { unknownFilter } : {}), ...extra };
    problems.push({ span: toDoc(span), severity, code, message, ...(Object.keys(data).length ? { data } : {}) });
  };

  const { segments } = parseOutput(text);
  // The literal text just before each placeholder hints at the field meant ("on host '%(...)'").
  let textBefore = '';
  for (const segment of segments) {
    if (segment.kind === 'literal') {
      checkFieldsWithoutPercent(segment.text, segment.span.start, source, pluginLoaded, report);
      textBefore = segment.text;
      continue;
    }
    const hint = textBefore;
    textBefore = '';
    if (segment.kind === 'broken') {
      const written = text.slice(segment.span.start, segment.span.end);
      const intended = segment.intended;
      switch (segment.form) {
        case 'trailing-percent':
          report(segment.span, "Invalid formatting syntax: formatting cannot end with a '%'. Remove it, or write a field after it, such as '%proc.name'.");
          break;
        case 'trailing-width':
          report(segment.span, `Invalid formatting syntax: formatting cannot end with a number ('${written}'). Write a field after the width, such as '${written}proc.name'.`);
          break;
        default: {
          const intendedLookup = intended ? lookupField(intended, undefined, source) : undefined;
          if (intended && intendedLookup?.status === 'ok' && !isDisplayable(intended)) {
            const replacements = DISPLAY_REPLACEMENTS[intended] ?? [];
            report(segment.span, `'${written}' is not a Falco placeholder, and '${intended}' can be used only in conditions, not in outputs.${replacements.length ? ` Write ${replacements.map((r) => `'%${r}'`).join(' or ')} instead.` : ''}`, 'error', 'LOAD_ERR_COMPILE_OUTPUT', replacements.map((r) => `%${r}`));
          } else if (intended && intendedLookup?.status === 'ok') {
            report(segment.span, `'${written}' is not a Falco placeholder: Falco placeholders have no parentheses or format letters. Write '%${intended}'.`, 'error', 'LOAD_ERR_COMPILE_OUTPUT', [`%${intended}`]);
            // The field inside is real, so dropping the parentheses is the one sensible fix.
            problems[problems.length - 1]!.data!.fixSafe = true;
          } else {
            const found = intended ? fieldCandidates(intended, source, { output: true, textBefore: hint, pluginLoaded }) : { candidates: [] };
            const what = intended ? `'${intended}' is not a field${source ? ` of the ${source} source` : ''}` : 'a placeholder is a % followed by a field name';
            report(segment.span, `'${written}' is not a valid placeholder: ${what}.${didYouMean(found.candidates)}`, 'error', 'LOAD_ERR_COMPILE_OUTPUT', undefined, candidateData(found, '%'));
          }
        }
      }
      continue;
    }
    if (segment.kind === 'placeholder') {
      const nameStart = segment.expr.kind === 'field' ? segment.expr.nameSpan.start : segment.span.start;
      checkPlaceholderExpr(segment.expr, segment.span, text.slice(segment.span.start, nameStart), hint, source, pluginLoaded, report);
    }
  }

  for (const field of DEPRECATED_OUTPUT_FIELDS) {
    let at = text.indexOf(field);
    while (at !== -1) {
      const after = text.charAt(at + field.length);
      if (!/[a-z0-9_.]/.test(after) || DEPRECATED_OUTPUT_FIELDS.includes(text.slice(at).match(/^[a-z0-9_.]+/)?.[0] ?? '')) {
        report({ start: at, end: at + field.length }, `Usage of deprecated field '${field}' has been detected in the rule output: it is no longer filled since Falco 0.42 delivers only exit events.`, 'warning', 'LOAD_DEPRECATED_ITEM');
      }
      at = text.indexOf(field, at + field.length);
    }
  }
}

/** Display fields that print what a filter-only field compares. */
const DISPLAY_REPLACEMENTS: Record<string, string[]> = {
  'fd.ip': ['fd.sip', 'fd.cip'],
  'fd.net': ['fd.sip', 'fd.cip'],
  'fd.cnet': ['fd.cip'],
  'fd.snet': ['fd.sip'],
  'fd.lnet': ['fd.lip'],
  'fd.rnet': ['fd.rip'],
  'fd.port': ['fd.sport', 'fd.cport'],
  'fd.proto': ['fd.l4proto'],
};

type Reporter = (span: Span, message: string, severity?: Diagnostic['severity'], code?: string, suggestions?: string[], extra?: DiagnosticData) => void;

function isDisplayable(name: string): boolean {
  return !catalog.fields.find((f) => f.name === name)?.filterOnly;
}

/**
 * Warns on `label=field` in literal text, such as `fd_proto=fd.l4proto`: the
 * author meant a placeholder, but without `%` Falco prints the field's name.
 * `offset` is the literal's offset in the output.
 */
function checkFieldsWithoutPercent(literal: string, offset: number, source: string | undefined, pluginLoaded: (plugin: string) => boolean, report: Reporter): void {
  const pattern = /(?:^|[^\w.%])([A-Za-z_][\w.-]*)=([a-z][a-z0-9_.]*[a-z0-9_])(?![\w[])/g;
  for (const match of literal.matchAll(pattern)) {
    const label = match[1]!;
    const field = match[2]!;
    if (!field.includes('.')) continue;
    const lookup = lookupField(field, undefined, source);
    // A placeholder of a filter-only field or of a plugin that is not loaded would be an error of its own.
    if (lookup.status !== 'ok' || lookup.field.filterOnly || (lookup.field.plugin && !pluginLoaded(lookup.field.plugin))) continue;
    const start = offset + match.index! + match[0].length - field.length;
    report({ start, end: start + field.length }, `'${label}=${field}' prints the text '${field}', not the field's value, because a placeholder starts with '%'. Write '${label}=%${field}'.`, 'warning', 'output-field-without-percent');
  }
}

/**
 * Checks the fields of a placeholder. For a top-level field, `span` covers the
 * whole placeholder and `namePrefix` is its text before the field name (`%`, and
 * any width), which each replacement keeps.
 */
function checkPlaceholderExpr(expr: FieldExpr | TransformerExpr, span: Span, namePrefix: string, textBefore: string, source: string | undefined, pluginLoaded: (plugin: string) => boolean, report: Reporter): void {
  if (expr.kind === 'transformer') {
    for (const arg of expr.args) {
      if (arg.kind === 'field' || arg.kind === 'transformer') checkPlaceholderExpr(arg, arg.span, '', textBefore, source, pluginLoaded, report);
    }
    return;
  }
  if (expr.name === 'container.info' && !expr.arg && span !== expr.span) {
    // Falco 0.41 and later remove this token from the output before validating it (falco rule_loader_compiler.cpp).
    report(span, "'%container.info' is deprecated: Falco removes it from the output. Write the container fields you need, such as 'container_id=%container.id container_name=%container.name'.", 'warning', 'LOAD_DEPRECATED_ITEM');
    return;
  }
  const lookup = lookupField(expr.name, expr.arg?.value, source);
  if (lookup.status === 'ok') {
    if (lookup.field.plugin && !pluginLoaded(lookup.field.plugin)) {
      report(span, `Falco cannot format '%${expr.name}': the field comes from the ${lookup.field.plugin} plugin, which is not loaded. Declare the plugin with 'required_plugin_versions' or load it.`);
      return;
    }
    if (lookup.field.filterOnly) {
      const replacements = DISPLAY_REPLACEMENTS[expr.name] ?? [];
      report(span, `Field '${expr.name}' can be used only in conditions: in an output it prints nothing useful.${replacements.length ? ` Use ${replacements.map((r) => `'%${r}'`).join(' or ')} instead.` : ''}`, 'warning', 'filter-only-field-in-output', replacements.map((r) => `%${r}`));
    }
    return;
  }
  // Falco's formatter takes the longest prefix that is a field: `%proc.namex` prints proc.name then "x".
  if (!expr.arg) {
    for (let end = expr.name.length - 1; end > 0; end--) {
      const prefix = expr.name.slice(0, end);
      if (lookupField(prefix, undefined, source).status === 'ok') {
        report(expr.nameSpan, `'%${expr.name}' prints field '${prefix}' followed by the text '${expr.name.slice(end)}', because '${expr.name}' is not a field. Check the field name.`, 'warning', 'output-field-prefix', [prefix]);
        return;
      }
    }
  }
  const found = fieldCandidates(expr.name, source, { output: true, textBefore, pluginLoaded });
  let reason = 'it is not a field';
  if (lookup.status === 'other-source') reason = `it belongs to the '${lookup.sources.join("', '")}' source`;
  else if (lookup.status === 'unknown-event-arg') reason = `no event has an argument '${lookup.argName}'`;
  report(span, `Falco cannot format '%${expr.name}${expr.arg ? `[${expr.arg.value}]` : ''}': ${reason}.${didYouMean(found.candidates)}`, 'error', 'LOAD_ERR_COMPILE_OUTPUT', undefined, candidateData(found, namePrefix));
}
