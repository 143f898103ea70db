import { catalogRow } from '@runlens/pipeline/testing/catalog-row';
import { nodeSampleRow } from '@runlens/pipeline/testing/node-sample-row';
import type { Row, Store, TableName } from '@runlens/schemas';
import { commandFingerprint } from '@runlens/analyzer/model/fingerprint';
import { runRow } from '../commands/run.ts';

/** Four hosts: with cityHash64(host) they spread over both shards of a 2×2 cluster. */
export const CLUSTER_HOSTS = ['cl-a', 'cl-b', 'cl-c', 'cl-d', 'cl-e', 'cl-f'] as const;
const APP = 'cl-solver';
const CMD = 'cl-solver --steps 60';
const TICKS = 90;

/**
 * One finished run over six hosts, with what every page of it reads: process rows of two
 * processes per host (unequal load, IO, memory growth), node, IB and GPU rows of its hosts, two
 * findings, and five earlier runs of the same command with their summaries (its baseline). Each
 * table goes in as several batches, and a slice of the process rows twice in a differently cut
 * batch, so raw duplicates must collapse under FINAL on every shard.
 */
export class ClusterRunData {
  readonly base = Date.now() - 2 * 3_600_000;
  readonly runId = `cl-run-${Math.random().toString(36).slice(2, 8)}`;

  get endMs(): number {
    return this.base + TICKS * 1000;
  }

  rows(): { [N in TableName]?: Row<N>[][] } {
    const ticks = Array.from({ length: TICKS }, (_, i) => i);
    const proc = CLUSTER_HOSTS.map((h, hi) => ticks.flatMap((i) => [0, 1].map((p) => this.process(h, hi, p, i))));
    const replay = proc.map((b) => b.slice(20, 45).reverse());
    return {
      runs: [[...this.earlier().map((e) => e.run), this.run()]],
      process_samples: [...proc, ...replay],
      node_samples: CLUSTER_HOSTS.map((h) => ticks.map((i) => nodeSampleRow(h, i, this.base))),
      ib_samples: [CLUSTER_HOSTS.flatMap((h, hi) => ticks.map((i) => catalogRow('ib_samples', {
        ts: this.base + i * 1000, host: h, device: 'mlx5_0', port: 1, state: 'ACTIVE', interval_s: 1, rx_bytes_per_s: 1e6 * (hi + 1) + i, tx_bytes_per_s: 5e5,
      })))],
      gpu_samples: [CLUSTER_HOSTS.slice(0, 2).flatMap((h) => ticks.map((i) => catalogRow('gpu_samples', {
        ts: this.base + i * 1000, host: h, gpu_index: 0, util_ratio: (i % 10) / 10, interval_s: 1,
      })))],
      findings: [[this.finding('load_imbalance', 'cl-b', 5, 80), this.finding('memory_leak', 'cl-a', 10, 89)]],
      run_summaries: [this.earlier().map((e) => e.summary)],
    };
  }

  /** Inserts every batch, in order, the way ingest does (one insert per batch). */
  async insert(store: Store): Promise<void> {
    for (const [table, batches] of Object.entries(this.rows()) as [TableName, Row<TableName>[][]][]) {
      for (const b of batches) await store.insertRows(table, b);
    }
  }

  private run(): Row<'runs'> {
    const r = runRow({ run_id: this.runId, app: APP, user: 'cl-user', cmd: CMD, alloc_cores: 12, start_ts: this.base, job_id: '' }, CLUSTER_HOSTS[0], 'default',
      { exit_code: 0, end_ts: this.endMs, totals: null });
    return { ...r, hosts: [...CLUSTER_HOSTS] };
  }

  private process(host: string, hi: number, p: number, i: number): Row<'process_samples'> {
    return catalogRow('process_samples', {
      ts: this.base + i * 1000, host, run_id: this.runId, rank: hi * 2 + p, pid: 2000 + p, start_ticks: 100 + hi, comm: p ? 'cl-io' : 'cl-solver',
      interval_s: 1, cpu_user_cores: p ? 0.1 : (hi + 1) / 6, cpu_sys_cores: 0.05, threads: 2, state: 'R', rss_bytes: 2 ** 26 * (1 + hi) + i * 2 ** 20,
      read_bytes_per_s: p ? 1e6 + i : 0, write_bytes_per_s: p ? 2e6 : 0, rchar_per_s: 1e6, wchar_per_s: 2e6,
    });
  }

  private finding(kind: string, host: string, from: number, to: number): Row<'findings'> {
    return catalogRow('findings', {
      run_id: this.runId, finding_id: `${kind}-${host}-${from}`, kind, severity: 'warning', scope: 'host', scope_id: host, host,
      start_ts: this.base + from * 1000, end_ts: this.base + to * 1000, updated_ts: this.endMs, confidence: 0.7,
      message: `${kind} on ${host}`, advice: 'look closer', evidence: '{}', phase: null, after_end: 0,
    });
  }

  private earlier(): { run: Row<'runs'>; summary: Row<'run_summaries'> }[] {
    return [1, 2, 3, 4, 5].map((k) => {
      const start = this.base - k * 3_600_000;
      const id = `${this.runId}-prev${k}`;
      const run = { ...runRow({ run_id: id, app: APP, user: 'cl-user', cmd: CMD, alloc_cores: 12, start_ts: start, job_id: '' }, CLUSTER_HOSTS[0], 'default',
        { exit_code: 0, end_ts: start + 60_000 + k * 1000, totals: null }), hosts: [...CLUSTER_HOSTS] };
      const summary = catalogRow('run_summaries', {
        run_id: id, app: APP, fingerprint: commandFingerprint(CMD), scale_cores: 12, hosts: CLUSTER_HOSTS.length, updated_ts: start + 61_000 + k * 1000,
        wall_s: 60 + k, cpu_s: 100 + k, cpu_efficiency: 0.1 + k / 100, cpu_cores_mean: 1.5, storage_bytes_per_s_mean: 1e6, peak_rss_bytes: 2 ** 30,
        read_bytes: 1e8, write_bytes: 2e8, gpu_util_mean: null, phase_profile: [], finding_kinds: ['memory_leak'],
      });
      return { run, summary };
    });
  }
}
