import { buildJobSummary, renderJobSummary } from '@runlens/analyzer';
import { openChdbStore } from '@runlens/pipeline';
import type { JobSummary } from '@runlens/schemas';
import { z } from 'zod';
import type { JobArgs } from './job-args.ts';
import { EXIT } from '../cli/exit-codes.ts';
import { type EmbeddedConfig, loadConfig } from '../config.ts';
import { acquireOwnership, dataPaths, releaseOwnership } from '../data-dir.ts';
import { callSocket } from '../local-socket.ts';
import { loadRoleConfig } from '../roles/role-config.ts';
import { type StoreSettings, clusterStoreConfigured, openConfiguredStore, storeSchema } from '../roles/store-config.ts';

const clusterSchema = z.object({ ...storeSchema, RUNLENS_DASHBOARD_URL: z.string().url().optional() });

/** Where `runlens job` reads: the cluster store when one is configured (RUNLENS_STORE or RUNLENS_CONFIG_FILE), else this machine's data directory. */
export type JobConfig = { readonly kind: 'cluster'; readonly store: StoreSettings; readonly dashboardUrl: string | null } | { readonly kind: 'embedded'; readonly embedded: EmbeddedConfig };

export function loadJobConfig(env: Readonly<Record<string, string | undefined>> = process.env): JobConfig {
  if (!clusterStoreConfigured(env)) return { kind: 'embedded', embedded: loadConfig(env) };
  const c = loadRoleConfig(clusterSchema, env);
  return { kind: 'cluster', store: c, dashboardUrl: c.RUNLENS_DASHBOARD_URL ?? null };
}

/** `runlens job JOBID`: from the cluster store when one is configured, else from this machine's. */
export async function jobCommand(args: JobArgs, config: JobConfig): Promise<number> {
  if (config.kind === 'cluster') {
    const store = await openConfiguredStore(config.store);
    try {
      return print(await buildJobSummary(store, args.jobId, { dashboardUrl: config.dashboardUrl }), args);
    } finally {
      await store.close();
    }
  }
  const cfg = config.embedded;
  const paths = dataPaths(cfg.dataDir);
  const owner = acquireOwnership(paths);
  if (owner !== null) {
    const summary = await callSocket(paths.socket, { op: 'job', job_id: args.jobId }, 60_000).catch((e: unknown) => e instanceof Error ? e : new Error(String(e)));
    if (!(summary instanceof Error)) return print(summary as JobSummary | null, args);
    process.stderr.write(`runlens: runlens up (pid ${owner}) owns ${cfg.dataDir} but did not answer (${summary.message}); restart it, or stop it and ask again\n`);
    return EXIT.failure;
  }
  const store = await openChdbStore({ path: paths.store });
  try {
    return print(await buildJobSummary(store, args.jobId, { dashboardUrl: null }), args);
  } finally {
    await store.close();
    releaseOwnership(paths);
  }
}

function print(summary: JobSummary | null, args: JobArgs): number {
  if (summary === null) {
    process.stderr.write(`runlens: no run of job ${args.jobId} in this store\n`);
    return EXIT.failure;
  }
  process.stdout.write(`${args.json ? JSON.stringify(summary, null, 2) : renderJobSummary(summary)}\n`);
  return EXIT.ok;
}
