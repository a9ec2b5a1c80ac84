/**
 * The diagnostic codes: one entry per code the checker can report, with a
 * title, a description and the default severity. The SARIF output, Falco's
 * JSON format and the documentation read their texts from here.
 *
 * Falco's LOAD_* codes also carry Falco's own short text and description,
 * copied from falco userspace/engine/falco_load_result.cpp (Falco 0.44), so
 * output that imitates Falco can print them unchanged. The table lists all of
 * Falco's codes, including the two extension codes that no check of ours
 * reports.
 */
import type { Severity } from './types';

export interface DiagnosticCodeInfo {
  /** A short name of the problem, as a noun phrase. */
  title: string;
  /** The problem the checker reports under this code, and how to fix it. */
  description: string;
  /**
   * Severity the checker reports the code with unless a setting overrides it.
   * Single diagnostics may differ: a LOAD_ERR_* problem in a macro that no rule
   * uses yet is a warning, because Falco reports it only once a rule uses it.
   */
  severity: Severity;
  /** Falco's texts for its LOAD_* codes: `text` is the short string, `description` the long one. */
  falco?: { text: string; description: string };
}

const FALCO_ERRORS: Record<string, DiagnosticCodeInfo> = {
  LOAD_ERR_FILE_READ: {
    title: 'File cannot be read',
    description: 'The file does not exist, is a folder, or cannot be read. Check the path and its permissions.',
    severity: 'error',
    falco: { text: 'File read error', description: 'This occurs when falco can not read a given file. Check permissions and whether the file exists.' },
  },
  LOAD_ERR_YAML_PARSE: {
    title: 'Invalid YAML',
    description:
      'The file is not valid YAML, so Falco loads nothing from it. A common cause is a rule pasted with its keys at column 0 under "- rule:"; the quick-fix indents them.',
    severity: 'error',
    falco: { text: 'YAML parse error', description: 'This occurs when the rules content is not valid YAML.' },
  },
  LOAD_ERR_YAML_VALIDATE: {
    title: 'Invalid item structure',
    description:
      'The file is not a sequence of items, an item lacks a required key or has an empty one, a value has the wrong type, or a priority is not one of Falco\'s. Falco rejects the file.',
    severity: 'error',
    falco: {
      text: 'Error validating internal structure of YAML file',
      description:
        'This occurs when the internal structure of the YAML file is incorrect. Examples include not consisting of a sequence of maps, a given rule/macro/list item not having required keys, values not having the right type (e.g. the items property of a list not being a sequence), etc.',
    },
  },
  LOAD_ERR_COMPILE_CONDITION: {
    title: 'Condition does not compile',
    description:
      'The condition has a syntax error, an unknown field or event type, an operator the field type does not accept, or a value Falco cannot parse for the field (such as a CIDR compared with fd.ip). Falco rejects the file.',
    severity: 'error',
    falco: { text: 'Error compiling condition', description: 'This occurs when a condition string can not be compiled to a filter object.' },
  },
  LOAD_ERR_COMPILE_OUTPUT: {
    title: 'Output does not compile',
    description:
      "The output has a placeholder Falco cannot read, such as '%(proc.name)s' or an unknown field after '%'. Falco rejects the file. Write placeholders as '%proc.name'.",
    severity: 'error',
    falco: { text: 'Error compiling output', description: 'This occurs when an output string can not be compiled to an output object.' },
  },
  LOAD_ERR_VALIDATE: {
    title: 'Invalid rule, macro, list or exception',
    description:
      'An item refers to an undefined macro or list, appends to or overrides an item that does not exist, has exception fields and comparisons of different lengths, or needs a newer engine or plugin than the one configured. Falco rejects the file.',
    severity: 'error',
    falco: {
      text: 'Error validating rule/macro/list/exception objects',
      description:
        'This occurs when a rule/macro/list item is incorrect. Examples include a condition field referring to an undefined macro, falco engine/plugin version mismatches, items with append without any existing item, exception fields/comps having different lengths, etc.',
    },
  },
  LOAD_ERR_EXTENSION: {
    title: 'Invalid extension item',
    description: 'Falco reports this for extension items of its plugins. This checker does not report it.',
    severity: 'error',
    falco: { text: 'Error in extension item', description: 'This occurs when there is an error in an extension item' },
  },
};

const FALCO_WARNINGS: Record<string, DiagnosticCodeInfo> = {
  LOAD_UNKNOWN_SOURCE: {
    title: 'Unknown event source',
    description: 'The rule\'s source is provided by no loaded plugin, so Falco skips the rule. Declare the plugin in required_plugin_versions or check the source name.',
    severity: 'warning',
    falco: {
      text: 'Unknown event source',
      description:
        'A rule has a unknown event source. This can occur when reading rules content without having a corresponding plugin loaded, etc. The rule will be silently ignored.',
    },
  },
  LOAD_UNSAFE_NA_CHECK: {
    title: "Comparison with '<NA>'",
    description: "The condition compares a field with '<NA>', which is unsafe because a missing value never matches. Test presence with the 'exists' operator.",
    severity: 'warning',
    falco: {
      text: 'Unsafe <NA> comparison in condition',
      description:
        "Comparing a field value with <NA> is unsafe and can lead to unpredictable behavior of the rule condition. If you need to check for the existence of a field, consider using the 'exists' operator instead.",
    },
  },
  LOAD_NO_EVTTYPE: {
    title: 'Condition selects too many event types',
    description:
      'The condition does not restrict evt.type, so the rule runs on every event, which costs performance. Start the condition with an evt.type check or a macro such as spawned_process, or set warn_evttypes: false.',
    severity: 'warning',
    falco: {
      text: 'Condition has no event-type restriction',
      description:
        'A rule condition matches too many evt.type values. This has a significant performance penalty. Make the condition more specific by adding an evt.type field or further restricting the number of evt.type values in the condition.',
    },
  },
  LOAD_UNKNOWN_FILTER: {
    title: 'Unknown field in a skipped rule',
    description: 'The rule uses a field or event type this Falco does not know, and skip-if-unknown-filter: true makes Falco skip the rule with this warning instead of rejecting the file.',
    severity: 'warning',
    falco: {
      text: 'Unknown field or event-type in condition or output',
      description:
        'A rule condition or output refers to a field or evt.type that does not exist. This is normally an error, but if a rule has a skip-if-unknown-filter property, the error is downgraded to a warning.',
    },
  },
  LOAD_UNUSED_MACRO: {
    title: 'Unused macro',
    description: 'No rule or other macro refers to this macro. Remove it or use it.',
    severity: 'warning',
    falco: { text: 'Unused macro', description: 'A macro is defined in the rules content but is not used by any other macro or rule.' },
  },
  LOAD_UNUSED_LIST: {
    title: 'Unused list',
    description: 'No rule, macro or other list refers to this list. Remove it or use it.',
    severity: 'warning',
    falco: { text: 'Unused list', description: 'A list is defined in the rules content but is not used by any other list, macro, or rule.' },
  },
  LOAD_UNKNOWN_ITEM: {
    title: 'Unknown item',
    description: 'The item is not a rule, macro, list, required_engine_version or required_plugin_versions, so Falco ignores it. Check the spelling of its first key.',
    severity: 'warning',
    falco: { text: 'Unknown rules file item', description: 'An unknown top-level object is in the rules content. It will be ignored.' },
  },
  LOAD_DEPRECATED_ITEM: {
    title: 'Deprecated field or key',
    description: "The item uses a deprecated field, such as evt.dir or evt.latency, the deprecated 'append' key, or a rule item with only 'enabled'. Write an 'override' key instead of the deprecated keys.",
    severity: 'warning',
    falco: { text: 'Used deprecated item', description: 'A deprecated item is employed by lists, macros, or rules.' },
  },
  LOAD_WARNING_EXTENSION: {
    title: 'Warning in an extension item',
    description: 'Falco reports this for extension items of its plugins. This checker does not report it.',
    severity: 'warning',
    falco: { text: 'Warning in extension item', description: 'An extension item has a warning' },
  },
  LOAD_APPEND_NO_VALUES: {
    title: 'Exception appended without values',
    description: "An exception of a rule update (append or override) has no 'values', so it adds nothing to the rule.",
    severity: 'warning',
    falco: { text: 'Overriding/appending with no values', description: 'A rule exception is overriding/appending with no values' },
  },
  LOAD_EXCEPTION_NAME_NOT_UNIQUE: {
    title: 'Duplicate exception name',
    description: 'The rule defines two exceptions with the same name. Give each exception its own name.',
    severity: 'warning',
    falco: { text: 'Multiple exceptions defined with the same name', description: 'A rule is defining multiple exceptions with the same name' },
  },
  LOAD_INVALID_MACRO_NAME: {
    title: 'Invalid macro name',
    description: 'The macro name does not match [a-zA-Z]+[a-zA-Z0-9_]*, so no condition can refer to it.',
    severity: 'warning',
    falco: { text: 'Invalid macro name', description: 'A macro is defined with an invalid name' },
  },
  LOAD_INVALID_LIST_NAME: {
    title: 'Invalid list name',
    description: 'The list name contains parentheses, quotes, spaces, "=" or ",", which conditions cannot refer to.',
    severity: 'warning',
    falco: { text: 'Invalid list name', description: 'A list is defined with an invalid name' },
  },
  LOAD_COMPILE_CONDITION: {
    title: 'Suspicious condition',
    description:
      "The condition compiles but probably does not do what was meant: a field name used as a text value (write val(field) to compare two fields), or a regex that a plain operator would do.",
    severity: 'warning',
    falco: { text: 'Warning in rule condition', description: 'A rule condition or output have been parsed with a warning' },
  },
  LOAD_UNKNOWN_KEY: {
    title: 'Unknown key',
    description: 'The item has a key Falco does not know for its kind, so Falco ignores the key. Check its spelling. The quick-fix offers the nearest valid key.',
    severity: 'warning',
    falco: {
      text: 'Unknown key in item definition',
      description:
        'An item in the rules content contains an unrecognized key. The key will be ignored. This may indicate a typo or a property placed on the wrong item type.',
    },
  },
};

/** Checks Falco does not have. Falco loads everything they report, so none is an error. */
const OUR_CODES: Record<string, DiagnosticCodeInfo> = {
  'duplicate-key': {
    title: 'Duplicate key',
    description: 'A key appears twice in one item, and only one of the values is used. Remove one of them.',
    severity: 'warning',
  },
  'condition-ignored-list': {
    title: 'List that Falco reads as empty',
    description: 'A list in a condition or an exception value has an escape Falco does not reject but reads as an empty list, so the comparison never matches. Fix the escape.',
    severity: 'warning',
  },
  'macro-in-list': {
    title: 'Macro name inside a list',
    description: 'A macro name inside a list of values is compared as plain text, not expanded. Use a list for values and a macro as a condition of its own.',
    severity: 'warning',
  },
  'evt-arg-not-in-events': {
    title: 'Event argument the selected events lack',
    description: "The condition compares an evt.arg that none of the events it selects has, so the comparison never matches. The quick-fix offers the events' arguments with the nearest name.",
    severity: 'warning',
  },
  'evt-type-open-only': {
    title: "'open' without 'openat'",
    description: "The condition selects the open system call alone, which misses most file opens because current C libraries call openat or openat2. Select all three, or use the open_read and open_write macros.",
    severity: 'warning',
  },
  'evt-type-variants-missing': {
    title: 'System call without its variants',
    description: 'The condition selects a system call but not its newer variants (such as dup without dup2 and dup3), which programs often use instead. Select the variants too.',
    severity: 'warning',
  },
  'output-field-without-percent': {
    title: "Output field without '%'",
    description: "An output pair such as 'user=user.name' prints the field's name, not its value, because a placeholder starts with '%'. Write 'user=%user.name'.",
    severity: 'warning',
  },
  'filter-only-field-in-output': {
    title: 'Condition-only field in an output',
    description: 'The output prints a field that has a value only in conditions, so it prints nothing useful. Where another field prints the same fact, the quick-fix offers it.',
    severity: 'warning',
  },
  'output-field-prefix': {
    title: 'Output placeholder with trailing text',
    description: "An output placeholder is a field followed by more text, such as '%proc.namex', so Falco prints the field and then the text. Check the field name.",
    severity: 'warning',
  },
  'exception-value-split': {
    title: 'Exception value split into several values',
    description: 'Falco pastes an exception value into a list without quotes, so a value with spaces or commas becomes several values. Quote the value with its own double quotes.',
    severity: 'warning',
  },
  'exception-value-list-name': {
    title: 'List name inside an exception value',
    description: 'Falco replaces list names anywhere in the condition text, also inside exception values, so the value changes. Rename the list or reword the value.',
    severity: 'warning',
  },
  'pci-tag-format': {
    title: 'PCI DSS tag in another form',
    description: "A tag names a PCI DSS requirement in a form tools do not read, such as 'pci_dss_10.2.1'. Write it as 'PCI_DSS_<id>'.",
    severity: 'warning',
  },
  'pci-unknown-requirement': {
    title: 'Unknown PCI DSS requirement',
    description: "A 'PCI_DSS_<id>' tag names no PCI DSS v4.0.1 requirement, for example a v3.2.1 number such as 10.2.5. The quick-fix offers the v4.0.1 requirements that replace it.",
    severity: 'warning',
  },
  'pci-requirement-meaning-changed': {
    title: 'PCI DSS requirement number changed meaning',
    description: "A 'PCI_DSS_<id>' tag names a valid PCI DSS v4.0.1 requirement whose number meant another requirement in v3.2.1, as 11.5.1 and 6.4.2 do. If the rule was written for v3.2.1, the quick-fix offers the v4.0.1 requirements of the old meaning.",
    severity: 'info',
  },
  'pci-tag-without-requirement': {
    title: 'PCI tag without a requirement',
    description: "A tag such as 'pci', 'pci_dss' or 'PCI-DSS' names no requirement, so coverage reports cannot count it. Tag the rule with 'PCI_DSS_<id>' for each requirement it supports.",
    severity: 'info',
  },
  'pci-requirement-mismatch': {
    title: 'Cited PCI DSS requirement not tagged',
    description: "The rule's name or description cites a PCI DSS requirement that none of its 'PCI_DSS_<id>' tags names. Add the tag, or correct the citation.",
    severity: 'info',
  },
  'limit-exceeded': {
    title: 'Input over a checker limit',
    description: "A file, a condition or an item's nesting is larger than the checker reads (the falco.limits settings, or the CLI's --max-* options). The rest of the file is still checked; raise the limit to check this part too.",
    severity: 'warning',
  },
  'invalid-utf8': {
    title: 'Invalid UTF-8 in a rules file',
    description: 'The file holds bytes that are not valid UTF-8; the checker reads them as replacement characters and still checks the file. Falco reads the bytes as they are, so save the file as UTF-8.',
    severity: 'warning',
  },
  'rule-test-yaml': {
    title: 'Invalid YAML in a rule test file',
    description: 'A rule test file (*.falco-tests.yaml) is not valid YAML, so its cases cannot be read.',
    severity: 'error',
  },
  'rule-test-invalid': {
    title: 'Invalid rule test file',
    description: "A rule test file does not have the expected shape: a map with 'tests', a list of cases that each name a rule, an event and the expected outcome.",
    severity: 'error',
  },
  'rule-test-rules-file': {
    title: 'Rules file of a test file not readable',
    description: "A file named under 'rules' in a rule test file cannot be read. Check the path, which is relative to the test file.",
    severity: 'error',
  },
  'rule-test-alert-file': {
    title: 'Alert file of a test case not readable',
    description: "A test case takes its event from a Falco JSON alert file that cannot be read or holds no 'output_fields'. Check the path, which is relative to the test file.",
    severity: 'error',
  },
  'rule-test-unknown-rule': {
    title: 'Rule under test not loaded',
    description: "A test case names a rule that none of the loaded rules files defines. Check the name, or add the rule's file to 'rules'.",
    severity: 'error',
  },
  'rule-test-unknown-field': {
    title: 'Unknown field in a test event',
    description: 'A test event sets a field that Falco does not have.',
    severity: 'error',
  },
  'rule-test-invalid-value': {
    title: 'Test event value of the wrong type',
    description: 'A test event gives a field a value its type cannot hold, such as text for a number or a port, or a name for an IP address.',
    severity: 'error',
  },
  schema: {
    title: "Finding of Falco's schema check",
    description: "Falco's JSON schema check of rules files reports this value. The schema check never stops a load, so this is information only.",
    severity: 'info',
  },
  'internal-error': {
    title: 'Checker failure',
    description:
      'The checker failed on an item or a file, so that part was not checked. Falco may still accept it. Please report the file. The CLI reports a failure on a whole file as an error.',
    severity: 'warning',
  },
};

export const DIAGNOSTIC_CODES: Readonly<Record<string, DiagnosticCodeInfo>> = { ...FALCO_ERRORS, ...FALCO_WARNINGS, ...OUR_CODES };

/** Returns the table entry of `code`, or undefined for a code the table lacks. */
export function describeCode(code: string): DiagnosticCodeInfo | undefined {
  return Object.prototype.hasOwnProperty.call(DIAGNOSTIC_CODES, code) ? DIAGNOSTIC_CODES[code] : undefined;
}
