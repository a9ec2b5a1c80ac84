/** textDocument/semanticTokens. */
import { ServerFeature } from '../context';

// TODO: not implemented yet; announces nothing.
export const semanticTokensFeature: ServerFeature = {
  capabilities: {},
  register() {},
};
