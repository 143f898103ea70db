import type { Identity } from '../auth.ts';
import type { Store } from '../store/store.ts';
import { VISIBLE_RUNS, visibility } from './columns.ts';

/** What compute selection reads (issue 13): finished runs of one app with their outcome, and node profiles. */

export interface AppOutcome {
  run_id: string; user: string; hosts: string[]; tags: string[]; alloc_cores: number; alloc_gpus: number;
  fingerprint: string; scale_cores: number; wall_s: number;
}

/** Finished runs of `app` the identity may see that have a run summary (the analyzer's wall time and scale). */
export async function appOutcomes(store: Store, id: Identity, app: string, limit = 5000): Promise<AppOutcome[]> {
  const runs = await store.query<{ run_id: string; user: string; hosts: string[]; tags: string[]; alloc_cores: number; alloc_gpus: number }>(
    `SELECT run_id, user, hosts, tags, alloc_cores, alloc_gpus FROM runs FINAL
     WHERE app = {app:String} AND status = 'finished' AND ${VISIBLE_RUNS} ORDER BY start_ts DESC LIMIT {limit:UInt32}`, { app, limit, ...visibility(id) });
  if (runs.length === 0) return [];
  const sums = await store.query<{ run_id: string; fingerprint: string; scale_cores: number; wall_s: number }>(
    'SELECT run_id, fingerprint, scale_cores, wall_s FROM run_summaries FINAL WHERE has({ids:Array(String)}, run_id)', { ids: runs.map((r) => r.run_id) });
  const byId = new Map(sums.map((s) => [s.run_id, s]));
  return runs.flatMap((r) => {
    const s = byId.get(r.run_id);
    return s ? [{ ...r, alloc_cores: Number(r.alloc_cores), alloc_gpus: Number(r.alloc_gpus), fingerprint: s.fingerprint, scale_cores: Number(s.scale_cores), wall_s: Number(s.wall_s) }] : [];
  });
}

export interface HostProfile { host: string; cpu_model: string; logical_cpus: number; mem_total_bytes: number; gpu_count: number; gpu_models: string[] }

/** The newest profile of every host (or of `hosts`). */
export async function hostProfiles(store: Store, hosts?: readonly string[]): Promise<HostProfile[]> {
  const where = hosts ? 'WHERE has({hosts:Array(String)}, host)' : '';
  const rows = await store.query<HostProfile>(
    `SELECT host, cpu_model, logical_cpus, mem_total_bytes, gpu_count, gpu_models FROM node_profiles FINAL ${where}
     ORDER BY host, ts DESC LIMIT 1 BY host`, hosts ? { hosts: [...hosts] } : {});
  return rows.map((r) => ({ ...r, logical_cpus: Number(r.logical_cpus), mem_total_bytes: Number(r.mem_total_bytes), gpu_count: Number(r.gpu_count) }));
}
