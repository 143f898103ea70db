import { attr, defineTable, gauge, ts } from './column.ts';

/**
 * The application's own performance as it reports it (issue 13): a throughput such as it/s,
 * steps/s or ns/day, read from its output lines (`runlens run --metric NAME=REGEX`), from the
 * file it appends `name value` lines to (RUNLENS_METRIC_FILE) or given by `runlens metric
 * NAME VALUE`. `seq` numbers the points of one run and name in the order they were read, so
 * an at-least-once replay collapses on the key.
 */
export const runMetrics = defineTable({
  name: 'run_metrics',
  description: 'Application-reported metric series of a run (its own throughput: it/s, steps/s, ns/day).',
  engine: { kind: 'idempotent_samples' },
  orderBy: ['run_id', 'name', 'seq'],
  timeColumn: 'ts',
  ttlDays: 365,
  columns: {
    ts: ts('When the value was read.'),
    run_id: attr('str', 'Run id.'),
    host: attr('lc', 'Host the value was read on.', 'host.name'),
    name: attr('lc', 'Metric name as the user declared it (letters, digits, _ . / -).'),
    seq: attr('u32', 'Order of the point within its run and name.'),
    value: gauge('1', 'The value the application reported, in its own unit (higher is better for a throughput).'),
    source: attr('lc', 'output | file: where it was read (`runlens metric` writes to the file).'),
  },
});
