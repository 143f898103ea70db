import { type Row, type TableName, catalog } from '../catalog/index.ts';
import type { QueryParam, Store } from '../store/store.ts';
import { catalogSelectList, withCatalogNumbers } from './columns.ts';

/*
 * Whole catalog rows, shaped as the bus carries them (times as epoch ms, numbers as numbers):
 * what replaying a run through the analyzer's state needs.
 */

async function rowsWhere<N extends TableName>(store: Store, table: N, where: string, params: Record<string, QueryParam>): Promise<Row<N>[]> {
  // In tick order, as the live stream delivers them (the sort key may be series-major).
  const time = catalog[table].timeColumn;
  const rows = await store.query<Row<N>>(`SELECT ${catalogSelectList(store, table)} FROM ${table} FINAL WHERE ${where}${time ? ` ORDER BY ${time}` : ''}`, params);
  return rows.map((r) => withCatalogNumbers(table, r));
}

export type RunScopedTable = 'runs' | 'process_samples' | 'cgroup_samples' | 'mpi_samples';
export type HostScopedTable = 'node_samples' | 'node_profiles' | 'device_profiles' | 'node_events';

/** Every row of one run in a table keyed by run. */
export function rowsOfRun<N extends RunScopedTable>(store: Store, table: N, runId: string): Promise<Row<N>[]> {
  return rowsWhere(store, table, 'run_id = {run_id:String}', { run_id: runId });
}

/** Every row of these hosts in a host table, within [from_ms, to_ms] when the table has a time column. */
export function rowsOfHosts<N extends HostScopedTable>(
  store: Store, table: N, hosts: readonly string[], range?: { from_ms: number; to_ms: number },
): Promise<Row<N>[]> {
  if (!range) return rowsWhere(store, table, 'has({hosts:Array(String)}, host)', { hosts });
  // Qualified: the select list's `ts` is the epoch-ms alias, and a bare `ts` here would compare with it.
  const where = `has({hosts:Array(String)}, host) AND ${table}.ts BETWEEN ${store.sql.fromMs('from')} AND ${store.sql.fromMs('to')}`;
  return rowsWhere(store, table, where, { hosts, from: range.from_ms, to: range.to_ms });
}
