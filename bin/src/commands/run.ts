import { renderHtml, renderText } from '@runlens/analyzer';
import { RUN_ID_ENV, readHostFacts } from '@runlens/collector';
import type { Row, RunReport } from '@runlens/schemas';
import { existsSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { allocatedCores, allocatedGpus } from '../allocation.ts';
import { type RunningChild, startChild } from '../child.ts';
import type { EmbeddedConfig } from '../config.ts';
import { dataPaths } from '../data-dir.ts';
import { callSocket } from '../local-socket.ts';
import { type Monitor, REGISTER_TIMEOUT_MS, noMonitor, standaloneMonitor, upMonitor } from '../run-monitor.ts';
import type { RunEnd, RunMeta } from '../run-registry.ts';
import { newRunId } from '../run-id.ts';
import { mpiEnvironment } from '../mpi-setup.ts';
import type { RunArgs } from './run-args.ts';
import { RunAppMetrics } from '../run-app-metrics.ts';

export function runRow(m: RunMeta, host: string, cluster: string, end?: RunEnd): Row<'runs'> {
  const t = end?.totals ?? null;
  const oomKills = end?.memcg_oom_kills ?? 0;
  return {
    run_id: m.run_id, app: m.app, user: m.user, cluster, job_id: m.job_id, sluid: '', step: '', cmd: m.cmd,
    status: end ? (end.exit_code === 0 ? 'finished' : 'failed') : 'running', start_ts: m.start_ts, end_ts: end?.end_ts ?? null,
    updated_ts: end?.end_ts ?? m.start_ts, exit_code: end?.exit_code ?? null, hosts: [host], ranks: 1, alloc_cores: m.alloc_cores,
    alloc_gpus: m.alloc_gpus ?? 0, tags: oomKills > 0 ? [`memcg_oom_kills=${oomKills}`] : [], cpu_user_s: t?.cpu_user_s ?? null, cpu_sys_s: t?.cpu_sys_s ?? null, read_bytes: t?.read_bytes ?? null,
    write_bytes: t?.write_bytes ?? null, rchar: t?.rchar ?? null, wchar: t?.wchar ?? null,
  };
}

/**
 * `runlens run -- CMD`: monitor one command, print its report, exit with its exit code.
 * Fails open: whatever goes wrong with recording, the command runs and its exit code is returned.
 */
export async function runCommand(args: RunArgs, cfg: EmbeddedConfig): Promise<number> {
  const meta: RunMeta = {
    run_id: newRunId(), app: args.app ?? basename(args.cmd), user: userInfo().username,
    cmd: [args.cmd, ...args.args].join(' '), alloc_cores: allocatedCores(args.cores, cfg.inherited).cores,
    alloc_gpus: allocatedGpus(cfg.inherited),
    start_ts: Date.now(), job_id: cfg.inherited.SLURM_JOB_ID,
  };
  const monitor = await openMonitor(cfg, meta).catch((e: unknown) => noMonitor(`not recorded: ${message(e)}`));
  if (monitor.note) say(monitor.note);
  say(banner(meta.run_id, monitor));
  const metrics = new RunAppMetrics(meta.run_id, cfg.host, args.metrics, (rows) => monitor.metrics(rows));
  const env = { [RUN_ID_ENV]: meta.run_id, ...(args.mpi ? mpiEnv(cfg) : {}), ...metrics.env };
  const child: RunningChild = startChild(args.cmd, args.args, readHostFacts().clkTck, env, metrics.tap);
  const attached = await withTimeout(monitor.attach(child.pid), REGISTER_TIMEOUT_MS + 1000).then(() => true, (e: unknown) => {
    say(`not recorded: the run could not be registered (${message(e)}); the command runs unmonitored`);
    return false;
  });
  child.release();
  metrics.start();
  const { exitCode, totals, stderr, memcgOomKills } = await child.done;
  const metricNotes = await metrics.stop();
  for (const n of metricNotes) say(n);
  const end = { exit_code: exitCode, end_ts: Date.now(), totals, stderr_tail: [...stderr], memcg_oom_kills: memcgOomKills };
  const report = attached ? await monitor.finish(end).catch((e: unknown) => {
    say(`the report is not available (${message(e)}); if runlens up recorded the run: runlens report ${meta.run_id}`);
    return null;
  }) : null;
  await monitor.close().catch((e: unknown) => say(`closing the store failed (${message(e)})`));
  if (report) await emit(metricNotes.length > 0 ? { ...report, summary: { ...report.summary, absent: [...report.summary.absent, ...metricNotes] } } : report, args).catch((e: unknown) => say(`writing the report failed (${message(e)})`));
  return exitCode;
}

/** `runlens up` if it answers, else a store of our own; an unanswering `up` is said, not waited for. */
async function openMonitor(cfg: EmbeddedConfig, meta: RunMeta): Promise<Monitor> {
  const rowOf = (m: RunMeta, end?: Parameters<typeof runRow>[3]): Row<'runs'> => runRow(m, cfg.host, cfg.cluster, end);
  const socket = socketPath(cfg.dataDir);
  if (socket === null || !existsSync(socket)) return standaloneMonitor(cfg, meta, rowOf, null);
  const pong = await callSocket(socket, { op: 'ping' }, 2000).then((r) => (r ?? {}) as { dashboard_url?: string | null }, () => null);
  if (pong) return upMonitor(socket, meta, pong.dashboard_url ?? null);
  return standaloneMonitor(cfg, meta, rowOf, `runlens up at ${socket} did not answer`);
}

/** The one line `runlens run` says when it starts: the run id, and where to watch it live. */
export function banner(runId: string, monitor: Pick<Monitor, 'dashboardUrl' | 'note'>): string {
  if (monitor.dashboardUrl) return `run ${runId}  live: ${monitor.dashboardUrl}/runs/${encodeURIComponent(runId)}`;
  return `run ${runId}${monitor.note ? '' : `  (runlens report ${runId} shows it later)`}`;
}

function socketPath(dataDir: string): string | null {
  try {
    return dataPaths(dataDir).socket;
  } catch {
    return null; // an unusable data dir: standaloneMonitor says so
  }
}

/** `--mpi`: the PMPI library's environment; without mpicc the command runs, and the user is told. */
function mpiEnv(cfg: EmbeddedConfig): Record<string, string> {
  try {
    const r = mpiEnvironment(cfg.dataDir, cfg.inherited);
    if ('why' in r) say(`not measured: time inside MPI (${r.why})`);
    return 'env' in r ? r.env : {};
  } catch (e) {
    say(`not measured: time inside MPI (${message(e)})`);
    return {};
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms); });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const say = (line: string): void => { process.stderr.write(`runlens: ${line}\n`); };

async function emit(report: RunReport, args: RunArgs): Promise<void> {
  process.stderr.write(`\n${renderText(report)}\n`);
  if (args.json) writeFileSync(args.json, JSON.stringify(report, null, 2));
  if (args.html) writeFileSync(args.html, await renderHtml(report));
}
