// How a RunLens row becomes TSDB samples: every numeric measurement column of a row is one
// sample of one series; identity and descriptive attributes become labels. The same mapping
// feeds victoria-metrics and Prometheus, and its count is the "values" every store is divided by.
import { catalog } from '@runlens/schemas';

export type SampleTable = 'process_samples' | 'node_samples';
export const SAMPLE_TABLES: readonly SampleTable[] = ['process_samples', 'node_samples'];

const NUMERIC = new Set(['i32', 'u32', 'u8', 'f64']);

/**
 * Labels keep identity as RunLens does (host + pid + start_ticks: pids are reused) and carry
 * the attributes RunLens stores per row, so a TSDB query can group by them as SQL can.
 */
export const LABELS: Readonly<Record<SampleTable, readonly string[]>> = {
  process_samples: ['host', 'pid', 'start_ticks', 'ppid', 'comm', 'run_id', 'rank', 'local_rank'],
  node_samples: ['host'],
};

/** Metric name prefix per table: `process_rss_bytes`, `node_load1`. */
const PREFIX: Readonly<Record<SampleTable, string>> = { process_samples: 'process_', node_samples: 'node_' };

function valueColumns(table: SampleTable): string[] {
  const labels = LABELS[table];
  return Object.entries(catalog[table].columns)
    .filter(([name, c]) => NUMERIC.has(c.type) && !labels.includes(name))
    .map(([name]) => name);
}

/** Numeric measurement columns: each non-null cell is one sample. */
export const VALUES: Readonly<Record<SampleTable, readonly string[]>> = {
  process_samples: valueColumns('process_samples'),
  node_samples: valueColumns('node_samples'),
};

/** Row columns no TSDB sample carries (RunLens stores them; the TSDBs get none of them). */
export const NOT_IN_TSDB: Readonly<Record<SampleTable, readonly string[]>> = {
  process_samples: Object.keys(catalog.process_samples.columns).filter((c) => c !== 'ts' && !LABELS.process_samples.includes(c) && !VALUES.process_samples.includes(c)),
  node_samples: Object.keys(catalog.node_samples.columns).filter((c) => c !== 'ts' && !LABELS.node_samples.includes(c) && !VALUES.node_samples.includes(c)),
};

export const metricName = (table: SampleTable, column: string): string => `${PREFIX[table]}${column}`;

/** Samples in these rows: every finite non-null measurement cell (what every store is divided by). */
export function countSamples(table: SampleTable, rows: readonly Readonly<Record<string, unknown>>[]): number {
  let n = 0;
  for (const row of rows) {
    for (const col of VALUES[table]) {
      const v = row[col];
      if (typeof v === 'number' && Number.isFinite(v)) n++;
    }
  }
  return n;
}
