import type { Store } from '../store/store.ts';
import { SELF_RUN_ID } from '../catalog/index.ts';
import { msOrNull } from './columns.ts';

/**
 * The ops page's cross-layer reads: kernel and driver events, and which runs they touched.
 * The joining is done by the caller (dashboard/src/server/views/event-impacts.ts): ClickHouse
 * 18.16 joins only on equality, and these links are time ranges.
 */

/** Kinds that end an earlier event (a link back up, a server answering again): never a cause. */
export const RECOVERY_EVENT_KINDS = ['link_up', 'fs_ok'] as const;

export interface NodeEventRow { host: string; ts_ms: number; seq: number; kind: string; severity: string; pid: number | null; comm: string; device: string; detail: string }

/** Warning and critical events since `fromMs`, newest first, recoveries left out. */
export async function causeEvents(store: Store, fromMs: number, limit = 100): Promise<NodeEventRow[]> {
  const rows = await store.query<NodeEventRow>(
    `SELECT host, ${store.sql.ms('ts')} AS ts_ms, seq, kind, severity, pid, comm, device, detail FROM node_events
     WHERE ts >= ${store.sql.fromMs('from')} AND severity != 'info' AND NOT has({recovery:Array(String)}, kind)
     ORDER BY ts DESC LIMIT 1 BY host, seq LIMIT {limit:UInt32}`, { from: fromMs, recovery: [...RECOVERY_EVENT_KINDS], limit });
  return rows.map((r) => ({ ...r, ts_ms: Number(r.ts_ms), seq: Number(r.seq), pid: r.pid === null ? null : Number(r.pid) }));
}

export interface LiveRunRow { run_id: string; app: string; user: string; hosts: string[]; start_ms: number; end_ms: number | null }

/** Runs on any of `hosts` that were live at some point in [fromMs, toMs]. */
export async function runsLiveOn(store: Store, hosts: readonly string[], fromMs: number, toMs: number): Promise<LiveRunRow[]> {
  if (hosts.length === 0) return [];
  const rows = await store.query<LiveRunRow>(
    `SELECT run_id, app, user, hosts, ${store.sql.ms('start_ts')} AS start_ms, ${msOrNull(store, 'end_ts')} AS end_ms FROM runs FINAL
     WHERE hasAny(hosts, {hosts:Array(String)}) AND start_ts <= ${store.sql.fromMs('to')} AND (isNull(end_ts) OR end_ts >= ${store.sql.fromMs('from')})
     LIMIT 2000`, { hosts: [...hosts], from: fromMs, to: toMs });
  return rows.map((r) => ({ ...r, start_ms: Number(r.start_ms), end_ms: r.end_ms === null ? null : Number(r.end_ms) }));
}

export interface PidRunRow { host: string; pid: number; run_id: string }

/** Which run each of `pids` on `host` belonged to in [fromMs, toMs], from the process samples. */
export async function runsOfPids(store: Store, host: string, pids: readonly number[], fromMs: number, toMs: number): Promise<PidRunRow[]> {
  if (pids.length === 0) return [];
  const rows = await store.query<PidRunRow>(
    `SELECT DISTINCT host, pid, run_id FROM process_samples
     WHERE host = {host:String} AND has({pids:Array(Int64)}, toInt64(pid)) AND run_id != '' AND run_id != {self:String}
       AND ts BETWEEN ${store.sql.fromMs('from')} AND ${store.sql.fromMs('to')} LIMIT 1000`,
    { host, pids: [...pids], from: fromMs, to: toMs, self: SELF_RUN_ID });
  return rows.map((r) => ({ ...r, pid: Number(r.pid) }));
}

export interface RunFindingSpan { run_id: string; kind: string; host: string; severity: string; start_ms: number; end_ms: number }

/** Warning and critical findings of `runIds` that overlap [fromMs, ∞). */
export async function findingSpans(store: Store, runIds: readonly string[], fromMs: number): Promise<RunFindingSpan[]> {
  if (runIds.length === 0) return [];
  const rows = await store.query<RunFindingSpan>(
    `SELECT run_id, kind, host, severity, ${store.sql.ms('start_ts')} AS start_ms, ${store.sql.ms('end_ts')} AS end_ms FROM findings FINAL
     WHERE has({ids:Array(String)}, run_id) AND severity != 'info' AND end_ts >= ${store.sql.fromMs('from')} LIMIT 5000`, { ids: [...runIds], from: fromMs });
  return rows.map((r) => ({ ...r, start_ms: Number(r.start_ms), end_ms: Number(r.end_ms) }));
}

export interface HostEventRow extends NodeEventRow { readonly raw: string }

/** Every event on `hosts` in [fromMs, toMs], oldest first: what the run page draws on the run's timeline. */
export async function eventsOnHosts(store: Store, hosts: readonly string[], fromMs: number, toMs: number, limit = 200): Promise<HostEventRow[]> {
  if (hosts.length === 0) return [];
  const rows = await store.query<HostEventRow>(
    `SELECT host, ${store.sql.ms('ts')} AS ts_ms, seq, kind, severity, pid, comm, device, detail, raw FROM node_events
     WHERE has({hosts:Array(String)}, host) AND ts BETWEEN ${store.sql.fromMs('from')} AND ${store.sql.fromMs('to')}
     ORDER BY ts LIMIT 1 BY host, seq LIMIT {limit:UInt32}`, { hosts: [...hosts], from: fromMs, to: toMs, limit });
  return rows.map((r) => ({ ...r, ts_ms: Number(r.ts_ms), seq: Number(r.seq), pid: r.pid === null ? null : Number(r.pid) }));
}
