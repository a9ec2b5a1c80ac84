/**
 * `falco/coverage`: the PCI DSS coverage report of the workspace, as the
 * report object (json) or rendered (html, markdown). After the first request
 * the server also sends `falco/coverageChanged` with the summary whenever the
 * workspace changed, so a client can refresh its status bar and webview.
 */
import { positionConverter } from '../../shared/io';
import { ErrorCodes, RequestType, ResponseError } from 'vscode-languageserver/node';
import { performance } from 'node:perf_hooks';
import { computeCoverage, CoverageLocator, CoverageReport, DEFAULT_RULES_URI, renderCoverageHtml, renderCoverageMarkdown } from '../../core';
import type { Program } from '../../core/analysis/program';
import type { ServerContext, ServerFeature } from '../context';
import { COVERAGE_CHANGED_NOTIFICATION, COVERAGE_REQUEST, CoverageChangedParams, CoverageParams, isCoverageFormat } from '../coverage-protocol';

const coverageRequest = new RequestType<CoverageParams | null, CoverageReport | string, void>(COVERAGE_REQUEST);

function createCoverageFeature(): ServerFeature {
  let cached: { program: Program; report: CoverageReport } | undefined;
  let lastNotified: Program | undefined;
  let subscribed = false;

  /** Returns the report of the workspace's current program, computed once per program. */
  function currentReport(context: ServerContext): CoverageReport {
    for (const document of context.documents.all()) context.syncDocument(document);
    const program = context.workspace.getProgram();
    if (cached?.program !== program) cached = { program, report: computeCoverage(context.workspace, createLocator(context.workspace.uris())) };
    return cached.report;
  }

  return {
    capabilities: {},
    register(context) {
      context.connection.onRequest(coverageRequest, (params) => {
        // A client may send any JSON, whatever the declared parameter type.
        const format: unknown = params?.format;
        if (!isCoverageFormat(format)) {
          throw new ResponseError(ErrorCodes.InvalidParams, `Invalid format '${String(format)}' for ${COVERAGE_REQUEST}: use 'json', 'html' or 'markdown'.`);
        }
        subscribed = true;
        const started = performance.now();
        try {
          const report = currentReport(context);
          lastNotified = cached?.program;
          if (format === 'json') return report;
          return format === 'html' ? renderCoverageHtml(report) : renderCoverageMarkdown(report);
        } catch (error) {
          context.logFailure(COVERAGE_REQUEST, 'workspace', error);
          throw new ResponseError(ErrorCodes.InternalError, `The coverage report failed: ${String(error)}. See the server log.`);
        } finally {
          context.trace(COVERAGE_REQUEST, 'workspace', performance.now() - started);
        }
      });
    },
    afterPublish(context) {
      if (!subscribed) return;
      try {
        const report = currentReport(context);
        if (cached?.program === lastNotified) return;
        lastNotified = cached?.program;
        const { covered, total, rulesNotLoaded } = report.summary;
        const summary: CoverageChangedParams = { covered, total, rulesNotLoaded, files: context.workspace.uris().length };
        void context.connection.sendNotification(COVERAGE_CHANGED_NOTIFICATION, summary);
      } catch (error) {
        context.logFailure(COVERAGE_CHANGED_NOTIFICATION, 'workspace', error);
      }
    },
  };
}

export const coverageFeature = createCoverageFeature();

/**
 * Converts offsets through `TextDocument` and shows files relative to the
 * deepest folder that contains every workspace file.
 */
function createLocator(uris: string[]): CoverageLocator {
  const base = commonFolder(uris.filter((uri) => uri.startsWith('file:')));
  return {
    positionAt: positionConverter(),
    displayName(uri) {
      if (uri === DEFAULT_RULES_URI) return 'falco_rules.yaml (bundled)';
      const relative = base !== undefined && uri.startsWith(base) ? uri.slice(base.length) : uri;
      try {
        return decodeURIComponent(relative);
      } catch {
        return relative;
      }
    },
  };
}

/** Returns the longest folder prefix, ending in `/`, that every URI starts with. */
function commonFolder(uris: string[]): string | undefined {
  if (uris.length === 0) return undefined;
  let prefix = uris[0]!.slice(0, uris[0]!.lastIndexOf('/') + 1);
  for (const uri of uris) {
    while (!uri.startsWith(prefix)) prefix = prefix.slice(0, prefix.lastIndexOf('/', prefix.length - 2) + 1);
  }
  return prefix === '' ? undefined : prefix;
}
