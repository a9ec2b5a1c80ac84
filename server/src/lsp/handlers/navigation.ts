/** textDocument/definition, references, rename, documentHighlight. */
import { ServerFeature } from '../context';

// TODO: not implemented yet; announces nothing.
export const navigationFeature: ServerFeature = {
  capabilities: {},
  register() {},
};
