import { type RunListItem, listRunItems, renderRunList } from '@runlens/analyzer';
import { openChdbStore } from '@runlens/pipeline';
import type { RunListFilter } from '@runlens/schemas';
import { userInfo } from 'node:os';
import { z } from 'zod';
import { EXIT } from '../cli/exit-codes.ts';
import { loadConfig } from '../config.ts';
import { acquireOwnership, dataPaths, releaseOwnership } from '../data-dir.ts';
import { callSocket } from '../local-socket.ts';
import { localOwner } from '../local-identity.ts';
import { loadRoleConfig } from '../roles/role-config.ts';
import { clusterStoreConfigured, openConfiguredStore, storeSchema } from '../roles/store-config.ts';
import type { RunsArgs } from './runs-args.ts';

const ASK_UP_TIMEOUT_MS = 60_000;

/**
 * `runlens runs`: the run list. From the cluster store when one is configured (as `runlens job`):
 * its credentials decide what may be read, and the list keeps to the caller's own runs unless
 * --user or --all widens it, as sacct does. Else from this machine's data directory, whose runs
 * are all its owner's: asked of `runlens up` while it owns the directory, else read here.
 */
export async function runsCommand(args: RunsArgs, env: NodeJS.ProcessEnv = process.env, now = Date.now()): Promise<number> {
  const filter: Partial<RunListFilter> = { app: args.app, status: args.status, kind: args.kind, from_ms: args.sinceMs > 0 ? now - args.sinceMs : 0 };
  const runs = await findRuns(filter, args, env);
  if (runs === null) return EXIT.failure;
  process.stdout.write(`${args.json ? JSON.stringify(runs, null, 2) : renderRunList(runs, now)}\n`);
  return EXIT.ok;
}

/** Runs newest first from wherever this command reads (the cluster store, `up`, the data directory); null when `up` did not answer (said on stderr). */
export function findRuns(filter: Partial<RunListFilter>, whose: Pick<RunsArgs, 'user' | 'all' | 'limit'>, env: NodeJS.ProcessEnv = process.env): Promise<RunListItem[] | null> {
  return clusterStoreConfigured(env) ? fromCluster(whose, filter, env) : fromDataDir(whose, filter, env);
}

async function fromCluster(args: Pick<RunsArgs, 'user' | 'all' | 'limit'>, filter: Partial<RunListFilter>, env: NodeJS.ProcessEnv): Promise<RunListItem[]> {
  const store = await openConfiguredStore(loadRoleConfig(z.object(storeSchema), env));
  try {
    const user = args.all ? '' : args.user || userInfo().username;
    return await listRunItems(store, { user: userInfo().username, role: 'admin' }, { ...filter, user }, args.limit);
  } finally {
    await store.close();
  }
}

async function fromDataDir(args: Pick<RunsArgs, 'limit'>, filter: Partial<RunListFilter>, env: NodeJS.ProcessEnv): Promise<RunListItem[] | null> {
  const cfg = loadConfig(env);
  const paths = dataPaths(cfg.dataDir);
  const owner = acquireOwnership(paths);
  if (owner !== null) {
    const req = { op: 'runs', app: filter.app ?? '', status: filter.status ?? '', kind: filter.kind ?? '', from_ms: filter.from_ms ?? 0, limit: args.limit } as const;
    try {
      return (await callSocket(paths.socket, req, ASK_UP_TIMEOUT_MS)) as RunListItem[];
    } catch (e) {
      process.stderr.write(`runlens: runlens up (pid ${owner}) owns ${cfg.dataDir} but did not answer (${e instanceof Error ? e.message : String(e)}); restart it, or stop it and try again\n`);
      return null;
    }
  }
  const store = await openChdbStore({ path: paths.store });
  try {
    return await listRunItems(store, localOwner(), filter, args.limit);
  } finally {
    await store.close();
    releaseOwnership(paths);
  }
}
