// Generates the TextMate grammar syntaxes/falco-rules.tmLanguage.json (run by `npm run grammar`).
// The grammar's regular expressions share pieces (key prefixes, block headers, the end of a value),
// so they are written once here rather than by hand in the JSON.
// Usage: node scripts/generate-grammar.mjs [OUTPUT] (default: the file under syntaxes/).
import { writeFileSync } from 'node:fs';

const r = String.raw;
const S = 'falco-rules';

// `^indent`, then an optional `- ` whose blank is captured a second time inside a lookahead,
// so that `\1\2\4` in an end pattern is as wide as the key's column.
const KEY_PREFIX = r`^([ \t]*)(?:(?=-([ \t]))(-)([ \t]+))?`;
const DEDENT_END = r`^(?!\1\2\4[ \t]+\S|[ \t]*$)`;
const prefixCaptures = { 3: { name: `punctuation.definition.block.sequence.item.${S}` } };
const keyCaptures = (first) => ({
  ...prefixCaptures,
  [first]: { name: `entity.name.tag.${S}` },
  [first + 1]: { name: `punctuation.separator.key-value.mapping.${S}` },
});
const COLON = r`[ \t]*(:)`;
const BLOCK_HEADER = r`[ \t]+(?:([|])|([>]))([1-9][-+]?|[-+][1-9]?)?(?:[ \t]+(#.*))?[ \t]*$`;
const blockHeaderCaptures = (first) => ({
  [first]: { name: `keyword.control.flow.block-scalar.literal.${S}` },
  [first + 1]: { name: `keyword.control.flow.block-scalar.folded.${S}` },
  [first + 2]: { patterns: [{ include: '#block-scalar-indicators' }] },
  [first + 3]: { name: `comment.line.number-sign.${S}` },
});
// The first character of a plain scalar: no indicator, quote, comment or flow collection.
const PLAIN_START = r`(?![|>'"#&*!%@\x60\[{])\S`;
// `override: {condition: append}` written as a block: the value is a keyword, not a condition.
const NOT_UPDATE = r`(?![ \t]+(?:append|replace)[ \t]*(?:#.*)?$)`;
// Where a construct nested in a condition must stop even if it is not closed: a line at column 0,
// a comment line, or a line that reads as a YAML key.
const GUARD = r`^(?=\S|[ \t]*#|[ \t]*(?:-[ \t]+)?[A-Za-z_][\w-]*[ \t]*:(?:[ \t]|$))`;

const FIELD = r`[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)+`;
const TRANSFORMERS = 'tolower|toupper|b64|basename|len|join|concat|getopt';
const MODIFIERS = 'oneof|anyof|allof';
const NUMBER = r`[+-]?(?:0[xX][0-9a-fA-F]+|[0-9]+(?:\.[0-9]*)?(?:[eE][+-][0-9]+)?)`;
// A bare string value, as libs reads it; `\"` is left out because it closes the value in a double-quoted YAML scalar.
const BARE = r`(?:[^\s()"',=\\]|\\(?!"))+`;
const NOT_WORD_BEFORE = r`(?<![\w.])`;
const NOT_WORD_AFTER = r`(?![\w.])`;
// What may follow an operator as its value: not a transformer call, not a modifier's list.
const VALUE_LOOKAHEAD = r`(?!(?:val|${TRANSFORMERS})\(|(?:${MODIFIERS})[ \t]*\()`;
const VALUE = r`(?:(${NUMBER})(?=[\s),]|$)|(${BARE}))`;
const valueCaptures = (first) => ({
  [first]: { name: `constant.numeric.${S}` },
  [first + 1]: { name: `string.unquoted.value.${S}` },
});

/** Builds the entry of a quoted scalar: it ends at the closing quote, or where YAML ends the value. */
function quotedEntry(base, quote, kind, closing, content) {
  return {
    begin: `${base}[ \\t]+(${quote})`,
    beginCaptures: { ...keyCaptures(5), 7: { name: `string.quoted.${kind}.${S} punctuation.definition.string.begin.${S}` } },
    end: closing + DEDENT_END,
    endCaptures: { 1: { name: `string.quoted.${kind}.${S} punctuation.definition.string.end.${S}` } },
    ...content,
  };
}

/** A block-mapping entry whose value is a scalar of one style, ending where YAML ends it. */
function entry(key, style, content, { emptyFirstLine = false } = {}) {
  const base = `${KEY_PREFIX}(${key})${COLON}`;
  switch (style) {
    case 'block':
      return {
        begin: base + BLOCK_HEADER,
        beginCaptures: { ...keyCaptures(5), ...blockHeaderCaptures(7) },
        end: DEDENT_END,
        ...content,
      };
    case 'double':
      return quotedEntry(base, '"', 'double', r`(")|`, content);
    case 'single':
      // A doubled '' is an escaped quote, not the end.
      return quotedEntry(base, "'", 'single', r`(')(?!')|`, content);
    case 'plain':
      // Also `key:` with the value on the following, deeper lines.
      return {
        begin: emptyFirstLine ? `${base}${NOT_UPDATE}(?=[ \\t]+${PLAIN_START}|[ \\t]*(?:#.*)?$)` : `${base}[ \\t]+(?=${PLAIN_START})`,
        beginCaptures: keyCaptures(5),
        end: DEDENT_END,
        ...content,
      };
  }
  throw new Error(style);
}

const STYLES = ['block', 'double', 'single', 'plain'];

function conditionEntries() {
  return STYLES.map((style) =>
    entry('condition', style, {
      contentName: `meta.condition.${S}`,
      patterns: [{ include: `#condition-${style}` }],
    }, { emptyFirstLine: true }),
  );
}

function outputEntries() {
  const stringScope = { block: 'string.unquoted.block', double: 'string.quoted.double', single: 'string.quoted.single', plain: 'string.unquoted.plain' };
  return STYLES.map((style) =>
    entry('output', style, {
      contentName: `meta.output.${S} ${stringScope[style]}.${S}`,
      patterns: [{ include: `#output-${style}` }],
    }, { emptyFirstLine: true }),
  );
}

function genericEntries() {
  const key = r`[^\s#'"\[\]{},&*!|>@%\x60:?-][^#\n]*?|-[^\s#'"\[\]{},:]?[^#\n]*?|"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'`;
  return [
    entry(key, 'block', { contentName: `string.unquoted.block.${S}` }),
    entry(key, 'double', { contentName: `string.quoted.double.${S}`, patterns: [{ include: '#double-quoted-escape' }] }),
    entry(key, 'single', { contentName: `string.quoted.single.${S}`, patterns: [{ include: '#single-quoted-escape' }] }),
    entry(key, 'plain', { patterns: [{ include: '#plain-scalar' }] }),
    { match: `${KEY_PREFIX}(${key})${COLON}(?=[ \\t]|$)`, captures: keyCaptures(5) },
  ];
}

// Condition tokens common to every scalar style. Strings differ by style, so they are not here.
const conditionTokens = [
  { include: '#condition-operator' },
  { include: '#condition-logical' },
  { include: '#condition-transformer' },
  { include: '#condition-field' },
  { include: '#condition-number' },
  { include: '#condition-macro' },
  { include: '#condition-punctuation' },
];

function itemName(kind, scope) {
  return {
    match: `${KEY_PREFIX}(${kind})${COLON}(?:[ \\t]+(?:("(?:[^"\\\\]|\\\\.)*"|'(?:[^']|'')*')|(${PLAIN_START}[^#]*?)))?(?=[ \\t]+#|[ \\t]*$)`,
    captures: { ...keyCaptures(5), 7: { name: `${scope}.${S}` }, 8: { name: `${scope}.${S}` } },
  };
}

function listRule(style, stringInclude, extraEnd) {
  return {
    begin: `${NOT_WORD_BEFORE}(?:(in|intersects|pmatch)|(${MODIFIERS}))${NOT_WORD_AFTER}[ \\t]*(\\()`,
    beginCaptures: {
      1: { name: `keyword.operator.word.${S}` },
      2: { name: `keyword.operator.modifier.${S}` },
      3: { name: `punctuation.section.list.begin.${S}` },
    },
    end: `(\\))|${extraEnd ? extraEnd + '|' : ''}${GUARD}`,
    endCaptures: { 1: { name: `punctuation.section.list.end.${S}` } },
    name: `meta.list.${S}`,
    patterns: [
      ...(style === 'plain' ? [{ include: '#comment' }] : []),
      { include: stringInclude },
      ...(style === 'double' ? [{ include: '#double-quoted-escape' }] : []),
      { match: `(?<![^\\s(,])${NUMBER}(?=[\\s),]|$)`, name: `constant.numeric.${S}` },
      { match: `,`, name: `punctuation.separator.list.${S}` },
      { match: BARE, name: `string.unquoted.value.${S}` },
    ],
  };
}

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Falco Rules',
  scopeName: 'source.falco-rules',
  comment:
    'YAML with Falco rules inside: condition values are highlighted as Falco filter expressions and output values with their %field placeholders, in every YAML scalar style. A mapping entry ends where YAML ends it: at the first non-blank line that is not indented deeper than its key.',
  patterns: [{ include: '#yaml' }],
  repository: {
    yaml: {
      patterns: [
        { include: '#comment' },
        { include: '#directive' },
        { include: '#document-marker' },
        { include: '#condition-entry' },
        { include: '#output-entry' },
        { include: '#exception-fields-entry' },
        { include: '#exception-comps-entry' },
        { include: '#item-name-entry' },
        { include: '#mapping-entry' },
        { include: '#sequence-entry' },
        { include: '#flow-collection' },
        { include: '#quoted-string' },
        { include: '#node-property' },
        { include: '#plain-line' },
      ],
    },
    'plain-line': {
      comment: 'An indented line that is no key or sequence entry continues a plain scalar, or holds one whose key is on the line above.',
      begin: r`^[ \t]+(?=${PLAIN_START})`,
      end: '$',
      patterns: [{ include: '#plain-scalar' }],
    },
    comment: {
      match: r`(?:^|(?<=[ \t]))(#).*$`,
      name: `comment.line.number-sign.${S}`,
      captures: { 1: { name: `punctuation.definition.comment.${S}` } },
    },
    directive: {
      match: r`^%[^\s#]+.*?(?=[ \t]+#|[ \t]*$)`,
      name: `meta.directive.${S}`,
    },
    'document-marker': {
      patterns: [
        { match: r`^---(?=[ \t]|$)`, name: `entity.other.document.begin.${S}` },
        { match: r`^\.\.\.(?=[ \t]|$)`, name: `entity.other.document.end.${S}` },
      ],
    },
    'block-scalar-indicators': {
      patterns: [
        { match: r`[1-9]`, name: `constant.numeric.indentation-indicator.${S}` },
        { match: r`[-+]`, name: `storage.modifier.chomping-indicator.${S}` },
      ],
    },
    'condition-entry': {
      comment: "NOTE: a quoted condition is recognised only when its quote is on the key's line; one that starts on the next line is highlighted as a plain condition.",
      patterns: conditionEntries(),
    },
    'output-entry': { patterns: outputEntries() },
    'exception-fields-entry': {
      comment: 'The fields of a rule exception, in any form: a flow or block sequence, or a single field.',
      begin: `${KEY_PREFIX}(fields)${COLON}(?=[ \\t]|$)`,
      beginCaptures: keyCaptures(5),
      // A block sequence may sit at the key's own column.
      end: r`^(?!\1\2\4[ \t]+\S|\1\2\4-(?:[ \t]|$)|[ \t]*$)`,
      patterns: [
        { include: '#comment' },
        { match: r`(?:^|(?<=[ \t]))(-)(?=[ \t]|$)`, captures: { 1: { name: `punctuation.definition.block.sequence.item.${S}` } } },
        { match: r`\[`, name: `punctuation.definition.sequence.begin.${S}` },
        { match: r`\]`, name: `punctuation.definition.sequence.end.${S}` },
        { match: r`,`, name: `punctuation.separator.sequence.${S}` },
        { match: r`(")([^"]*)(")`, captures: { 1: { name: `punctuation.definition.string.begin.${S}` }, 2: { patterns: [{ include: '#condition-field' }, { include: '#condition-transformer' }] }, 3: { name: `punctuation.definition.string.end.${S}` } } },
        { match: r`(')([^']*)(')`, captures: { 1: { name: `punctuation.definition.string.begin.${S}` }, 2: { patterns: [{ include: '#condition-field' }, { include: '#condition-transformer' }] }, 3: { name: `punctuation.definition.string.end.${S}` } } },
        { include: '#condition-transformer' },
        { include: '#condition-field' },
        { match: r`\(|\)`, name: `punctuation.section.parens.${S}` },
      ],
    },
    'exception-comps-entry': {
      comment: 'The operators of a rule exception, one per field.',
      begin: `${KEY_PREFIX}(comps)${COLON}(?=[ \\t]|$)`,
      beginCaptures: keyCaptures(5),
      end: r`^(?!\1\2\4[ \t]+\S|\1\2\4-(?:[ \t]|$)|[ \t]*$)`,
      patterns: [
        { include: '#comment' },
        { match: r`(?:^|(?<=[ \t]))(-)(?=[ \t]|$)`, captures: { 1: { name: `punctuation.definition.block.sequence.item.${S}` } } },
        { match: r`\[`, name: `punctuation.definition.sequence.begin.${S}` },
        { match: r`\]`, name: `punctuation.definition.sequence.end.${S}` },
        { match: r`,`, name: `punctuation.separator.sequence.${S}` },
        { match: r`==|!=|<=|>=|=|<|>`, name: `keyword.operator.comparison.${S}` },
        { match: `${NOT_WORD_BEFORE}(?:exists|in|intersects|pmatch|contains|icontains|bcontains|startswith|bstartswith|endswith|glob|iglob|regex)${NOT_WORD_AFTER}`, name: `keyword.operator.word.${S}` },
      ],
    },
    'item-name-entry': {
      comment: 'The first key of a rule, macro or list item, with the name it defines.',
      patterns: [itemName('rule', 'entity.name.type.rule'), itemName('macro', 'entity.name.function.macro'), itemName('list', 'entity.name.type.list')],
    },
    'mapping-entry': { patterns: genericEntries() },
    'sequence-entry': {
      patterns: [
        {
          begin: r`^([ \t]*)(-)` + BLOCK_HEADER,
          beginCaptures: { 2: { name: `punctuation.definition.block.sequence.item.${S}` }, ...blockHeaderCaptures(3) },
          end: r`^(?!\1[ \t]+\S|[ \t]*$)`,
          contentName: `string.unquoted.block.${S}`,
        },
        {
          begin: r`^([ \t]*)(-)[ \t]+(?=${PLAIN_START})`,
          beginCaptures: { 2: { name: `punctuation.definition.block.sequence.item.${S}` } },
          end: r`^(?!\1[ \t]+\S|[ \t]*$)`,
          patterns: [{ include: '#plain-scalar' }],
        },
        { match: r`^[ \t]*(-)(?=[ \t]|$)`, captures: { 1: { name: `punctuation.definition.block.sequence.item.${S}` } } },
      ],
    },
    'plain-scalar': {
      patterns: [
        { include: '#comment' },
        { match: r`\G(?:true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)(?=[ \t]+#|[ \t]*$)`, name: `constant.language.boolean.${S}` },
        { match: r`\G(?:null|Null|NULL|~)(?=[ \t]+#|[ \t]*$)`, name: `constant.language.null.${S}` },
        { match: r`\G[-+]?(?:[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+|\.inf|\.Inf|\.INF)(?=[ \t]+#|[ \t]*$)`, name: `constant.numeric.${S}` },
        { match: r`\S(?:[^#]|(?<=\S)#)*?(?=[ \t]+#|[ \t]*$)`, name: `string.unquoted.plain.${S}` },
      ],
    },
    'flow-collection': {
      patterns: [
        {
          begin: r`\[`,
          beginCaptures: { 0: { name: `punctuation.definition.sequence.begin.${S}` } },
          end: r`\]|^(?=\S)`,
          endCaptures: { 0: { name: `punctuation.definition.sequence.end.${S}` } },
          name: `meta.flow-sequence.${S}`,
          patterns: [{ include: '#flow-content' }],
        },
        {
          begin: r`\{`,
          beginCaptures: { 0: { name: `punctuation.definition.mapping.begin.${S}` } },
          end: r`\}|^(?=\S)`,
          endCaptures: { 0: { name: `punctuation.definition.mapping.end.${S}` } },
          name: `meta.flow-mapping.${S}`,
          patterns: [{ include: '#flow-content' }],
        },
      ],
    },
    'flow-content': {
      patterns: [
        { include: '#comment' },
        { include: '#flow-collection' },
        { include: '#quoted-string' },
        { include: '#node-property' },
        { match: ',', name: `punctuation.separator.${S}` },
        {
          match: r`([^\s,\[\]{}#'"&*!](?:[^,\[\]{}#:\n]|:(?=[^\s,\[\]{}])|(?<=\S)#)*?)[ \t]*(:)(?=[ \t]|$|[,\]}])`,
          captures: { 1: { name: `entity.name.tag.${S}` }, 2: { name: `punctuation.separator.key-value.mapping.${S}` } },
        },
        { match: r`(?<![^\s\[{,])(?:true|True|TRUE|false|False|FALSE|null|Null|NULL|~)(?=[ \t]*(?:[,\]}]|$))`, name: `constant.language.${S}` },
        { match: r`(?<![^\s\[{,])[-+]?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?(?=[ \t]*(?:[,\]}]|$))`, name: `constant.numeric.${S}` },
        { match: r`[^\s,\[\]{}#'"](?:[^,\[\]{}#:\n]|:(?=[^\s,\[\]{}])|(?<=\S)#)*?(?=[ \t]*[,\]}]|:(?:[ \t]|$|[,\]}])|[ \t]*$|[ \t]+#)`, name: `string.unquoted.plain.${S}` },
      ],
    },
    'quoted-string': {
      patterns: [
        {
          begin: '"',
          beginCaptures: { 0: { name: `punctuation.definition.string.begin.${S}` } },
          end: r`"|^(?=\S)`,
          endCaptures: { 0: { name: `punctuation.definition.string.end.${S}` } },
          name: `string.quoted.double.${S}`,
          patterns: [{ include: '#double-quoted-escape' }],
        },
        {
          begin: "'",
          beginCaptures: { 0: { name: `punctuation.definition.string.begin.${S}` } },
          end: r`'(?!')|^(?=\S)`,
          endCaptures: { 0: { name: `punctuation.definition.string.end.${S}` } },
          name: `string.quoted.single.${S}`,
          patterns: [{ include: '#single-quoted-escape' }],
        },
      ],
    },
    'double-quoted-escape': {
      match: r`\\(?:[0abtnvfre "/\\N_LP\t]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|$)`,
      name: `constant.character.escape.${S}`,
    },
    'single-quoted-escape': { match: "''", name: `constant.character.escape.${S}` },
    'node-property': {
      patterns: [
        { match: r`(&)([^\s,\[\]{}]+)`, captures: { 1: { name: `punctuation.definition.anchor.${S}` }, 2: { name: `entity.name.type.anchor.${S}` } } },
        { match: r`(\*)([^\s,\[\]{}]+)`, name: `variable.other.alias.${S}`, captures: { 1: { name: `punctuation.definition.alias.${S}` } } },
        { match: r`!(?:<[^>]*>|[\w!-]*[^\s,\[\]{}]*)`, name: `storage.type.tag.${S}` },
      ],
    },

    // Conditions, per scalar style: the styles differ in comments, escapes and how a condition string is quoted.
    'condition-block': {
      patterns: [{ include: '#condition-list-block' }, { include: '#condition-string' }, ...conditionTokens],
    },
    'condition-plain': {
      patterns: [{ include: '#comment' }, { include: '#condition-list-plain' }, { include: '#condition-string-plain' }, ...conditionTokens],
    },
    'condition-double': {
      patterns: [{ include: '#condition-list-double' }, { include: '#condition-string-in-double' }, { include: '#double-quoted-escape' }, ...conditionTokens],
    },
    'condition-single': {
      patterns: [{ include: '#condition-list-single' }, { include: '#condition-string-in-single' }, { include: '#single-quoted-escape' }, ...conditionTokens],
    },
    'condition-list-block': listRule('block', '#condition-string'),
    'condition-list-plain': listRule('plain', '#condition-string-plain'),
    'condition-list-double': listRule('double', '#condition-string-in-double', r`(?=(?<!\\)")`),
    'condition-list-single': listRule('single', '#condition-string-in-single', r`(?='(?!'))`),
    'condition-string': {
      patterns: [
        { match: r`"(?:[^"\\]|\\.)*"`, name: `string.quoted.double.${S}` },
        { match: r`'(?:[^'\\]|\\.)*'`, name: `string.quoted.single.${S}` },
      ],
    },
    'condition-string-plain': {
      comment: "In a plain scalar, ' #' starts a YAML comment even inside a condition's quotes.",
      patterns: [
        { match: r`"(?:[^"\\ \t]|[ \t](?!#)|\\.)*"`, name: `string.quoted.double.${S}` },
        { match: r`'(?:[^'\\ \t]|[ \t](?!#)|\\.)*'`, name: `string.quoted.single.${S}` },
      ],
    },
    'condition-string-in-double': {
      comment: 'Inside a YAML double-quoted scalar, a condition string is quoted with \\" or with single quotes.',
      patterns: [
        { match: r`\\"(?:[^"\\]|\\[^"])*\\"`, name: `string.quoted.double.${S}` },
        { match: r`'(?:[^'"\\]|\\[^"])*'`, name: `string.quoted.single.${S}` },
      ],
    },
    'condition-string-in-single': {
      comment: "Inside a YAML single-quoted scalar, a condition string is quoted with '' or with double quotes.",
      patterns: [
        { match: r`''(?:[^']|'(?!'))*''`, name: `string.quoted.single.${S}` },
        { match: r`"(?:[^"'\\]|\\.|'')*"`, name: `string.quoted.double.${S}` },
      ],
    },
    'condition-operator': {
      patterns: [
        {
          match: `(==|!=|<=|>=|=|<|>)(?:[ \\t]*${VALUE_LOOKAHEAD}${VALUE})?`,
          captures: { 1: { name: `keyword.operator.comparison.${S}` }, ...valueCaptures(2) },
        },
        {
          match: `${NOT_WORD_BEFORE}(contains|icontains|bcontains|startswith|bstartswith|endswith|glob|iglob|regex)${NOT_WORD_AFTER}(?:[ \\t]+(?:(${MODIFIERS})[ \\t]+(?=[A-Za-z]))?${VALUE_LOOKAHEAD}${VALUE})?`,
          captures: { 1: { name: `keyword.operator.word.${S}` }, 2: { name: `keyword.operator.modifier.${S}` }, ...valueCaptures(3) },
        },
        {
          match: `${NOT_WORD_BEFORE}(in|intersects|pmatch)${NOT_WORD_AFTER}(?:[ \\t]+${VALUE_LOOKAHEAD}([A-Za-z][A-Za-z0-9_]*)${NOT_WORD_AFTER})?`,
          captures: { 1: { name: `keyword.operator.word.${S}` }, 2: { name: `string.unquoted.value.${S}` } },
        },
        { match: `${NOT_WORD_BEFORE}exists${NOT_WORD_AFTER}`, name: `keyword.operator.word.${S}` },
      ],
    },
    'condition-logical': { match: `${NOT_WORD_BEFORE}(?:and|or|not)${NOT_WORD_AFTER}`, name: `keyword.operator.logical.${S}` },
    'condition-transformer': {
      match: `${NOT_WORD_BEFORE}(?:val|${TRANSFORMERS})(?=\\()`,
      name: `support.function.transformer.${S}`,
    },
    'condition-field': {
      comment: 'A field such as proc.name, evt.arg.flags, proc.aname[2] or proc.env[HOME].',
      match: `${NOT_WORD_BEFORE}(${FIELD})(?:(\\[)(?:([0-9]+)|("(?:[^"\\\\]|\\\\.)*"|'(?:[^'\\\\]|\\\\.)*')|([^\\]\\s"']+))(\\]))?`,
      captures: {
        1: { name: `variable.other.field.${S}` },
        2: { name: `punctuation.section.brackets.begin.${S}` },
        3: { name: `constant.numeric.field-argument.${S}` },
        4: { name: `string.quoted.field-argument.${S}` },
        5: { name: `variable.parameter.field-argument.${S}` },
        6: { name: `punctuation.section.brackets.end.${S}` },
      },
    },
    'condition-number': { match: `${NOT_WORD_BEFORE}${NUMBER}${NOT_WORD_AFTER}`, name: `constant.numeric.${S}` },
    'condition-macro': {
      comment: 'A bare word in check position refers to a macro.',
      match: `${NOT_WORD_BEFORE}[A-Za-z][A-Za-z0-9_]*(?![\\w.(])`,
      name: `entity.name.function.macro.${S}`,
    },
    'condition-punctuation': {
      patterns: [
        { match: r`\(`, name: `punctuation.section.parens.begin.${S}` },
        { match: r`\)`, name: `punctuation.section.parens.end.${S}` },
        { match: ',', name: `punctuation.separator.${S}` },
      ],
    },

    // Outputs, per scalar style.
    'output-block': { patterns: [{ include: '#output-placeholder' }] },
    'output-plain': { patterns: [{ include: '#comment' }, { include: '#output-placeholder' }] },
    'output-double': { patterns: [{ include: '#double-quoted-escape' }, { include: '#output-placeholder' }] },
    'output-single': { patterns: [{ include: '#single-quoted-escape' }, { include: '#output-placeholder' }] },
    'output-placeholder': {
      comment: 'A %field, %10field, %field[arg] or %transformer(...) placeholder.',
      patterns: [
        {
          match: `(%)([0-9]*)(${TRANSFORMERS})(\\()((?:[^()]|\\([^()]*\\))*)(\\))`,
          name: `meta.placeholder.${S}`,
          captures: {
            1: { name: `punctuation.definition.variable.${S}` },
            2: { name: `constant.numeric.width.${S}` },
            3: { name: `support.function.transformer.${S}` },
            4: { name: `punctuation.section.parens.begin.${S}` },
            5: { patterns: [{ include: '#condition-string' }, { include: '#condition-transformer' }, { include: '#condition-field' }, { include: '#condition-number' }, { include: '#condition-punctuation' }] },
            6: { name: `punctuation.section.parens.end.${S}` },
          },
        },
        {
          match: `(%)([0-9]*)(${FIELD})(?:(\\[)([^\\]]*)(\\]))?`,
          name: `meta.placeholder.${S}`,
          captures: {
            1: { name: `variable.other.field.${S} punctuation.definition.variable.${S}` },
            2: { name: `constant.numeric.width.${S}` },
            3: { name: `variable.other.field.${S}` },
            4: { name: `punctuation.section.brackets.begin.${S}` },
            5: { name: `variable.parameter.field-argument.${S}` },
            6: { name: `punctuation.section.brackets.end.${S}` },
          },
        },
      ],
    },
  },
};

writeFileSync(process.argv[2] ?? 'syntaxes/falco-rules.tmLanguage.json', JSON.stringify(grammar, null, 2) + '\n');
