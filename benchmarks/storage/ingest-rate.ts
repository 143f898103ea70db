import { sleep } from '@runlens/schemas';
// Question 2: the store / TSDB ingest step on identical data. Prebuilt payloads go in window
// by window (one request or insert per table per window), back to back, into a fresh database
// or a fresh victoria-metrics. CPU: this process over the calls (chDB runs here; for the
// servers it is the HTTP client, plus for 18.16 the Arrow → RowBinary conversion) and the
// server's /proc utime+stime, both including a fixed tail after the last call so background
// merges of the new parts are counted alike.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cpuSeconds } from '../ingest/proc.ts';
import type { Payloads } from './payloads.ts';
import { countRows, insertBatches } from './runlens-store.ts';
import { SAMPLE_TABLES } from './series.ts';
import type { StoreName } from './storage.ts';
import type { StoreOpener } from './stores.ts';
import { VictoriaMetrics } from './victoria-metrics.ts';

export interface IngestRun {
  readonly store: Exclude<StoreName, 'prometheus'>;
  readonly rows: number;
  readonly samples: number;
  readonly requests: number;
  /** Wall time of the insert / import calls (not the tail). */
  readonly wall_s: number;
  /** This process's CPU over calls + tail. */
  readonly client_cpu_s: number;
  /** The server's CPU over calls + tail; null for chDB (in process, counted as client). */
  readonly server_cpu_s: number | null;
}

const cpuNow = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

async function timed(serverPid: number | null, tailMs: number, calls: () => Promise<void>): Promise<{ wall_s: number; client_cpu_s: number; server_cpu_s: number | null }> {
  const c0 = cpuNow();
  const s0 = serverPid === null ? 0 : cpuSeconds(serverPid);
  const t0 = performance.now();
  await calls();
  const wall_s = (performance.now() - t0) / 1000;
  await sleep(tailMs);
  return { wall_s, client_cpu_s: cpuNow() - c0, server_cpu_s: serverPid === null ? null : cpuSeconds(serverPid) - s0 };
}

const total = (p: Payloads, k: 'rows' | 'samples'): number => SAMPLE_TABLES.reduce((n, t) => n + p[k][t], 0);

export async function ingestRunlens(kind: 'chdb' | 'clickhouse', open: StoreOpener, p: Payloads, repeat: number, tailMs: number): Promise<IngestRun> {
  const opened = await open(kind, `ingest_r${repeat}`);
  try {
    const t = await timed(opened.serverPid, tailMs, () => insertBatches(opened.store, p.arrow));
    for (const table of SAMPLE_TABLES) {
      const stored = await countRows(opened.store, table);
      if (stored !== p.rows[table]) throw new Error(`${kind}: ${stored} rows in ${table} after ingest, ${p.rows[table]} inserted`);
    }
    return { store: kind, rows: total(p, 'rows'), samples: total(p, 'samples'), requests: p.arrow.length, ...t };
  } finally {
    await opened.drop();
  }
}

export async function ingestVictoria(p: Payloads, temp: string, repeat: number, tailMs: number): Promise<IngestRun> {
  const dir = join(temp, `vm-ingest-r${repeat}`);
  const vm = await VictoriaMetrics.start(dir);
  try {
    const t = await timed(vm.pid, tailMs, async () => { for (const b of p.vm) await vm.import(b.body); });
    await vm.settle();
    const stored = (await vm.size()).stored_samples;
    if (stored !== total(p, 'samples')) throw new Error(`victoria-metrics: ${stored} samples stored after ingest, ${total(p, 'samples')} imported`);
    return { store: 'victoria-metrics', rows: total(p, 'rows'), samples: total(p, 'samples'), requests: p.vm.length, ...t };
  } finally {
    await vm.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
