import type { Store } from '@runlens/pipeline';
import { catalogRow as row } from '@runlens/pipeline/testing/catalog-row';
import { commandFingerprint } from '@runlens/analyzer/model/fingerprint';

/**
 * A finished 3-host MPI run for the run page's tests (views on both stores, the browser): two
 * ranks per host; n3 is throttled (0.4 cores per rank against 1) and loaded by an outside
 * process (1.5 cores), its ranks waiting 0.3 cores each for a CPU (run delay), and slow_node names it. Its ranks wait little in MPI (5%), the others a
 * lot (60%). `e1` is an earlier run of the same app and command by the same user, `e2` one by
 * another user, both with summaries, so the comparison has a baseline.
 */
export const MULTI_HOSTS = ['n1', 'n2', 'n3'] as const;
export const MULTI_RUN = 'm';
export const MULTI_CMD = 'solver --steps 10';

export interface MultiHostTimes { readonly t0: number; readonly end: number }

export function multiHostTimes(now = Date.now()): MultiHostTimes {
  const t0 = Math.floor(now / 1000) * 1000 - 600_000;
  return { t0, end: t0 + 20_000 };
}

export async function seedMultiHostRun(store: Store, user: string, { t0, end }: MultiHostTimes): Promise<void> {
  const hosts = [...MULTI_HOSTS];
  const run = (run_id: string, who: string, start: number, stop: number) => row('runs', {
    run_id, app: 'solver', user: who, cmd: MULTI_CMD, status: 'finished', start_ts: start, end_ts: stop, updated_ts: stop, hosts, alloc_cores: 2, exit_code: 0 });
  await store.insertRows('runs', [run(MULTI_RUN, user, t0, end), run('e1', user, t0 - 300_000, t0 - 280_000), run('e2', `${user}-other`, t0 - 200_000, t0 - 190_000)]);
  const summary = (run_id: string, wall_s: number) => row('run_summaries', {
    run_id, app: 'solver', fingerprint: commandFingerprint(MULTI_CMD), wall_s, cpu_efficiency: 0.5, cpu_cores_mean: 3, peak_rss_bytes: 1e9, updated_ts: t0, finding_kinds: ['cpu_bound'] });
  await store.insertRows('run_summaries', [summary('e1', 20), summary('e2', 10)]);
  const sample = (run_id: string, host: string, pid: number, rank: number | null, cores: number, i: number, start = t0) => row('process_samples', {
    ts: start + i * 1000, host, run_id, pid, rank, start_ticks: 1, interval_s: 1, comm: run_id === '' ? 'backup' : 'solver',
    cpu_user_cores: cores, rss_bytes: 100e6 + pid, hwm_bytes: 100e6 + pid, read_bytes_per_s: 1e6, write_bytes_per_s: 0,
    // n3's ranks wait for the cores the outside process takes.
    run_delay_cores: run_id === MULTI_RUN && host === 'n3' ? 0.3 : 0 });
  const ticks = [...Array(10).keys()];
  await store.insertRows('process_samples', hosts.flatMap((host, h) => [0, 1].flatMap((r) =>
    ticks.map((i) => sample(MULTI_RUN, host, 100 + 2 * h + r, 2 * h + r, host === 'n3' ? 0.4 : 1, i)))));
  await store.insertRows('process_samples', ticks.map((i) => sample('', 'n3', 99, null, 1.5, i)));
  await store.insertRows('process_samples', ticks.map((i) => sample('e1', 'n1', 7, 0, 2, i, t0 - 300_000)));
  await store.insertRows('mpi_samples', hosts.flatMap((host, h) => [0, 1].map((r) => row('mpi_samples', {
    ts: t0 + 9000, host, run_id: MULTI_RUN, rank: 2 * h + r, size: 6, pid: 100 + 2 * h + r, wall_s: 10, mpi_s: host === 'n3' ? 0.5 : 6, cpu_s: 10, calls: 100, final: 1 }))));
  const finding = (kind: string, scope: string, host: string, message: string) => row('findings', {
    run_id: MULTI_RUN, finding_id: `${kind}|${scope}|${host}`, kind, severity: 'warning', scope, scope_id: scope === 'run' ? '' : host, host, start_ts: t0, end_ts: t0 + 9000,
    updated_ts: t0 + 9000, confidence: 0.9, message, advice: '', evidence: JSON.stringify({ peer_ratio: 0.4, outside_cores: 1.5 }) });
  await store.insertRows('findings', [
    finding('slow_node', 'host', 'n3', 'n3 progresses at 40% of its peers: outside processes (1.5 cores)'),
    // The analyzer stamps a run-scoped finding with the run's first host: it names no host.
    finding('cpu_bound', 'run', 'n1', 'the run is compute-bound'),
  ]);
}
