import type { Identity } from './auth.ts';
import type { NodeTypesConfig } from './node-types.ts';
import type { RunReport } from './report.ts';
import type { Store } from './store/store.ts';

/**
 * What the process that hosts the dashboard (`runlens up` or `runlens dashboard`) hands to
 * Next's server code before it serves a request: the one Store, session checking and the
 * report builders. Next runs inside that process, so route handlers and server components
 * read the same store that ingest writes.
 */
export interface DashboardContext {
  readonly store: Store;
  /** The identity a session cookie value proves, or null when absent, forged or expired. */
  verifySession(cookie: string | undefined): Identity | null;
  buildReport(store: Store, runId: string): Promise<RunReport | null>;
  /** Node types and prices (RUNLENS_NODE_TYPES_FILE) for the app page's "where to run" panel. */
  readonly nodeTypes: NodeTypesConfig;
  /** Async: the report's SVG charts load echarts on first use. */
  renderHtml(report: RunReport): Promise<string>;
  /**
   * The README of the detector behind a finding kind (what it means, when it fires, why, what to
   * do), as Markdown, or null where the kind has none: the dashboard's findings guide.
   */
  findingNotes(kind: string): Promise<string | null>;
}

/** The globalThis key under which the host process publishes the context. */
export const DASHBOARD_CONTEXT_KEY = '__runlens';
