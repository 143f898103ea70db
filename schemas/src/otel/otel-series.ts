import { type ColumnDef, type Row, type TableName, tableDef } from '../catalog/index.ts';

/** The sample tables exported over OTLP: the node, per-process (hence per-run) and accelerator series. */
export const OTEL_SERIES_TABLES = ['node_samples', 'process_samples', 'gpu_samples', 'ib_samples'] as const satisfies readonly TableName[];
export type OtelSeriesTable = (typeof OTEL_SERIES_TABLES)[number];

export type OtelAttributes = Record<string, string | number>;

export interface OtelPoint {
  /** A gauge's points have startMs = endMs; a delta sum covers [startMs, endMs]. */
  readonly startMs: number;
  readonly endMs: number;
  readonly value: number;
  readonly attributes: OtelAttributes;
}

export interface OtelMetric {
  readonly name: string;
  /** UCUM, as the semantic conventions spell it. */
  readonly unit: string;
  readonly description: string;
  readonly kind: 'gauge' | 'delta_sum';
  readonly points: OtelPoint[];
}

/** One host's metrics: a host is an OTel resource (`host.name`). */
export interface OtelHostSeries {
  readonly host: string;
  readonly metrics: OtelMetric[];
}

/** Count units whose semantic conventions name what is counted. */
const ANNOTATED: Readonly<Record<string, string>> = {
  'process.context_switches': '{context_switch}', 'system.context_switches': '{context_switch}',
  'process.paging.faults': '{fault}', 'system.cpu.load_average.1m': '{thread}',
};
/** A gauge's unit, and a rate's once multiplied by its interval (cores × s = s of CPU). */
const GAUGE_UNIT: Partial<Record<ColumnDef['unit'], string>> = { bytes: 'By', ratio: '1', W: 'W', Cel: 'Cel', MHz: 'MHz', s: 's', count: '1', '1': '1' };
const RATE_UNIT: Partial<Record<ColumnDef['unit'], string>> = { cores: 's', 'bytes/s': 'By', '1/s': '1', 'ops/s': '1' };

interface MetricColumn {
  readonly column: string;
  readonly name: string;
  readonly fixed: OtelAttributes;
  readonly unit: string;
  readonly description: string;
  readonly kind: OtelMetric['kind'];
}

/** `process.cpu.time{cpu.mode=user}` → the name and the attributes that tell its columns apart. */
export function parseOtelSpec(spec: string): { name: string; fixed: OtelAttributes } {
  const m = /^([a-z0-9_.]+)(?:\{([^}]*)\})?$/.exec(spec);
  if (!m?.[1]) throw new Error(`bad otel spec ${spec}`);
  const fixed: OtelAttributes = {};
  for (const kv of (m[2] ?? '').split(',').filter(Boolean)) {
    const [k, v] = kv.split('=');
    if (!k || v === undefined) throw new Error(`bad otel attribute ${kv} in ${spec}`);
    fixed[k] = v;
  }
  return { name: m[1], fixed };
}

/** The catalog columns of a table that become OTel metrics, with their names, units and kinds. */
export function otelMetricColumns(table: OtelSeriesTable): MetricColumn[] {
  const out: MetricColumn[] = [];
  for (const [column, def] of Object.entries(tableDef(table).columns)) {
    if (!def.otel || def.kind === 'attribute' || def.kind === 'timestamp') continue;
    const { name, fixed } = parseOtelSpec(def.otel);
    const kind = def.kind === 'rate' ? 'delta_sum' : 'gauge';
    const unit = ANNOTATED[name] ?? (kind === 'delta_sum' ? RATE_UNIT : GAUGE_UNIT)[def.unit];
    if (unit === undefined) throw new Error(`${table}.${column}: no UCUM unit for ${def.unit}`);
    out.push({ column, name, fixed, unit, description: def.description, kind });
  }
  return out;
}

/** Attribute columns with a semconv (or runlens.*) name, less host.name, which is the resource. */
function attributeColumns(table: OtelSeriesTable): [string, string][] {
  return Object.entries(tableDef(table).columns)
    .filter(([, d]) => d.kind === 'attribute' && d.otel !== undefined && d.otel !== 'host.name')
    .map(([c, d]) => [c, d.otel as string]);
}

/**
 * Rows of one sample table as OTel metrics, grouped by host. A rate (cores, bytes/s) becomes a
 * delta sum over the row's interval (the semconv counters: process.cpu.time in s, *.io in By);
 * a gauge keeps its value. A null value is a missing point, never 0.
 */
export function otelSeries<N extends OtelSeriesTable>(table: N, rows: readonly Row<N>[]): OtelHostSeries[] {
  const metrics = otelMetricColumns(table);
  const attrs = attributeColumns(table);
  const hosts = new Map<string, Map<string, OtelMetric>>();
  for (const row of rows as readonly Record<string, unknown>[]) {
    const host = String(row.host);
    const byName = hosts.get(host) ?? new Map<string, OtelMetric>();
    hosts.set(host, byName);
    const ts = Number(row.ts);
    const interval = typeof row.interval_s === 'number' ? row.interval_s : 0;
    const common: OtelAttributes = {};
    for (const [c, key] of attrs) {
      const v = row[c];
      if ((typeof v === 'string' && v !== '') || typeof v === 'number') common[key] = v;
    }
    for (const m of metrics) {
      const v = row[m.column];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      if (m.kind === 'delta_sum' && !(interval > 0)) continue;
      const metric = byName.get(m.name) ?? { name: m.name, unit: m.unit, description: m.description, kind: m.kind, points: [] };
      byName.set(m.name, metric);
      const point = m.kind === 'gauge' ? { startMs: ts, endMs: ts, value: v } : { startMs: ts - Math.round(interval * 1000), endMs: ts, value: v * interval };
      metric.points.push({ ...point, attributes: { ...common, ...m.fixed } });
    }
  }
  return [...hosts].map(([host, byName]) => ({ host, metrics: [...byName.values()] }));
}
