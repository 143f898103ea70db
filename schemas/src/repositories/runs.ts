import { type Row, catalog } from '../catalog/index.ts';
import type { Store } from '../store/store.ts';
import { msOrNull, withCatalogNumbers } from './columns.ts';

/** A `runs` row with its times as epoch ms (`start_ms`, `end_ms`); the row version left out. */
export type RunRecord = Omit<Row<'runs'>, 'start_ts' | 'end_ts' | 'updated_ts'> & { start_ms: number; end_ms: number | null };

const RUN_COLUMNS = Object.keys(catalog.runs.columns).filter((c) => !c.endsWith('_ts'));

function selectRuns(store: Store, where: string): string {
  return `SELECT ${RUN_COLUMNS.join(', ')}, ${store.sql.ms('start_ts')} AS start_ms, ${msOrNull(store, 'end_ts')} AS end_ms
     FROM runs FINAL WHERE ${where}`;
}

function toRecord(r: RunRecord): RunRecord {
  const n = withCatalogNumbers('runs', r);
  return { ...n, start_ms: Number(r.start_ms), end_ms: r.end_ms === null ? null : Number(r.end_ms) };
}

/** The newest row of one run, or null when the store has never seen it. */
export async function runById(store: Store, runId: string): Promise<RunRecord | null> {
  const rows = await store.query<RunRecord>(`${selectRuns(store, 'run_id = {run_id:String}')} LIMIT 1`, { run_id: runId });
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Who owns a run (decides who may see it), or null for an unknown run. */
export async function runOwner(store: Store, runId: string): Promise<string | null> {
  const rows = await store.query<{ user: string }>('SELECT user FROM runs FINAL WHERE run_id = {run_id:String} LIMIT 1', { run_id: runId });
  return rows[0]?.user ?? null;
}

/** Runs still marked running that touched `host`: at start-up of `up`, nobody monitors them any more. */
export async function runningRunsOnHost(store: Store, host: string): Promise<RunRecord[]> {
  const rows = await store.query<RunRecord>(selectRuns(store, "status = 'running' AND has(hosts, {host:String})"), { host });
  return rows.map(toRecord);
}
