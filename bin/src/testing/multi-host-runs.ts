import { catalogRow } from '@runlens/pipeline/testing/catalog-row';
import { nodeSampleRow } from '@runlens/pipeline/testing/node-sample-row';
import type { Row, TableName } from '@runlens/schemas';
import { runRow } from '../commands/run.ts';

/** Sends rows of one table keyed like an agent would (by host; a run's own row by run id). */
export type Publish = <N extends TableName>(table: N, rows: readonly Row<N>[], key: string) => Promise<void>;

export const HOSTS = ['mh-1', 'mh-2'] as const;
/** Rank 0 on the first host computes on a full core; rank 1 on the second on 0.3: unequal work across hosts. */
export const RANK_CORES = [1, 0.3] as const;

/**
 * Runs that span two hosts, as two agents report them: each host's samples keyed by that host,
 * one rank per host. Only an analyzer that holds both hosts of a run sees its load imbalance,
 * and its summary counts both hosts.
 */
export class MultiHostRuns {
  readonly base = Date.now() - 3 * 60_000;

  constructor(readonly ids: readonly string[], private readonly publish: Publish) {}

  private meta(runId: string, end?: number): Row<'runs'> {
    const m = { run_id: runId, app: 'mh-app', user: 'mh-user', cmd: 'mh-app --steps 10', alloc_cores: 2, start_ts: this.base, job_id: '' };
    return { ...runRow(m, HOSTS[0], 'default', end === undefined ? undefined : { exit_code: 0, end_ts: end, totals: null }), hosts: [...HOSTS] };
  }

  async start(): Promise<void> {
    for (const id of this.ids) await this.publish('runs', [this.meta(id)], id);
  }

  /** Ticks [from, to) of the runs `ids` (all by default) on both hosts, and the hosts' node rows. */
  async ticks(from: number, to: number, ids: readonly string[] = this.ids): Promise<void> {
    for (let i = from; i < to; i++) {
      for (const [h, host] of HOSTS.entries()) {
        const rows = ids.map((id) => ({ id, n: this.ids.indexOf(id) })).map(({ id, n }) => catalogRow('process_samples', {
          ts: this.base + i * 1000, host, run_id: id, rank: h, pid: 1000 + n * 10 + h, start_ticks: 100, comm: 'mh-app',
          interval_s: 1, cpu_user_cores: RANK_CORES[h] ?? 0, threads: 1, state: 'R', rss_bytes: 2 ** 28,
        }));
        await this.publish('process_samples', rows, host);
        await this.publish('node_samples', [nodeSampleRow(host, i, this.base)], host);
      }
    }
  }

  async end(ticks: number, ids: readonly string[] = this.ids): Promise<void> {
    for (const id of ids) await this.publish('runs', [this.meta(id, this.base + ticks * 1000)], id);
  }
}

/** CPU seconds of a whole run of `ticks` ticks: what its summary shows only if every tick of both hosts was analysed. */
export function expectedCpuS(ticks: number): number {
  return ticks * (RANK_CORES[0] + RANK_CORES[1]);
}
