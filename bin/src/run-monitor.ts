import { finishRun, openEmbeddedStack } from './embedded-stack.ts';
import type { RunReport, Row } from '@runlens/schemas';
import { createLogger } from '@runlens/schemas';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddedConfig } from './config.ts';
import { acquireOwnership, dataPaths, releaseOwnership } from './data-dir.ts';
import { callSocket } from './local-socket.ts';
import type { RunEnd, RunMeta } from './run-registry.ts';
import { runLogRows } from './log-tail.ts';

/** How `runlens run` records one run: through `runlens up`, in its own store, or not at all. */
export interface Monitor {
  /** What will not be kept, for the user; null when the run is recorded normally. */
  readonly note: string | null;
  /** The dashboard of the `runlens up` that records the run, when it serves one. */
  readonly dashboardUrl?: string | null;
  /** Registers the run whose (held) root process is `rootPid`; rejects when it cannot. */
  attach(rootPid: number): Promise<void>;
  /** Stores points of the app's own metric (run_metrics); called before `finish`. */
  metrics(rows: Row<'run_metrics'>[]): Promise<void>;
  finish(end: RunEnd): Promise<RunReport | null>;
  close(): Promise<void>;
}

export type RowOf = (meta: RunMeta, end?: RunEnd) => Row<'runs'>;

export const REGISTER_TIMEOUT_MS = 10_000;
export const FINISH_TIMEOUT_MS = 45_000;
/** Metric points per socket call: one request stays far below the socket's 64 KiB line. */
const METRIC_ROWS_PER_CALL = 400;

/** `runlens up` owns the store: register the run with it and let it sample and analyse. */
export function upMonitor(socket: string, meta: RunMeta, dashboardUrl: string | null = null): Monitor {
  return {
    note: null, dashboardUrl,
    attach: async (rootPid) => {
      await callSocket(socket, { op: 'register', ...meta, root_pid: rootPid }, REGISTER_TIMEOUT_MS);
    },
    metrics: async (rows) => {
      for (let i = 0; i < rows.length; i += METRIC_ROWS_PER_CALL) {
        const points = rows.slice(i, i + METRIC_ROWS_PER_CALL).map(({ ts, name, seq, value, source }) => ({ ts, name, seq, value, source }));
        await callSocket(socket, { op: 'metrics', run_id: meta.run_id, points }, REGISTER_TIMEOUT_MS);
      }
    },
    finish: async (end) => (await callSocket(socket, { op: 'finish', run_id: meta.run_id, ...end }, FINISH_TIMEOUT_MS)) as RunReport,
    close: async () => undefined,
  };
}

/** Nothing records this run: the command still runs and its exit code is returned. */
export function noMonitor(note: string): Monitor {
  return { note, attach: async () => undefined, metrics: async () => undefined, finish: async () => null, close: async () => undefined };
}

/**
 * Samples in this process into the data directory's store; when that cannot be used (another
 * owner, no lock, not writable), into a private store under the temp dir that is removed at close.
 */
export async function standaloneMonitor(cfg: EmbeddedConfig, meta: RunMeta, rowOf: RowOf, upNote: string | null): Promise<Monitor> {
  const log = createLogger(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel);
  const main = claimDataDir(cfg.dataDir);
  let privateDir: string | null = null;
  try {
    const storePath = main.paths ? main.paths.store : (privateDir = mkdtempSync(join(tmpdir(), 'runlens-private-')));
    const stack = await openEmbeddedStack(cfg, storePath, log);
    const note = main.paths ? upNote : `${[upNote, main.why].filter(Boolean).join('; ')}: this run is kept in a private store that is removed when it ends, so \`runlens report ${meta.run_id}\` will not find it`;
    return stackMonitor(stack, meta, rowOf, note, () => {
      if (main.paths) releaseOwnership(main.paths);
      if (privateDir) rmSync(privateDir, { recursive: true, force: true });
    }, cfg.host);
  } catch (e) {
    if (main.paths) releaseOwnership(main.paths);
    if (privateDir) rmSync(privateDir, { recursive: true, force: true });
    return noMonitor(`not recorded: no store could be opened (${e instanceof Error ? e.message : String(e)})`);
  }
}

function claimDataDir(dir: string): { paths: ReturnType<typeof dataPaths> | null; why: string } {
  try {
    const paths = dataPaths(dir);
    const owner = acquireOwnership(paths);
    if (owner === null) return { paths, why: '' };
    return { paths: null, why: owner > 0 ? `${dir} is owned by pid ${owner}` : `the lock on ${dir} could not be taken` };
  } catch (e) {
    return { paths: null, why: `${dir} is not usable (${(e as { code?: string }).code ?? String(e)})` };
  }
}

type Stack = Awaited<ReturnType<typeof openEmbeddedStack>>;

function stackMonitor(stack: Stack, startMeta: RunMeta, rowOf: RowOf, note: string | null, release: () => void, host: string): Monitor {
  let meta = startMeta;
  return {
    note,
    attach: async (rootPid) => {
      await stack.agent.tick();
      meta = { ...meta, start_ts: Date.now() };
      stack.agent.addRun({ run_id: meta.run_id, root_pid: rootPid });
      await stack.publisher.publish('runs', [rowOf(meta)]);
      stack.agent.start();
    },
    metrics: async (rows) => { await stack.publisher.publish('run_metrics', rows); },
    finish: (end) => finishRun(stack, rowOf(meta, end), runLogRows(meta.run_id, host, 'stderr', end.stderr_tail)),
    close: async () => {
      try {
        await stack.close();
      } finally {
        release();
      }
    },
  };
}
