/**
 * The PCI DSS coverage of a workspace: for each requirement of the catalog
 * (data/pci/requirements.json), the rules whose `PCI_DSS_<id>` tags name it,
 * in the state Falco ends with after loading every file, base rules included.
 *
 * A requirement counts as covered when at least one enabled rule that loads
 * names it. A rule does not load when an error diagnostic falls on it, on an
 * item that changes it, or on a macro or list that its conditions use,
 * directly or through other macros and lists. Nor does it load when Falco
 * skips it: an unknown source, or an unknown field with
 * `skip-if-unknown-filter: true`.
 *
 * NOTE: Falco refuses a whole file at its first error. This report marks only
 * the rules the error touches, so that one mistake does not hide the coverage
 * of the rest; the lint diagnostics show the file-level consequence.
 *
 * The result is the documented JSON shape of `coverage --format json`, with
 * 1-based lines and columns; the caller supplies the conversion from offsets,
 * so the core stays free of line arithmetic.
 */
import type { Diagnostic, Span } from '../types';
import type { RulesItem } from '../document/model';
import type { Program } from '../analysis/program';
import type { RulesWorkspace } from '../workspace';
import { Occurrence, scanItemOccurrences } from '../features/occurrences';
import { PCI_DSS_VERSION, PCI_TAG_PREFIX, PciRequirement, PciSupport, pciRequirements, findPciRequirement } from './requirements';
import { scalarText } from '../checks/structure';
import { collectRuleStates, itemTags, PlacedItem, RuleState } from './rule-states';
import v4IdsJson from '../../../../data/pci/v4-requirement-ids.json';

/** A range in a file, 1-based, the end exclusive, columns in UTF-16 code units (as `lint --format json`). */
export interface CoverageLocation {
  /** The file as the report shows it: a path relative to the workspace, or the URI. */
  file: string;
  uri: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** `enabled` and `disabled` rules load; `failed` ones have an error, `skipped` ones Falco leaves out with a warning. */
export type CoverageRuleStatus = 'enabled' | 'disabled' | 'failed' | 'skipped';

/** Why a rule does not load: one diagnostic on the rule or on something it uses. */
export interface CoverageProblem {
  /** The item the diagnostic is on, such as `rule Shell in container` or `macro spawned_process`. */
  item: string;
  code: string;
  message: string;
  location: CoverageLocation;
}

export interface CoverageRule {
  name: string;
  status: CoverageRuleStatus;
  /** Falco's `enabled` flag after every file. */
  enabled: boolean;
  /** Priority as written, after overrides; null when the rule has none. */
  priority: string | null;
  source: string;
  /** The catalog requirements its tags name, in catalog order. */
  requirements: string[];
  /** Its tags that start with `PCI_DSS_`, catalog ids or not. */
  pciTags: string[];
  /** The full definition in effect. */
  location: CoverageLocation;
  /** Later items that change the rule, in load order. */
  updates: CoverageLocation[];
  /** For `failed` and `skipped` rules: the diagnostics that keep it from loading. */
  problems: CoverageProblem[];
}

/** `covered`: an enabled rule loads; `disabled`: only disabled rules; `not-loaded`: only rules that do not load; `none`: no rule. */
export type RequirementStatus = 'covered' | 'disabled' | 'not-loaded' | 'none';

export interface RequirementCoverage {
  id: string;
  title: string;
  /** The principal requirement it belongs to: `1` to `12`, or an appendix `A1` to `A3`. */
  family: string;
  support: PciSupport;
  status: RequirementStatus;
  /** Names of the enabled rules that load. */
  rules: string[];
  disabledRules: string[];
  notLoadedRules: string[];
}

export interface FamilyCoverage {
  id: string;
  title: string;
  covered: number;
  /** Requirements of the catalog in this family; the catalog lists only those a runtime rule can support. */
  total: number;
}

/** `v4-not-in-catalog`: a v4.0.1 requirement no runtime rule supports; `v4-section`: a section heading; `not-v4`: no v4.0.1 id. */
export type UnknownTagKind = 'v4-not-in-catalog' | 'v4-section' | 'not-v4';

export interface UnknownPciTag {
  tag: string;
  id: string;
  kind: UnknownTagKind;
  /** Names of the rules that carry the tag. */
  rules: string[];
}

export interface CoverageReport {
  standard: 'PCI DSS';
  version: string;
  summary: {
    /** Requirements with at least one enabled rule that loads. */
    covered: number;
    /** Requirements in the catalog. */
    total: number;
    /** Rules whose tags name a `PCI_DSS_` id, loaded or not. */
    rulesWithPciTags: number;
    /** Of those, the rules that do not load. */
    rulesNotLoaded: number;
    unknownTags: number;
  };
  /** The files of the workspace in load order; `base` marks the base rules, which load first. */
  files: Array<{ file: string; uri: string; base: boolean }>;
  families: FamilyCoverage[];
  requirements: RequirementCoverage[];
  /** Rules with `PCI_DSS_` tags, in load order. */
  rules: CoverageRule[];
  unknownTags: UnknownPciTag[];
}

/** Converts offsets to report locations; the adapters implement it with `TextDocument`. */
export interface CoverageLocator {
  /** Returns the 0-based line and UTF-16 character of `offset` in the file `uri`, whose text is `text`. */
  positionAt(uri: string, text: string, offset: number): { line: number; character: number };
  /** Returns the name the report shows for `uri`. */
  displayName(uri: string): string;
}

/** The principal requirements of PCI DSS v4.0.1 and its appendices, with short titles. */
export const PCI_FAMILIES: ReadonlyArray<{ id: string; title: string }> = [
  { id: '1', title: 'Network security controls' },
  { id: '2', title: 'Secure configurations' },
  { id: '3', title: 'Protection of stored account data' },
  { id: '4', title: 'Strong cryptography in transmission' },
  { id: '5', title: 'Protection from malicious software' },
  { id: '6', title: 'Secure systems and software' },
  { id: '7', title: 'Access restricted by business need to know' },
  { id: '8', title: 'User identification and authentication' },
  { id: '9', title: 'Physical access' },
  { id: '10', title: 'Logging and monitoring' },
  { id: '11', title: 'Regular security testing' },
  { id: '12', title: 'Policies and programs' },
  { id: 'A1', title: 'Appendix A1: multi-tenant service providers' },
  { id: 'A2', title: 'Appendix A2: SSL and early TLS for card-present POS POI terminals' },
  { id: 'A3', title: 'Appendix A3: designated entities supplemental validation' },
];

const V4_REQUIREMENT_IDS = new Set<string>(v4IdsJson.ids);
const V4_SECTION_IDS = new Set<string>(v4IdsJson.section_ids);

/** Diagnostic codes of rules that Falco skips with a warning instead of failing. */
const SKIP_CODES = new Set(['LOAD_UNKNOWN_SOURCE', 'LOAD_UNKNOWN_FILTER']);

/** Returns the family of a requirement id: its first component (`10` for `10.2.1.1`, `A1` for `A1.1.1`). */
export function requirementFamily(id: string): string {
  return id.split('.')[0]!;
}

/** Computes the coverage report of the workspace's program, base rules included. */
export function computeCoverage(workspace: RulesWorkspace, locator: CoverageLocator): CoverageReport {
  return new CoverageBuilder(workspace.getProgram(), locator).build();
}

class CoverageBuilder {
  private readonly texts = new Map<string, string>();
  private readonly positions = new Map<RulesItem, { uri: string; fileIndex: number; order: number }>();
  private readonly listNames: ReadonlySet<string>;

  constructor(
    private readonly program: Program,
    private readonly locator: CoverageLocator,
  ) {
    let order = 0;
    program.files.forEach((file, fileIndex) => {
      this.texts.set(file.document.uri, file.document.text);
      for (const item of file.document.items) this.positions.set(item, { uri: file.document.uri, fileIndex, order: order++ });
    });
    this.listNames = new Set(program.namesOf('list'));
  }

  build(): CoverageReport {
    const states = collectRuleStates(this.program);
    const rules: CoverageRule[] = [];
    for (const state of states.rules.values()) {
      if (state.tags.some((tag) => tag.startsWith(PCI_TAG_PREFIX))) rules.push(this.describeRule(state));
    }
    for (const orphan of states.orphanUpdates) {
      if (itemTags(orphan.item).some((tag) => tag.startsWith(PCI_TAG_PREFIX))) rules.push(this.describeOrphan(orphan));
    }

    const requirements = pciRequirements().map((requirement) => describeRequirement(requirement, rules));
    const families = PCI_FAMILIES.map((family) => {
      const members = requirements.filter((requirement) => requirement.family === family.id);
      return { id: family.id, title: family.title, covered: members.filter((r) => r.status === 'covered').length, total: members.length };
    });
    const unknownTags = collectUnknownTags(rules);
    return {
      standard: 'PCI DSS',
      version: PCI_DSS_VERSION,
      summary: {
        covered: requirements.filter((r) => r.status === 'covered').length,
        total: requirements.length,
        rulesWithPciTags: rules.length,
        rulesNotLoaded: rules.filter((rule) => !loads(rule)).length,
        unknownTags: unknownTags.length,
      },
      files: this.program.files.map((file) => ({ file: this.locator.displayName(file.document.uri), uri: file.document.uri, base: !file.reportDiagnostics })),
      families,
      requirements,
      rules,
      unknownTags,
    };
  }

  private describeRule(state: RuleState): CoverageRule {
    const ruleItems = [state.definition, ...state.updates];
    const problems: CoverageProblem[] = [];
    let skipped = false;
    for (const placed of ruleItems) {
      for (const diagnostic of this.program.itemDiagnostics(placed.item)) {
        if (diagnostic.severity === 'error') problems.push(this.problem(placed, diagnostic));
        else if (SKIP_CODES.has(diagnostic.code)) {
          skipped = true;
          problems.push(this.problem(placed, diagnostic));
        }
      }
    }
    for (const dependency of this.dependencies(ruleItems.map((placed) => placed.item))) {
      for (const diagnostic of this.program.itemDiagnostics(dependency.item)) {
        if (diagnostic.severity === 'error') problems.push(this.problem(dependency, diagnostic));
      }
    }
    const failed = problems.some((problem) => !SKIP_CODES.has(problem.code));
    let status: CoverageRuleStatus = state.enabled ? 'enabled' : 'disabled';
    if (skipped) status = 'skipped';
    if (failed) status = 'failed';
    return {
      name: state.name,
      status,
      enabled: state.enabled,
      priority: state.priority ?? null,
      source: state.source,
      requirements: catalogIds(state.tags),
      pciTags: state.tags.filter((tag) => tag.startsWith(PCI_TAG_PREFIX)),
      location: this.itemLocation(state.definition),
      updates: state.updates.map((placed) => this.itemLocation(placed)),
      problems,
    };
  }

  /** An update of a rule that is not defined before it: Falco rejects it, so it covers nothing. */
  private describeOrphan(orphan: PlacedItem): CoverageRule {
    const tags = [...new Set(itemTags(orphan.item))];
    const problems = this.program
      .itemDiagnostics(orphan.item)
      .filter((diagnostic) => diagnostic.severity === 'error')
      .map((diagnostic) => this.problem(orphan, diagnostic));
    return {
      name: orphan.item.name!,
      status: 'failed',
      enabled: false,
      priority: scalarText(orphan.item, orphan.item.get('priority')?.value) ?? null,
      source: 'syscall',
      requirements: catalogIds(tags),
      pciTags: tags.filter((tag) => tag.startsWith(PCI_TAG_PREFIX)),
      location: this.itemLocation(orphan),
      updates: [],
      problems,
    };
  }

  /** Returns the macro and list items that the conditions and exceptions of `items` use, directly or indirectly. */
  private dependencies(items: RulesItem[]): PlacedItem[] {
    const seen = new Set<RulesItem>(items);
    const pending = [...items];
    const found: PlacedItem[] = [];
    while (pending.length) {
      const item = pending.pop()!;
      for (const use of this.usesOf(item)) {
        if (use.kind !== 'macro' && use.kind !== 'list') continue;
        for (const definition of this.program.definitionsOf(use.kind, use.name)) {
          if (seen.has(definition.item)) continue;
          seen.add(definition.item);
          pending.push(definition.item);
          found.push({ item: definition.item, uri: this.positions.get(definition.item)!.uri });
        }
      }
    }
    return found;
  }

  /** Scans only the items the report needs: the whole program's occurrence index costs more than the rest of the report. */
  private usesOf(item: RulesItem): Occurrence[] {
    const position = this.positions.get(item);
    if (!position) return [];
    return scanItemOccurrences(this.program, this.listNames, item, position).filter((occurrence) => occurrence.role === 'use');
  }

  private problem(placed: PlacedItem, diagnostic: Diagnostic): CoverageProblem {
    const { item } = placed;
    return {
      item: `${item.kind ?? 'item'} ${item.name ?? ''}`.trim(),
      code: diagnostic.code,
      message: diagnostic.message,
      location: this.location(placed.uri, diagnostic.span),
    };
  }

  /** The item from its `- ` to its last character, trailing blanks left out. */
  private itemLocation(placed: PlacedItem): CoverageLocation {
    const text = this.texts.get(placed.uri) ?? '';
    const { start } = placed.item.elementSpan;
    let { end } = placed.item.elementSpan;
    while (end > start && /\s/.test(text.charAt(end - 1))) end--;
    return this.location(placed.uri, { start, end });
  }

  private location(uri: string, span: Span): CoverageLocation {
    const text = this.texts.get(uri) ?? '';
    const start = this.locator.positionAt(uri, text, span.start);
    const end = this.locator.positionAt(uri, text, span.end);
    return { file: this.locator.displayName(uri), uri, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
  }
}

function loads(rule: CoverageRule): boolean {
  return rule.status === 'enabled' || rule.status === 'disabled';
}

/** Returns the catalog ids that `PCI_DSS_<id>` tags name, in catalog order. */
function catalogIds(tags: string[]): string[] {
  const named = new Set(tags.filter((tag) => tag.startsWith(PCI_TAG_PREFIX)).map((tag) => tag.slice(PCI_TAG_PREFIX.length)));
  return pciRequirements()
    .filter((requirement) => named.has(requirement.id))
    .map((requirement) => requirement.id);
}

function describeRequirement(requirement: PciRequirement, rules: CoverageRule[]): RequirementCoverage {
  const tagged = rules.filter((rule) => rule.requirements.includes(requirement.id));
  const enabled = tagged.filter((rule) => rule.status === 'enabled').map((rule) => rule.name);
  const disabled = tagged.filter((rule) => rule.status === 'disabled').map((rule) => rule.name);
  const notLoaded = tagged.filter((rule) => !loads(rule)).map((rule) => rule.name);
  let status: RequirementStatus = 'none';
  if (enabled.length) status = 'covered';
  else if (disabled.length) status = 'disabled';
  else if (notLoaded.length) status = 'not-loaded';
  return {
    id: requirement.id,
    title: requirement.title,
    family: requirementFamily(requirement.id),
    support: requirement.support,
    status,
    rules: enabled,
    disabledRules: disabled,
    notLoadedRules: notLoaded,
  };
}

function collectUnknownTags(rules: CoverageRule[]): UnknownPciTag[] {
  const byTag = new Map<string, UnknownPciTag>();
  for (const rule of rules) {
    for (const tag of rule.pciTags) {
      const id = tag.slice(PCI_TAG_PREFIX.length);
      if (findPciRequirement(id)) continue;
      const entry = byTag.get(tag) ?? { tag, id, kind: unknownTagKind(id), rules: [] };
      if (!entry.rules.includes(rule.name)) entry.rules.push(rule.name);
      byTag.set(tag, entry);
    }
  }
  return [...byTag.values()];
}

function unknownTagKind(id: string): UnknownTagKind {
  if (V4_REQUIREMENT_IDS.has(id)) return 'v4-not-in-catalog';
  if (V4_SECTION_IDS.has(id)) return 'v4-section';
  return 'not-v4';
}
