import { attr, defineTable, gauge, nullable, ts } from './column.ts';

/** A run's fingerprint: what the app model and comparisons read. */
export const runSummaries = defineTable({
  name: 'run_summaries',
  description: 'Per-run fingerprint: wall time, efficiency, resource means, phases, finding kinds.',
  engine: { kind: 'replacing_merge_tree', version: 'updated_ts' },
  orderBy: ['app', 'run_id'],
  columns: {
    run_id: attr('str', 'Run id.'),
    app: attr('lc', 'Application.'),
    fingerprint: attr('str', 'Command fingerprint: executable and option names, without values.'),
    scale_cores: gauge('cores', 'Allocated cores over all hosts: the scale runs are compared at.'),
    hosts: attr('u32', 'Hosts the run used.'),
    node_type: attr('lc', 'Node type of its hosts as the analyzer saw it (RUNLENS_NODE_TYPES_FILE, else derived from the profile; mixed types joined by +).'),
    updated_ts: ts('Version of this row.'),
    wall_s: gauge('s', 'Wall-clock duration.'),
    cpu_s: gauge('s', 'CPU seconds, user + system.'),
    cpu_efficiency: gauge('ratio', 'cpu_s / (wall_s x allocated cores).'),
    cpu_cores_mean: gauge('cores', 'Mean CPU cores in use while the run was sampled.'),
    storage_bytes_per_s_mean: gauge('bytes/s', 'Mean storage read + write rate.'),
    peak_rss_bytes: gauge('bytes', 'Largest summed RSS of the run at one tick.'),
    read_bytes: gauge('bytes', 'Storage bytes read.'),
    write_bytes: gauge('bytes', 'Storage bytes written.'),
    gpu_util_mean: nullable(gauge('ratio', 'Mean utilisation of allocated GPUs.')),
    phase_profile: attr('str_list', 'Per phase: label:seconds:cpu_cores, in order.'),
    finding_kinds: attr('str_list', 'Kinds of the findings raised.'),
  },
});

/** Per-application baseline, rebuilt from run_summaries at each run end. */
export const appModels = defineTable({
  name: 'app_models',
  description: 'Robust baseline of an application on one node type at one scale: medians and MADs over its recent runs, its own metric, and its scaling.',
  engine: { kind: 'replacing_merge_tree', version: 'updated_ts' },
  orderBy: ['app', 'fingerprint', 'node_type', 'scale_cores'],
  columns: {
    app: attr('lc', 'Application.'),
    fingerprint: attr('str', 'Command fingerprint.'),
    node_type: attr('lc', 'Node type of the runs in this model.'),
    scale_cores: gauge('cores', 'Scale of the runs in this model.'),
    updated_ts: ts('Version of this row.'),
    runs: attr('u32', 'Runs in the model.'),
    wall_s_median: gauge('s', 'Median wall time.'),
    wall_s_mad: gauge('s', 'Median absolute deviation of wall time.'),
    cpu_efficiency_median: gauge('ratio', 'Median CPU efficiency.'),
    cpu_cores_mean_median: gauge('cores', 'Median of the runs\' mean CPU cores.'),
    peak_rss_median: gauge('bytes', 'Median peak RSS.'),
    metric_name: attr('lc', 'The app-reported metric of these runs (run_metrics); empty when none.'),
    metric_median: nullable(gauge('1', 'Median over the runs of each run\'s median metric value; null without one.')),
    scaling_exponent: nullable(gauge('1', 'b in wall_s ~ scale_cores^b over all scales of this fingerprint on this node type; null with one scale.')),
    scaling_exponent_se: nullable(gauge('1', 'Standard error of b (least squares on log-log); null with fewer than 3 runs over 2 scales.')),
    scaling_runs: attr('u32', 'Runs the exponent was fitted to.'),
  },
});
