import type { CeilingRun, FormatRun } from './formats.ts';
import type { IngestRun } from './kafka-ingest.ts';
import { median } from './proc.ts';

export interface Repeat {
  readonly ingest: IngestRun[];
  readonly ceiling: CeilingRun[];
  readonly formats: FormatRun[];
}

const k = (n: number): string => (Number.isFinite(n) ? `${(n / 1000).toFixed(n >= 100_000 ? 0 : 1)} k` : 'n/a');
const x = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a');
const s = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const med = <T>(xs: readonly T[], f: (t: T) => number): number => median(xs.map(f));

/**
 * The CPU issue 14's ratio counts: 18.16 the server's with ingest's (the engine is another
 * process); chDB's engine runs inside ingest, so its CPU is in ingest's already.
 */
const engineCpu = (ingest: number, server: number | null): number => ingest + (server ?? 0);

/** Medians over repeats of every derived number, and the markdown tables printed at the end. */
export function summarize(repeats: readonly Repeat[], rows: number): { summary: Record<string, unknown>; markdown: string } {
  const ceil = (store: string) => {
    const runs = repeats.flatMap((r) => r.ceiling).filter((c) => c.store === store);
    return { rows_per_s: med(runs, (c) => c.rows / c.wall_s), rows_per_cpu_s: med(runs, (c) => c.rows / c.cpu_s), wall_s: med(runs, (c) => c.wall_s) };
  };
  const ingest = (['clickhouse', 'chdb'] as const).map((store) => {
    const runs = repeats.flatMap((r) => r.ingest).filter((i) => i.store === store);
    const c = ceil(store);
    const rowsPerS = med(runs, (i) => rows / i.wall_s);
    return {
      store, runs: runs.length, wall_s: med(runs, (i) => i.wall_s), first_commit_s: med(runs, (i) => i.first_commit_s),
      rows_per_s: rowsPerS, ingest_cpu_s: med(runs, (i) => i.ingest_cpu_s), server_cpu_s: med(runs, (i) => i.server_cpu_s ?? Number.NaN),
      rows_per_ingest_cpu_s: med(runs, (i) => rows / i.ingest_cpu_s),
      rows_per_total_cpu_s: med(runs, (i) => rows / (i.ingest_cpu_s + (i.server_cpu_s ?? 0))),
      ceiling: c, vs_ceiling: rowsPerS / c.rows_per_s,
      // Per CPU-second, issue 14's measure (engineCpu).
      vs_ceiling_cpu: med(runs, (i) => rows / engineCpu(i.ingest_cpu_s, i.server_cpu_s)) / c.rows_per_cpu_s,
      // The same until the engines went idle: the merges the inserts set off counted too (IngestRun.settled).
      settled_ingest_cpu_s: med(runs, (i) => i.settled?.ingest_cpu_s ?? Number.NaN),
      vs_ceiling_cpu_settled: med(runs, (i) => (i.settled ? rows / engineCpu(i.settled.ingest_cpu_s, i.settled.server_cpu_s) : Number.NaN)) / c.rows_per_cpu_s,
      // And to one part per partition, the ceiling's end state (one-part.ts): every merge the inserts call for, paid now.
      one_part_cpu_s: med(runs, (i) => i.one_part?.cpu_s ?? Number.NaN),
      rss_peak_mib: med(runs, (i) => i.rss_peak_mib ?? Number.NaN),
      vs_ceiling_cpu_one_part: med(runs, (i) => (i.settled && i.one_part ? rows / (engineCpu(i.settled.ingest_cpu_s, i.settled.server_cpu_s) + i.one_part.cpu_s) : Number.NaN)) / c.rows_per_cpu_s,
    };
  });
  const groups = new Map<string, FormatRun[]>();
  for (const f of repeats.flatMap((r) => r.formats)) {
    const key = `${f.store}|${f.variant}|${f.batch_rows}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const formats = [...groups.values()].map((runs) => {
    const f = runs[0] as FormatRun;
    return {
      store: f.store, variant: f.variant, batch_rows: f.batch_rows, rows: f.rows,
      rows_per_s: med(runs, (r) => r.rows / r.insert_s),
      rows_per_cpu_s: med(runs, (r) => r.rows / (r.client_cpu_s + (r.server_cpu_s ?? 0))),
      server_rows_per_cpu_s: med(runs, (r) => (r.server_cpu_s === null ? Number.NaN : r.rows / r.server_cpu_s)),
      build_us_per_row: med(runs, (r) => (r.build_s / r.rows) * 1e6),
    };
  });
  const reference = (store: string, batch: number) => formats.find((f) => f.store === store && f.batch_rows === batch && f.variant.startsWith(store === 'chdb' ? 'ArrowStream' : 'JSONEachRow'));
  const lines = [
    `### Kafka → store (${rows.toLocaleString('en')} process_samples rows, medians of ${repeats.length})`, '',
    '| store | wall s | rows/s (wall) | ingest CPU s | rows / ingest CPU-s | server CPU s | rows / (ingest+server) CPU-s | ceiling rows/s | ceiling rows / CPU-s | ingest ÷ ceiling (rows/s) | ingest ÷ ceiling (rows / CPU-s) | ingest CPU s until idle | ingest ÷ ceiling (rows / CPU-s until idle) | CPU s to one part | ingest ÷ ceiling (rows / CPU-s to one part) | ingest peak RSS MiB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...ingest.map((i) => `| ${i.store} | ${s(i.wall_s)} | ${k(i.rows_per_s)} | ${s(i.ingest_cpu_s)} | ${k(i.rows_per_ingest_cpu_s)} | ${s(i.server_cpu_s)} | ${k(i.rows_per_total_cpu_s)} | ${k(i.ceiling.rows_per_s)} | ${k(i.ceiling.rows_per_cpu_s)} | ${x(i.vs_ceiling)} | ${x(i.vs_ceiling_cpu)} | ${s(i.settled_ingest_cpu_s)} | ${x(i.vs_ceiling_cpu_settled)} | ${s(i.one_part_cpu_s)} | ${x(i.vs_ceiling_cpu_one_part)} | ${i.rss_peak_mib.toFixed(0)} |`),
    '', `### Insert formats, direct (no Kafka), medians of ${repeats.length}`, '',
    '| store | format / path | batch rows | rows/s (insert wall) | rows / CPU-s (client+server) | server rows / CPU-s | JS build µs/row | rows/s vs reference | rows/CPU-s vs reference |',
    '|---|---|---|---|---|---|---|---|---|',
    ...formats.map((f) => {
      const ref = reference(f.store, f.batch_rows);
      return `| ${f.store} | ${f.variant} | ${f.batch_rows} | ${k(f.rows_per_s)} | ${k(f.rows_per_cpu_s)} | ${k(f.server_rows_per_cpu_s)} | ${s(f.build_us_per_row)} | ${x(f.rows_per_s / (ref?.rows_per_s ?? Number.NaN))} | ${x(f.rows_per_cpu_s / (ref?.rows_per_cpu_s ?? Number.NaN))} |`;
    }),
    '', 'Reference: chDB → ArrowStream at the same batch size; server → JSONEachRow (HTTP body) at the same batch size.',
  ];
  return { summary: { ingest, formats }, markdown: lines.join('\n') };
}
