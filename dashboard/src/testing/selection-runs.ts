import type { Store } from '@runlens/pipeline';
import { catalogRow as row } from '@runlens/pipeline/testing/catalog-row';
import type { NodeTypesConfig } from '@runlens/schemas';
import { commandFingerprint } from '@runlens/analyzer/model/fingerprint';

/**
 * An app that reports its own throughput (it/s), run three times on a fast node type and three
 * times on a slow one (issue 13), for the run page's "app metric" and "elsewhere": `SEL_RUN` is
 * the newest run on the slow type. Fast runs at 8 it/s on 6 EUR/h, slow at 2 it/s on 1 EUR/h,
 * so fast is 4× faster at 1.5× the cost per unit of work, and each type has the 3 runs a sure
 * recommendation needs.
 */
export const SEL_APP = 'trainer';
export const SEL_RUN = 'tr';
export const SEL_CMD = 'python3 train.py --epochs 1';

export const SEL_NODE_TYPES: NodeTypesConfig = {
  currency: 'EUR',
  types: {
    fast: { hosts: ['fa*'], partitions: [], price_per_node_hour: 6 },
    slow: { hosts: ['sl*'], partitions: [], price_per_node_hour: 1 },
  },
};

const RUNS = [
  { id: 'tf1', host: 'fa1', wall: 10, rate: 8 }, { id: 'tf2', host: 'fa1', wall: 11, rate: 7.5 }, { id: 'tf3', host: 'fa2', wall: 12, rate: 8.5 },
  { id: 'ts1', host: 'sl1', wall: 40, rate: 2 }, { id: 'ts2', host: 'sl2', wall: 41, rate: 2.1 }, { id: SEL_RUN, host: 'sl1', wall: 42, rate: 1.9 },
] as const;

/** Seeds the six runs (rows, summaries, per-step metric points, CPU samples), the viewed one last, all before `t0`. */
export async function seedSelectionRuns(store: Store, user: string, t0: number): Promise<void> {
  const fp = commandFingerprint(SEL_CMD);
  const starts = RUNS.map((_, i) => t0 - (RUNS.length - i) * 60_000);
  await store.insertRows('runs', RUNS.map((r, i) => row('runs', {
    run_id: r.id, app: SEL_APP, user, cmd: SEL_CMD, status: 'finished', start_ts: starts[i], end_ts: (starts[i] ?? 0) + r.wall * 1000,
    updated_ts: (starts[i] ?? 0) + r.wall * 1000, hosts: [r.host], alloc_cores: 1, exit_code: 0,
  })));
  await store.insertRows('run_summaries', RUNS.map((r, i) => row('run_summaries', {
    run_id: r.id, app: SEL_APP, fingerprint: fp, scale_cores: 1, wall_s: r.wall, cpu_efficiency: 0.95, cpu_cores_mean: 0.95, updated_ts: starts[i],
  })));
  // One point a second, the rate steady around the run's own, as tqdm prints it per step.
  await store.insertRows('run_metrics', RUNS.flatMap((r, i) => Array.from({ length: r.wall }, (_, k) => row('run_metrics', {
    ts: (starts[i] ?? 0) + (k + 1) * 1000, run_id: r.id, host: r.host, name: 'it/s', seq: k, value: r.rate + (k % 2 === 0 ? 0.1 : -0.1), source: 'output',
  }))));
  const viewed = RUNS[5];
  const start = starts[5] ?? 0;
  await store.insertRows('process_samples', Array.from({ length: viewed.wall }, (_, k) => row('process_samples', {
    ts: start + k * 1000, host: viewed.host, run_id: SEL_RUN, pid: 500, start_ticks: 1, interval_s: 1, comm: 'python3',
    cpu_user_cores: 0.95, rss_bytes: 500e6, hwm_bytes: 500e6,
  })));
}
