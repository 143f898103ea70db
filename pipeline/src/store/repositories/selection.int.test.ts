import { type Store, appOutcomes, hostProfiles } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { catalogRow as row } from '../../testing/catalog-row.ts';
import { seededStore } from '../../testing/seeded-store.ts';
import { TEST_STORES } from '../../testing/test-stores.ts';

/** Compute selection's reads on both stores: finished, visible, summarised runs; newest profile per host. */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;

async function seed(store: Store): Promise<void> {
  const run = (run_id: string, user: string, status: string, hosts: string[]) => row('runs', {
    run_id, app: 'solver', user, status, start_ts: T0, end_ts: status === 'running' ? null : T0 + 10_000, updated_ts: T0, hosts, alloc_cores: 2, alloc_gpus: 1, tags: ['partition=fat'] });
  await store.insertRows('runs', [run('a', 'ann', 'finished', ['n1']), run('b', 'bob', 'finished', ['n2', 'n3']), run('c', 'ann', 'running', ['n1']), run('d', 'ann', 'finished', ['n1'])]);
  const sum = (run_id: string, wall_s: number) => row('run_summaries', { run_id, app: 'solver', fingerprint: 'solver --steps', scale_cores: 2, hosts: 1, updated_ts: T0, wall_s });
  await store.insertRows('run_summaries', [sum('a', 10), sum('b', 20), sum('c', 5)]);
  const prof = (host: string, ts: number, cpus: number) => row('node_profiles', { host, ts, cpu_model: 'Xeon', logical_cpus: cpus, mem_total_bytes: 2 ** 34, gpu_count: 0, gpu_models: [] });
  await store.insertRows('node_profiles', [prof('n1', T0, 8), prof('n1', T0 + 1000, 16), prof('n2', T0, 4)]);
}

describe.each(TEST_STORES)('selection reads on %s', (_name, available, open) => {
  const db = seededStore(available, open, seed);

  it.runIf(available)('gives finished, summarised runs the identity may see, with their hosts and allocation', async () => {
    const all = await appOutcomes(db.store, { user: 'root', role: 'admin' }, 'solver');
    expect(all.map((r) => r.run_id).sort()).toEqual(['a', 'b']);
    expect(all.find((r) => r.run_id === 'b')).toMatchObject({ hosts: ['n2', 'n3'], tags: ['partition=fat'], alloc_cores: 2, alloc_gpus: 1, wall_s: 20, scale_cores: 2, fingerprint: 'solver --steps' });
    expect((await appOutcomes(db.store, { user: 'ann', role: 'user' }, 'solver')).map((r) => r.run_id)).toEqual(['a']);
  });

  it.runIf(available)('gives the newest profile of each host', async () => {
    expect((await hostProfiles(db.store)).map((p) => [p.host, p.logical_cpus])).toEqual([['n1', 16], ['n2', 4]]);
    expect((await hostProfiles(db.store, ['n2'])).map((p) => p.host)).toEqual(['n2']);
  });
});
