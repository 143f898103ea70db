import { attr, defineTable, gauge, nullable, ts } from './column.ts';

/** A run's fingerprint: what the app model and comparisons read. */
export const runSummaries = defineTable({
  name: 'run_summaries',
  description: 'Per-run fingerprint: wall time, efficiency, resource totals, finding kinds.',
  engine: { kind: 'replacing_merge_tree', version: 'updated_ts' },
  orderBy: ['app', 'run_id'],
  columns: {
    run_id: attr('str', 'Run id.'),
    app: attr('lc', 'Application.'),
    updated_ts: ts('Version of this row.'),
    wall_s: gauge('s', 'Wall-clock duration.'),
    cpu_s: gauge('s', 'CPU seconds, user + system.'),
    cpu_efficiency: gauge('ratio', 'cpu_s / (wall_s x allocated cores).'),
    peak_rss_bytes: gauge('bytes', 'Largest summed RSS of the run at one tick.'),
    read_bytes: gauge('bytes', 'Storage bytes read.'),
    write_bytes: gauge('bytes', 'Storage bytes written.'),
    gpu_util_mean: nullable(gauge('ratio', 'Mean utilisation of allocated GPUs.')),
    finding_kinds: attr('str_list', 'Kinds of the findings raised.'),
  },
});

/** Per-application baseline, rebuilt from run_summaries. */
export const appModels = defineTable({
  name: 'app_models',
  description: 'Robust baseline of an application: medians and MADs over its recent runs.',
  engine: { kind: 'replacing_merge_tree', version: 'updated_ts' },
  orderBy: ['app'],
  columns: {
    app: attr('lc', 'Application.'),
    updated_ts: ts('Version of this row.'),
    runs: attr('u32', 'Runs in the model.'),
    wall_s_median: gauge('s', 'Median wall time.'),
    wall_s_mad: gauge('s', 'Median absolute deviation of wall time.'),
    cpu_efficiency_median: gauge('ratio', 'Median CPU efficiency.'),
    peak_rss_median: gauge('bytes', 'Median peak RSS.'),
  },
});
