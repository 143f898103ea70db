/** Chart input shapes shared by the option builders: plain data, no echarts types. */
export interface Point { readonly ts: number; readonly value: number | null }
export interface HostSeries { readonly host: string; readonly points: readonly Point[] }

/** A finding reduced to what a chart marks: when, where, how bad. */
export interface MarkedFinding {
  readonly kind: string;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly host: string;
  readonly start_ts: number;
  readonly end_ts: number;
}

/** A node event reduced to what a chart marks: a vertical line at its time on its host. */
export interface MarkedEvent {
  readonly kind: string;
  readonly severity: string;
  readonly host: string;
  readonly ts: number;
}

export interface BucketRow { readonly host: string; readonly bucket: number | string; readonly v: number | string | null }

/** Query rows (host, bucket, value) into one series per host, in time order. */
export function rowsToSeries(rows: readonly BucketRow[]): HostSeries[] {
  const byHost = new Map<string, Point[]>();
  for (const r of rows) {
    const pts = byHost.get(r.host) ?? [];
    pts.push({ ts: Number(r.bucket), value: r.v === null ? null : Number(r.v) });
    byHost.set(r.host, pts);
  }
  return [...byHost.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([host, points]) => ({ host, points: points.sort((a, b) => a.ts - b.ts) }));
}

/**
 * Points as echarts data with an explicit gap ('-') wherever samples are missing for longer
 * than `maxGapMs`: a line must break there, never bridge the hole or drop to 0.
 */
export function withGaps(points: readonly Point[], maxGapMs: number): [number, number | '-'][] {
  const out: [number, number | '-'][] = [];
  let prev: number | null = null;
  for (const p of points) {
    if (prev !== null && p.ts - prev > maxGapMs) out.push([prev + Math.round((p.ts - prev) / 2), '-']);
    out.push([p.ts, p.value === null || !Number.isFinite(p.value) ? '-' : p.value]);
    prev = p.ts;
  }
  return out;
}

/** Bucket width that keeps a series at or under `maxPoints` points, never finer than the sampling interval. */
export function bucketMs(rangeMs: number, maxPoints = 600, intervalMs = 1000): number {
  const raw = Math.ceil(Math.max(1, rangeMs) / maxPoints);
  return Math.max(intervalMs, Math.ceil(raw / intervalMs) * intervalMs);
}
