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

export interface HostProfile { host: string; cpu_model: string; logical_cpus: number; usable_cores: number | null; mem_total_bytes: number; gpu_count: number; gpu_models: string[] }

/** The newest profile of every host (or of `hosts`). */
export async function hostProfiles(store: Store, hosts?: readonly string[]): Promise<HostProfile[]> {
  // No hosts asked for: none to read (and 18.16 cannot type an empty array parameter).
  if (hosts?.length === 0) return [];
  const where = hosts ? 'WHERE has({hosts:Array(String)}, host)' : '';
  const rows = await store.query<HostProfile>(
    `SELECT host, cpu_model, logical_cpus, usable_cores, mem_total_bytes, gpu_count, gpu_models FROM node_profiles FINAL ${where}
     ORDER BY host, ts DESC LIMIT 1 BY host`, hosts ? { hosts: [...hosts] } : {});
  return rows.map((r) => ({ ...r, logical_cpus: Number(r.logical_cpus), usable_cores: r.usable_cores === null ? null : Number(r.usable_cores), mem_total_bytes: Number(r.mem_total_bytes), gpu_count: Number(r.gpu_count) }));
}

export interface StoredScaling { node_type: string; scaling_exponent: number; scaling_exponent_se: number | null; scaling_runs: number }

/** The newest app model's scaling exponent per node type, of one app and work (fingerprint); types without one are left out. */
export async function storedScaling(store: Store, app: string, fingerprint: string): Promise<StoredScaling[]> {
  const rows = await store.query<{ node_type: string; scaling_exponent: number | null; scaling_exponent_se: number | null; scaling_runs: number }>(
    `SELECT node_type, scaling_exponent, scaling_exponent_se, scaling_runs FROM app_models FINAL
     WHERE app = {app:String} AND fingerprint = {fingerprint:String} AND isNotNull(scaling_exponent)
     ORDER BY node_type, updated_ts DESC LIMIT 1 BY node_type`, { app, fingerprint });
  return rows.map((r) => ({
    node_type: r.node_type, scaling_exponent: Number(r.scaling_exponent), scaling_exponent_se: r.scaling_exponent_se === null ? null : Number(r.scaling_exponent_se), scaling_runs: Number(r.scaling_runs),
  }));
}
