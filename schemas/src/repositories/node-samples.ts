import type { Store } from '../store/store.ts';
import type { HostBucket } from './run-series.ts';

/** Node metrics the cluster heatmap can show (constant SQL expressions over node_samples). */
export const NODE_METRICS = {
  cpu_busy: { label: 'CPU busy (cores)', expr: 'cpu_user_cores + cpu_system_cores + cpu_irq_cores' },
  cpu_iowait: { label: 'CPU iowait (cores)', expr: 'cpu_iowait_cores' },
  load1: { label: 'Load (1 min)', expr: 'load1' },
  mem_used: { label: 'Memory used (ratio)', expr: '1 - mem_available_bytes / greatest(mem_total_bytes, 1)' },
  psi_cpu: { label: 'PSI cpu some', expr: 'psi_cpu_some' },
  psi_io: { label: 'PSI io some', expr: 'psi_io_some' },
  psi_memory: { label: 'PSI memory some', expr: 'psi_memory_some' },
} as const;
export type NodeMetric = keyof typeof NODE_METRICS;
export const isNodeMetric = (s: string): s is NodeMetric => Object.hasOwn(NODE_METRICS, s);

/** One node metric of every host, averaged into `bucket` ms buckets over [from_ms, to_ms]. */
export async function nodeMetricBuckets(store: Store, metric: NodeMetric, fromMs: number, toMs: number, bucket: number): Promise<HostBucket[]> {
  const rows = await store.query<{ host: string; bucket: string | number; v: number | string | null }>(
    `SELECT host, intDiv(${store.sql.ms('ts')}, {bucket:Int64}) * {bucket:Int64} AS bucket, avg(${NODE_METRICS[metric].expr}) AS v
     FROM node_samples FINAL WHERE ts >= ${store.sql.fromMs('from')} AND ts <= ${store.sql.fromMs('to')}
     GROUP BY host, bucket ORDER BY host, bucket`, { bucket, from: fromMs, to: toMs });
  return rows.map((r) => ({ host: r.host, bucket: Number(r.bucket), v: r.v === null ? null : Number(r.v) }));
}
