/** textDocument/documentSymbol, workspace/symbol, textDocument/foldingRange. */
import { ServerFeature } from '../context';

// TODO: not implemented yet; announces nothing.
export const symbolsFeature: ServerFeature = {
  capabilities: {},
  register() {},
};
