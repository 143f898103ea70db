import { renderHtml, renderText } from '@runlens/analyzer';
import { readHostFacts } from '@runlens/collector';
import { type Row, type RunReport, createLogger } from '@runlens/schemas';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { allocatedCores } from '../allocation.ts';
import { type RunningChild, type TreeTotals, startChild } from '../child.ts';
import type { EmbeddedConfig } from '../config.ts';
import { acquireOwnership, dataPaths, releaseOwnership } from '../data-dir.ts';
import { finishRun, openEmbeddedStack } from '../embedded-stack.ts';
import { callSocket } from '../local-socket.ts';
import { newRunId } from '../run-id.ts';
import { parseRunArgs, type RunArgs } from './run-args.ts';

interface RunMeta {
  readonly run_id: string;
  readonly app: string;
  readonly user: string;
  readonly cmd: string;
  readonly alloc_cores: number;
  readonly start_ts: number;
  readonly job_id: string;
}

export function runRow(m: RunMeta, host: string, cluster: string, end?: { exit_code: number; end_ts: number; totals: TreeTotals | null }): Row<'runs'> {
  const t = end?.totals ?? null;
  return {
    run_id: m.run_id, app: m.app, user: m.user, cluster, job_id: m.job_id, sluid: '', step: '', cmd: m.cmd,
    status: end ? (end.exit_code === 0 ? 'finished' : 'failed') : 'running', start_ts: m.start_ts, end_ts: end?.end_ts ?? null,
    updated_ts: end?.end_ts ?? m.start_ts, exit_code: end?.exit_code ?? null, hosts: [host], ranks: 1, alloc_cores: m.alloc_cores,
    alloc_gpus: 0, tags: [], cpu_user_s: t?.cpu_user_s ?? null, cpu_sys_s: t?.cpu_sys_s ?? null, read_bytes: t?.read_bytes ?? null,
    write_bytes: t?.write_bytes ?? null, rchar: t?.rchar ?? null, wchar: t?.wchar ?? null,
  };
}

/** `runlens run -- CMD`: monitor one command, print its report, exit with its exit code. */
export async function runCommand(argv: readonly string[], cfg: EmbeddedConfig): Promise<number> {
  const args = parseRunArgs(argv);
  if ('error' in args) {
    process.stderr.write(`${args.error}\n`);
    return 2;
  }
  const meta: RunMeta = {
    run_id: newRunId(), app: args.app ?? basename(args.cmd), user: userInfo().username,
    cmd: [args.cmd, ...args.args].join(' '), alloc_cores: allocatedCores(args.cores, process.env).cores,
    start_ts: Date.now(), job_id: process.env.SLURM_JOB_ID ?? '',
  };
  const paths = dataPaths(cfg.dataDir);
  const upAlive = existsSync(paths.socket) && (await callSocket(paths.socket, { op: 'ping' }, 2000).then(() => true, () => false));
  const final = upAlive ? await viaUp(paths.socket, args, meta) : await standalone(args, meta, cfg);
  if (final.report) emit(final.report, args);
  return final.exitCode;
}

interface Outcome { readonly report: RunReport | null; readonly exitCode: number }

/** `runlens up` owns the store: register the run with it and let it sample and analyse. */
async function viaUp(socket: string, args: RunArgs, meta: RunMeta): Promise<Outcome> {
  const child: RunningChild = startChild(args.cmd, args.args, readHostFacts().clkTck);
  const registered = callSocket(socket, { op: 'register', ...meta, root_pid: child.pid }).then(() => true, (e: unknown) => {
    process.stderr.write(`runlens: could not register with runlens up (${String(e)}); the command runs unmonitored\n`);
    return false;
  });
  const { exitCode, totals } = await child.done;
  if (!(await registered)) return { report: null, exitCode };
  try {
    const report = await callSocket(socket, { op: 'finish', run_id: meta.run_id, exit_code: exitCode, end_ts: Date.now(), totals });
    return { report: report as RunReport, exitCode };
  } catch (e) {
    process.stderr.write(`runlens: runlens up did not return the report (${String(e)}); see runlens report ${meta.run_id}\n`);
    return { report: null, exitCode };
  }
}

async function standalone(args: RunArgs, startMeta: RunMeta, cfg: EmbeddedConfig): Promise<Outcome> {
  const paths = dataPaths(cfg.dataDir);
  const owner = acquireOwnership(paths);
  // Someone else owns the data directory but did not answer: keep this run in a private store.
  const storePath = owner === null ? paths.store : mkdtempSync(join(tmpdir(), 'runlens-'));
  const log = createLogger(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel);
  if (owner !== null) log.warn('data directory is owned by another process; using a private store', { owner, store: storePath });
  const stack = await openEmbeddedStack(cfg, storePath, log);
  let meta = startMeta;
  try {
    await stack.agent.tick();
    meta = { ...meta, start_ts: Date.now() };
    const child = startChild(args.cmd, args.args, readHostFacts().clkTck);
    stack.agent.addRun({ run_id: meta.run_id, root_pid: child.pid });
    await stack.publisher.publish('runs', [runRow(meta, cfg.host, cfg.cluster)]);
    stack.agent.start();
    const { exitCode, totals } = await child.done;
    const report = await finishRun(stack, runRow(meta, cfg.host, cfg.cluster, { exit_code: exitCode, end_ts: Date.now(), totals }));
    return { report, exitCode };
  } finally {
    await stack.close();
    if (owner === null) releaseOwnership(paths);
  }
}

function emit(report: RunReport, args: RunArgs): void {
  process.stderr.write(`\n${renderText(report)}\n`);
  if (args.json) writeFileSync(args.json, JSON.stringify(report, null, 2));
  if (args.html) writeFileSync(args.html, renderHtml(report));
}
