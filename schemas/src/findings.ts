import { z } from 'zod';
import { zodColumns } from './catalog/zod-columns.ts';

/** The findings vocabulary: stable ids shared by the report, the store, the API and the tests. */
export const FINDING_KINDS = [
  'cpu_bound', 'memory_bandwidth_bound', 'io_bound', 'io_metadata_bound', 'network_bound',
  'gpu_bound', 'gpu_underutilized', 'gpu_idle', 'low_cpu_utilization', 'oversubscription',
  'load_imbalance', 'idle', 'memory_leak', 'memory_pressure', 'cpu_interference', 'slow_node',
  'hardware_fault', 'regression', 'metric_outlier', 'oom_killed', 'process_crashed', 'filesystem_stall',
] as const;

export type FindingKind = (typeof FINDING_KINDS)[number];
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export const SCOPES = ['run', 'host', 'rank', 'pid', 'gpu', 'port'] as const;

/**
 * A finding as the report and the API carry it: the catalog's findings row (one declaration),
 * refined with the vocabulary, and with its evidence parsed (stored as a JSON string).
 */
const { updated_ts: _version, ...stored } = zodColumns('findings');
export const findingSchema = z.object({
  ...stored,
  run_id: z.string().min(1),
  finding_id: z.string().min(1),
  kind: z.enum(FINDING_KINDS),
  severity: z.enum(SEVERITIES),
  scope: z.enum(SCOPES),
  confidence: z.number().min(0).max(1),
  message: z.string().min(1),
  evidence: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  /** 1: learned after the run's verdict was frozen at its end, shown apart; absent or 0: part of the verdict. */
  after_end: z.number().int().min(0).max(1).optional(),
});

export type Finding = z.infer<typeof findingSchema>;

/**
 * A findings row as the wire carries it (its evidence as JSON text) as a Finding, its version
 * (`updated_ts`) left out; null where it is not one. Rows come from other processes: they are
 * checked against the schema before they are trusted.
 */
export function findingOfRow(row: Readonly<Record<string, unknown>>): Finding | null {
  if (typeof row.evidence !== 'string') return null;
  let evidence: unknown;
  try {
    evidence = JSON.parse(row.evidence);
  } catch {
    return null;
  }
  const { updated_ts: _version, ...rest } = row;
  const parsed = findingSchema.safeParse({ ...rest, evidence });
  return parsed.success ? parsed.data : null;
}

export function isFindingKind(s: string): s is FindingKind {
  return (FINDING_KINDS as readonly string[]).includes(s);
}
