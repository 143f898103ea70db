import { z } from 'zod';

/** The findings vocabulary: stable ids shared by the report, the store, the API and the tests. */
export const FINDING_KINDS = [
  'cpu_bound', 'memory_bandwidth_bound', 'io_bound', 'io_metadata_bound', 'network_bound',
  'gpu_bound', 'gpu_underutilized', 'gpu_idle', 'low_cpu_utilization', 'oversubscription',
  'load_imbalance', 'idle', 'memory_leak', 'memory_pressure', 'cpu_interference', 'slow_node',
  'hardware_fault', 'regression', 'metric_outlier',
] as const;

export type FindingKind = (typeof FINDING_KINDS)[number];
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export const SCOPES = ['run', 'host', 'rank', 'pid', 'gpu', 'port'] as const;

export const findingSchema = z.object({
  finding_id: z.string().min(1),
  run_id: z.string().min(1),
  kind: z.enum(FINDING_KINDS),
  severity: z.enum(SEVERITIES),
  scope: z.enum(SCOPES),
  scope_id: z.string(),
  host: z.string(),
  start_ts: z.number(),
  end_ts: z.number(),
  confidence: z.number().min(0).max(1),
  message: z.string().min(1),
  advice: z.string(),
  evidence: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  phase: z.number().int().nullable(),
});

export type Finding = z.infer<typeof findingSchema>;

export function isFindingKind(s: string): s is FindingKind {
  return (FINDING_KINDS as readonly string[]).includes(s);
}
