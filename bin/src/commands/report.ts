import { buildReport, renderHtml, renderMarkdown, renderText } from '@runlens/analyzer';
import { openChdbStore } from '@runlens/pipeline';
import type { RunReport } from '@runlens/schemas';
import { EXIT } from '../cli/exit-codes.ts';
import { loadConfig } from '../config.ts';
import { acquireOwnership, dataPaths, releaseOwnership } from '../data-dir.ts';
import { callSocket } from '../local-socket.ts';
import { loadRoleConfig } from '../roles/role-config.ts';
import { clusterStoreConfigured, openConfiguredStore, storeSchema } from '../roles/store-config.ts';
import { z } from 'zod';
import type { ReportArgs } from './report-args.ts';
import { findRuns } from './runs.ts';
import { loadNodeTypes } from '../node-types-file.ts';

const ASK_UP_TIMEOUT_MS = 60_000;

/**
 * `runlens report [RUN_ID]` (the newest run without one): from the cluster store when one is
 * configured (RUNLENS_STORE, as `runlens job`); else asked of `runlens up` when it owns the data
 * dir, else read from its store.
 */
export async function reportCommand(asked: ReportArgs, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = asked.runId === '' ? await newest(asked, env) : asked;
  if (!args) return EXIT.failure;
  if (clusterStoreConfigured(env)) {
    const store = await openConfiguredStore(loadRoleConfig(z.object(storeSchema), env));
    try {
      return await print(await buildReport(store, args.runId), args, 'in the store at RUNLENS_CLICKHOUSE_URL');
    } finally {
      await store.close();
    }
  }
  const cfg = loadConfig(env);
  const paths = dataPaths(cfg.dataDir);
  const owner = acquireOwnership(paths);
  if (owner !== null) return reportFromUp(paths.socket, args, owner, cfg.dataDir);
  const store = await openChdbStore({ path: paths.store });
  try {
    return await print(await buildReport(store, args.runId, Date.now(), loadNodeTypes(cfg.nodeTypesFile)), args);
  } finally {
    await store.close();
    releaseOwnership(paths);
  }
}

/** The newest run's report is asked for: its id, said on stderr (stdout is the report). */
async function newest(args: ReportArgs, env: NodeJS.ProcessEnv): Promise<ReportArgs | null> {
  const runs = await findRuns({}, { user: '', all: false, limit: 1 }, env);
  const run = runs?.[0];
  if (!runs) return null;
  if (!run) {
    process.stderr.write('runlens: no runs recorded yet; runlens run records one\n');
    return null;
  }
  process.stderr.write(`runlens: the newest run, ${run.run_id}\n`);
  return { ...args, runId: run.run_id };
}

async function reportFromUp(socket: string, args: ReportArgs, owner: number, dataDir: string): Promise<number> {
  try {
    // Our own server's JSON reply: buildReport's RunReport or null, serialised by `up`.
    const report = (await callSocket(socket, { op: 'report', run_id: args.runId }, ASK_UP_TIMEOUT_MS)) as RunReport | null;
    return await print(report, args);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    process.stderr.write(`runlens: runlens up (pid ${owner}) owns ${dataDir} but its socket ${socket} did not give the report (${why}); ` +
      `restart runlens up, or stop it and run runlens report ${args.runId} again\n`);
    return EXIT.failure;
  }
}

const RENDER = {
  json: (r: RunReport) => JSON.stringify(r, null, 2), html: renderHtml, md: renderMarkdown, text: renderText,
} as const satisfies Record<ReportArgs['format'], (r: RunReport) => string | Promise<string>>;

async function print(report: RunReport | null, args: ReportArgs, where = 'in this data directory'): Promise<number> {
  if (!report) {
    process.stderr.write(`runlens: no run ${args.runId} ${where}; runlens run prints the id when it starts\n`);
    return EXIT.failure;
  }
  const text = await RENDER[args.format](report);
  process.stdout.write(`${text}\n`);
  return EXIT.ok;
}
