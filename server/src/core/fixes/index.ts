/**
 * The fixers of each diagnostic code; `*` applies to every code. One file per
 * kind of fix; each returns its actions best first.
 */
import type { Fixer } from './types';
import { suggestionsFixer } from './suggestions';
import { outputPlaceholdersFixer, fieldWithoutPercentFixer } from './outputs';
import { unknownFieldFixer } from './fields';
import { priorityFixer, missingKeyFixer, reindentFixer } from './structure';
import { pciTagFormatFixer, pciRequirementFixer, pciMeaningChangedFixer, pciGenericTagFixer, pciCitationFixer } from './tags';
import { regexOperatorFixer, evtDirFixer, listAsConditionFixer, macroInListFixer } from './conditions';
import { networkFieldFixer } from './networks';
import { eventArgFixer, eventVariantsFixer, eventTypePrefixFixer } from './events';
import { appendToOverrideFixer } from './override';

export const FIXERS: Record<string, Fixer[]> = {
  '*': [suggestionsFixer, unknownFieldFixer],
  LOAD_ERR_COMPILE_OUTPUT: [outputPlaceholdersFixer, eventArgFixer],
  'output-field-without-percent': [fieldWithoutPercentFixer],
  LOAD_ERR_YAML_VALIDATE: [priorityFixer, missingKeyFixer],
  LOAD_ERR_YAML_PARSE: [reindentFixer],
  'pci-tag-format': [pciTagFormatFixer],
  'pci-unknown-requirement': [pciRequirementFixer],
  'pci-requirement-meaning-changed': [pciMeaningChangedFixer],
  'pci-tag-without-requirement': [pciGenericTagFixer],
  'pci-requirement-mismatch': [pciCitationFixer],
  LOAD_ERR_COMPILE_CONDITION: [regexOperatorFixer, networkFieldFixer, eventArgFixer, listAsConditionFixer],
  LOAD_UNKNOWN_FILTER: [eventArgFixer],
  'evt-arg-not-in-events': [eventArgFixer],
  'output-field-prefix': [eventArgFixer],
  'evt-type-open-only': [eventVariantsFixer],
  'evt-type-variants-missing': [eventVariantsFixer],
  LOAD_NO_EVTTYPE: [eventTypePrefixFixer],
  'macro-in-list': [macroInListFixer],
  LOAD_DEPRECATED_ITEM: [evtDirFixer, appendToOverrideFixer],
};
