import type { Store } from '@runlens/pipeline';
import { type Row, type TableName, catalog } from '@runlens/schemas';
import { AnalyzerState } from '../state/analyzer-state.ts';
import type { RunWindow } from '../window/run-window.ts';

/** Columns of a table with time columns turned back into epoch ms, as the bus carries them. */
function selectList(store: Store, table: TableName): string {
  return Object.entries(catalog[table].columns)
    .map(([name, def]) => (def.type === 'ts' ? `${def.nullable ? `if(isNull(${name}), NULL, ${store.sql.ms(`assumeNotNull(${name})`)})` : store.sql.ms(name)} AS ${name}` : name))
    .join(', ');
}

async function rowsOf<N extends TableName>(store: Store, table: N, where: string, params: Record<string, string | number | readonly string[]>): Promise<Row<N>[]> {
  // In tick order, as the live stream delivers them (the sort key may be series-major).
  const time = catalog[table].timeColumn;
  const order = time ? ` ORDER BY ${time}` : '';
  const rows = await store.query<Row<N>>(`SELECT ${selectList(store, table)} FROM ${table} FINAL WHERE ${where}${order}`, params);
  // JSON output may quote 64-bit numbers; the state wants numbers where the catalog says so.
  const numeric = Object.entries(catalog[table].columns).filter(([, d]) => d.type !== 'str' && d.type !== 'lc' && d.type !== 'str_list').map(([n]) => n);
  return rows.map((r) => {
    const o = { ...r } as Record<string, unknown>;
    for (const n of numeric) if (o[n] !== null && o[n] !== undefined) o[n] = Number(o[n]);
    return o as Row<N>;
  });
}

/**
 * Rebuilds a run's analyzer state from the store: the same aggregation and windows the
 * streaming analyzer used, for reports and for re-analysing runs it never saw.
 */
export async function replayRun(store: Store, runId: string): Promise<{ state: AnalyzerState; window: RunWindow } | null> {
  const state = new AnalyzerState();
  const runs = await rowsOf(store, 'runs', 'run_id = {run:String}', { run: runId });
  if (runs.length === 0) return null;
  state.add('runs', runs);
  const meta = runs[0] as Row<'runs'>;
  state.add('process_samples', await rowsOf(store, 'process_samples', 'run_id = {run:String}', { run: runId }));
  const range = `has({hosts:Array(String)}, host) AND ts BETWEEN ${store.sql.fromMs('from')} AND ${store.sql.fromMs('to')}`;
  const hosts = { hosts: meta.hosts, from: meta.start_ts - 5000, to: (meta.end_ts ?? Date.now()) + 5000 };
  state.add('node_samples', await rowsOf(store, 'node_samples', range, hosts));
  state.add('node_profiles', await rowsOf(store, 'node_profiles', 'has({hosts:Array(String)}, host)', { hosts: meta.hosts }));
  state.add('cgroup_samples', await rowsOf(store, 'cgroup_samples', 'run_id = {run:String}', { run: runId }));
  const run = state.runs.get(runId);
  return run ? { state, window: run.window(state.hosts) } : null;
}
