import type { Store } from '../store/store.ts';

/** Hosts among `hosts` whose profile says there are no hardware performance counters. */
export async function hostsWithoutPmu(store: Store, hosts: readonly string[]): Promise<string[]> {
  const rows = await store.query<{ host: string }>(
    'SELECT host FROM node_profiles FINAL WHERE has({hosts:Array(String)}, host) AND pmu_available = 0', { hosts: [...hosts] });
  return rows.map((r) => r.host);
}
