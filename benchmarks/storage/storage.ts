// Question 1: bytes on disk per row and per sample, each store filled with the same payloads
// and settled (ClickHouse: OPTIMIZE … FINAL; victoria-metrics: force flush + force merge;
// Prometheus: backfilled blocks). The TSDBs get one instance / block set per table, so the
// bytes split by table as ClickHouse's system.parts does.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Payloads } from './payloads.ts';
import { backfill } from './prometheus.ts';
import { type LayoutSize, chdbLayouts } from './chdb-layouts.ts';
import { type OpenedStore, progress } from './stores.ts';
import { countRows, insertBatches, settleAndSize } from './runlens-store.ts';
import { SAMPLE_TABLES, type SampleTable } from './series.ts';
import { VictoriaMetrics } from './victoria-metrics.ts';
import { checkPrecision } from './vm-precision.ts';

export type StoreName = 'chdb' | 'clickhouse' | 'victoria-metrics' | 'prometheus';

export interface StoreBytes {
  readonly store: StoreName;
  readonly table: SampleTable;
  readonly rows: number;
  readonly samples: number;
  /** Settled bytes on disk (see README for what each store counts). */
  readonly bytes: number;
  /** Store-specific split (index vs data, compressed vs uncompressed, parts, …). */
  readonly detail: Record<string, unknown>;
}

export async function runlensBytes(opened: OpenedStore, p: Payloads): Promise<StoreBytes[]> {
  const { store, http } = opened;
  await insertBatches(store, p.arrow);
  const sizes = await settleAndSize(store, http);
  const out: StoreBytes[] = [];
  for (const s of sizes) {
    const stored = await countRows(store, s.table);
    if (stored !== p.rows[s.table]) throw new Error(`${store.kind}: ${stored} rows in ${s.table}, ${p.rows[s.table]} inserted`);
    const { table, bytes_on_disk, ...detail } = s;
    out.push({ store: store.kind, table, rows: p.rows[table], samples: p.samples[table], bytes: bytes_on_disk, detail });
  }
  return out;
}

export async function victoriaBytes(p: Payloads, temp: string): Promise<StoreBytes[]> {
  const out: StoreBytes[] = [];
  for (const table of SAMPLE_TABLES) {
    const dir = join(temp, `vm-storage-${table}`);
    const vm = await VictoriaMetrics.start(dir);
    try {
      for (const b of p.vm) if (b.table === table) await vm.import(b.body);
      await vm.settle();
      const size = await vm.size();
      const precision = await checkPrecision(vm, p.vm.find((b) => b.table === table)?.body ?? '');
      if (size.stored_samples !== p.samples[table]) throw new Error(`victoria-metrics: ${size.stored_samples} samples stored for ${table}, ${p.samples[table]} imported`);
      out.push({ store: 'victoria-metrics', table, rows: p.rows[table], samples: p.samples[table], bytes: size.data_bytes + size.index_bytes, detail: { ...size, precision } });
    } finally {
      await vm.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

export function prometheusBytes(p: Payloads, temp: string): StoreBytes[] {
  return SAMPLE_TABLES.map((table) => {
    const dir = join(temp, `prom-blocks-${table}`);
    try {
      const blocks = backfill(p.openmetrics[table], dir);
      if (blocks.samples !== p.samples[table]) throw new Error(`prometheus: ${blocks.samples} samples in blocks for ${table}, ${p.samples[table]} written`);
      return { store: 'prometheus' as const, table, rows: p.rows[table], samples: p.samples[table], bytes: blocks.bytes, detail: { ...blocks } };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** All four stores on one data set; each RunLens store gets a fresh database. chDB also tries other layouts. */
export async function measureStorage(p: Payloads, temp: string, open: (kind: 'chdb' | 'clickhouse', database: string) => Promise<OpenedStore>, tag: string): Promise<{ bytes: StoreBytes[]; layouts: LayoutSize[] }> {
  const out: StoreBytes[] = [];
  let layouts: LayoutSize[] = [];
  for (const kind of ['chdb', 'clickhouse'] as const) {
    progress(`${tag}: RunLens on ${kind}`);
    const opened = await open(kind, `storage_${tag}`);
    try {
      out.push(...await runlensBytes(opened, p));
      if (kind === 'chdb') layouts = await chdbLayouts(opened.store);
    } finally {
      await opened.drop();
    }
  }
  progress(`${tag}: victoria-metrics`);
  out.push(...await victoriaBytes(p, temp));
  progress(`${tag}: prometheus (promtool backfill)`);
  out.push(...prometheusBytes(p, temp));
  return { bytes: out, layouts };
}
