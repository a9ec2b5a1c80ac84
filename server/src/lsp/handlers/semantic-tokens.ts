/**
 * textDocument/semanticTokens/full and /range: the core's tokens, with each
 * core type mapped to a standard LSP token type and encoded relative to the
 * previous token as the protocol requires.
 */
import { SemanticTokenModifiers, SemanticTokens, SemanticTokensBuilder, SemanticTokensLegend, SemanticTokenTypes } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { getSemanticTokens, SemanticToken, SemanticTokenModifier, SemanticTokenType, Span } from '../../core';
import { ServerFeature, withDocument } from '../context';

/** The LSP token type of each core type; the legend lists them in this order. */
const TOKEN_TYPES: Record<SemanticTokenType, string> = {
  rule: SemanticTokenTypes.class,
  macro: SemanticTokenTypes.macro,
  list: SemanticTokenTypes.enumMember,
  field: SemanticTokenTypes.property,
  transformer: SemanticTokenTypes.function,
  operator: SemanticTokenTypes.operator,
  keyword: SemanticTokenTypes.keyword,
  string: SemanticTokenTypes.string,
  number: SemanticTokenTypes.number,
  event: SemanticTokenTypes.event,
};

/** Standard LSP modifiers, then two of ours that themes may style: `otherSource` and `unknown`. */
const TOKEN_MODIFIERS: Record<SemanticTokenModifier, string> = {
  declaration: SemanticTokenModifiers.declaration,
  defaultLibrary: SemanticTokenModifiers.defaultLibrary,
  deprecated: SemanticTokenModifiers.deprecated,
  otherSource: 'otherSource',
  unknown: 'unknown',
};

const TYPE_ORDER = Object.keys(TOKEN_TYPES) as SemanticTokenType[];
const MODIFIER_ORDER = Object.keys(TOKEN_MODIFIERS) as SemanticTokenModifier[];

const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = {
  tokenTypes: TYPE_ORDER.map((type) => TOKEN_TYPES[type]),
  tokenModifiers: MODIFIER_ORDER.map((modifier) => TOKEN_MODIFIERS[modifier]),
};

export const semanticTokensFeature: ServerFeature = {
  capabilities: { semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true, range: true } },
  register(context) {
    const empty: SemanticTokens = { data: [] };
    context.connection.languages.semanticTokens.on((params, token) =>
      withDocument(context, 'semanticTokens/full', { ...params, token }, empty, (document) => encode(document, getSemanticTokens(context.workspace, document.uri))),
    );
    context.connection.languages.semanticTokens.onRange((params, token) =>
      withDocument(context, 'semanticTokens/range', { ...params, token }, empty, (document) => {
        const range: Span = { start: document.offsetAt(params.range.start), end: document.offsetAt(params.range.end) };
        return encode(document, getSemanticTokens(context.workspace, document.uri, range));
      }),
    );
  },
};

/** Encodes tokens that are sorted and each on one line, as the core returns them. */
function encode(document: TextDocument, tokens: SemanticToken[]): SemanticTokens {
  const builder = new SemanticTokensBuilder();
  for (const token of tokens) {
    const start = document.positionAt(token.span.start);
    const modifiers = token.modifiers.reduce((bits, modifier) => bits | (1 << MODIFIER_ORDER.indexOf(modifier)), 0);
    builder.push(start.line, start.character, token.span.end - token.span.start, TYPE_ORDER.indexOf(token.type), modifiers);
  }
  return builder.build();
}
