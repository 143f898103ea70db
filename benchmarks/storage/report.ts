// Markdown tables from the raw runs: medians over repeats, ratios to RunLens on chDB.
import { median } from '../ingest/proc.ts';
import type { IngestRun } from './ingest-rate.ts';
import type { Payloads } from './payloads.ts';
import { SAMPLE_TABLES } from './series.ts';
import type { StoreBytes, StoreName } from './storage.ts';

const LABEL: Record<StoreName, string> = {
  chdb: 'RunLens · chDB 26.7 (codecs)',
  clickhouse: 'RunLens · ClickHouse 18.16 (no codecs)',
  'victoria-metrics': 'victoria-metrics 1.79',
  prometheus: 'Prometheus 2.42 (promtool blocks)',
};

function fmt(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return 'n/a';
  const a = Math.abs(n);
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(0)} k`;
  if (a >= 100 || Number.isInteger(n)) return n.toFixed(0);
  return n.toFixed(digits);
}

const ratio = (x: number, ref: number): string => (Number.isFinite(x / ref) ? `${(x / ref).toFixed(2)}×` : 'n/a');
const mib = (b: number): string => `${(b / 1048576).toFixed(2)} MiB`;

/** Rows per store and table, plus both tables together; ratios of bytes/sample to chDB's. */
export function storageTable(results: readonly StoreBytes[]): string {
  const lines = [
    '| store | table | rows | samples | bytes on disk | bytes / row | bytes / sample | bytes / sample vs chDB |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  const ref = (table: string): number => {
    const rs = results.filter((r) => r.store === 'chdb' && (table === 'both' || r.table === table));
    return rs.reduce((n, r) => n + r.bytes, 0) / rs.reduce((n, r) => n + r.samples, 0);
  };
  for (const table of [...SAMPLE_TABLES, 'both'] as const) {
    for (const store of Object.keys(LABEL) as StoreName[]) {
      const rs = results.filter((r) => r.store === store && (table === 'both' || r.table === table));
      if (rs.length === 0) continue;
      const rows = rs.reduce((n, r) => n + r.rows, 0);
      const samples = rs.reduce((n, r) => n + r.samples, 0);
      const bytes = rs.reduce((n, r) => n + r.bytes, 0);
      lines.push(`| ${LABEL[store]} | ${table} | ${fmt(rows)} | ${fmt(samples)} | ${mib(bytes)} | ${(bytes / rows).toFixed(2)} | ${(bytes / samples).toFixed(3)} | ${ratio(bytes / samples, ref(table))} |`);
    }
  }
  return lines.join('\n');
}

/** Medians per store over the repeats. */
export function ingestTable(runs: readonly IngestRun[], p: Pick<Payloads, 'build_cpu_s' | 'samples'>): string {
  const stores = ['chdb', 'clickhouse', 'victoria-metrics'] as const;
  const per = (s: IngestRun['store'], f: (r: IngestRun) => number): number => median(runs.filter((r) => r.store === s).map(f));
  const cpu = (r: IngestRun): number => r.client_cpu_s + (r.server_cpu_s ?? 0);
  const refAll = per('chdb', (r) => r.samples / cpu(r));
  const refServer = per('chdb', (r) => r.samples / cpu(r));
  const samples = SAMPLE_TABLES.reduce((n, t) => n + p.samples[t], 0);
  const build = { chdb: p.build_cpu_s.arrow, clickhouse: p.build_cpu_s.arrow, 'victoria-metrics': p.build_cpu_s.vm };
  const lines = [
    '| store | requests | samples/s (wall) | samples / server CPU-s | samples / (client + server) CPU-s | rows / (client + server) CPU-s | payload build µs CPU / sample | samples / (build + client + server) CPU-s | server ÷ chDB | client+server ÷ chDB | build+client+server ÷ chDB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of stores) {
    const n = runs.filter((r) => r.store === s).length;
    if (n === 0) continue;
    const server = s === 'chdb' ? per(s, (r) => r.samples / cpu(r)) : per(s, (r) => r.samples / (r.server_cpu_s ?? Number.NaN));
    const all = per(s, (r) => r.samples / cpu(r));
    const e2e = (x: typeof s): number => 1 / (build[x] / samples + 1 / per(x, (r) => r.samples / cpu(r)));
    const cells = [
      LABEL[s], per(s, (r) => r.requests), fmt(per(s, (r) => r.samples / r.wall_s)), `${fmt(server)}${s === 'chdb' ? ' (in process)' : ''}`,
      fmt(all), fmt(per(s, (r) => r.rows / cpu(r))), (build[s] / samples * 1e6).toFixed(2), fmt(e2e(s)),
      ratio(server, refServer), ratio(all, refAll), ratio(e2e(s), e2e('chdb')),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** promtool's own cost, for scale only: a one-off text parse + block write, not live ingest. */
export function promtoolLine(results: readonly StoreBytes[]): string {
  const rs = results.filter((r) => r.store === 'prometheus');
  const samples = rs.reduce((n, r) => n + r.samples, 0);
  const cpu = rs.reduce((n, r) => n + Number((r.detail as { backfill_cpu_s?: number }).backfill_cpu_s ?? Number.NaN), 0);
  return `promtool backfill (OpenMetrics text → blocks): ${fmt(samples / cpu)} samples per CPU-s (${cpu.toFixed(1)} CPU-s for ${fmt(samples)} samples); a one-off batch job, not comparable with live ingest.`;
}
