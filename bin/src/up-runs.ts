import { buildJobSummary, buildReport, listRunItems } from '@runlens/analyzer';
import { userInfo } from 'node:os';
import type { EmbeddedConfig } from './config.ts';
import { type EmbeddedStack, finishRun } from './embedded-stack.ts';
import type { SocketRequest } from './local-socket.ts';
import { RunRegistry } from './run-registry.ts';
import { runLogRows } from './log-tail.ts';
import { selectRunById, selectRunningRunsOnHost } from './run-store-queries.ts';
import { runRow } from './commands/run.ts';
import { answerSelection } from './commands/select.ts';
import { localOwner } from './local-identity.ts';

const SWEEP_INTERVAL_MS = 5_000;

export interface UpRuns {
  readonly registry: RunRegistry;
  handle(req: SocketRequest): Promise<unknown>;
  stop(): void;
}

/**
 * `runlens up`'s side of the local socket: the run registry over the embedded stack, swept for lost runs.
 * `dashboardUrl`: where the dashboard answers once listening (null before), for `runlens run`'s banner.
 */
export async function startUpRuns(stack: EmbeddedStack, cfg: EmbeddedConfig, dashboardUrl: () => string | null = () => null): Promise<UpRuns> {
  const registry = new RunRegistry({
    uid: process.getuid?.() ?? -1, user: userInfo().username,
    toRow: (meta, end) => runRow(meta, cfg.host, cfg.cluster, end),
    addRun: (run) => stack.agent.addRun(run),
    removeRun: (id) => stack.agent.removeRun(id),
    publishRun: async (row) => {
      await stack.publisher.publish('runs', [row]);
      // Acknowledge a registration once stored, so a kill -9 of `up` cannot forget the run.
      await stack.drain(5_000).catch((e: unknown) => stack.log.warn('run row not yet stored', { run_id: row.run_id, error: String(e) }));
    },
    finishRun: (row, logs) => finishRun(stack, row, logs),
    toLogRows: (runId, end) => runLogRows(runId, cfg.host, 'stderr', end.stderr_tail),
    selectRunById: (id) => selectRunById(stack.store, id),
    selectRunningRuns: () => selectRunningRunsOnHost(stack.store, cfg.host),
  });
  const lost = await registry.markLostAtStartup();
  if (lost.length > 0) stack.log.warn('runs left running by a previous runlens up are marked lost', { runs: lost });
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    registry.sweep().then(
      (ids) => { if (ids.length > 0) stack.log.warn('runs whose root process is gone are marked lost', { runs: ids }); },
      (e: unknown) => stack.log.error('lost-run sweep failed', { error: String(e) }),
    ).finally(() => { sweeping = false; });
  }, SWEEP_INTERVAL_MS);
  return { registry, handle: (req) => handle(registry, stack, cfg, req, dashboardUrl), stop: () => clearInterval(timer) };
}

async function handle(registry: RunRegistry, stack: EmbeddedStack, cfg: EmbeddedConfig, req: SocketRequest, dashboardUrl: () => string | null): Promise<unknown> {
  const { store } = stack;
  switch (req.op) {
    case 'ping':
      return { pid: process.pid, dashboard_url: dashboardUrl() };
    case 'register':
      return registry.register(req);
    case 'finish':
      return registry.finish(req);
    case 'metrics':
      await stack.publisher.publish('run_metrics', req.points.map((p) => ({ ...p, run_id: req.run_id, host: cfg.host })));
      return { stored: req.points.length };
    case 'report':
      return buildReport(store, req.run_id, Date.now(), stack.nodeTypes);
    case 'select':
    case 'nodes':
      return answerSelection(store, req);
    case 'job':
      return buildJobSummary(store, req.job_id, { dashboardUrl: dashboardUrl() });
    case 'runs':
      return listRunItems(store, localOwner(), { app: req.app, status: req.status, kind: req.kind, from_ms: req.from_ms }, req.limit);
  }
}
