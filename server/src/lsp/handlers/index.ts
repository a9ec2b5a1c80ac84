/** Every LSP feature the server offers, in registration order. */
import type { ServerFeature } from '../context';
import { completionFeature } from './completion';
import { hoverFeature } from './hover';
import { navigationFeature } from './navigation';
import { symbolsFeature } from './symbols';
import { semanticTokensFeature } from './semantic-tokens';
import { codeActionsFeature } from './code-actions';
import { coverageFeature } from './coverage';
import { pciTemplatesFeature } from './pci-templates';
import { codeLensFeature } from './code-lens';
import { ruleTestsFeature } from './rule-tests';

export const FEATURES: ServerFeature[] = [completionFeature, hoverFeature, navigationFeature, symbolsFeature, semanticTokensFeature, codeActionsFeature, coverageFeature, pciTemplatesFeature, codeLensFeature, ruleTestsFeature];
