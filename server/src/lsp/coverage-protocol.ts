/**
 * The custom messages of the PCI DSS coverage report, shared by the server
 * and the VS Code client. Imports nothing, so both bundles can include it.
 */

/** Request `falco/coverage`: the report of the whole workspace, base rules included. */
export const COVERAGE_REQUEST = 'falco/coverage';

/**
 * Notification `falco/coverageChanged`, sent after the workspace changed and
 * its diagnostics were published, once the client has sent `falco/coverage`.
 */
export const COVERAGE_CHANGED_NOTIFICATION = 'falco/coverageChanged';

export type CoverageFormat = 'json' | 'html' | 'markdown';

export interface CoverageParams {
  format: CoverageFormat;
}

/** The summary a status bar shows, without the whole report. */
export interface CoverageChangedParams {
  /** Requirements with at least one enabled rule that loads. */
  covered: number;
  /** Requirements in the catalog. */
  total: number;
  /** Rules with PCI tags that do not load. */
  rulesNotLoaded: number;
  /** Rules files of the workspace (open or indexed), base rules not counted. */
  files: number;
}

/** True for the formats `falco/coverage` accepts. */
export function isCoverageFormat(value: unknown): value is CoverageFormat {
  return value === 'json' || value === 'html' || value === 'markdown';
}
