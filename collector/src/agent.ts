import { ComponentCounters, type Logger, type Row, type TableName, isTableName } from '@runlens/schemas';
import { Attributor } from './attribution/attributor.ts';
import { monoSeconds } from './lib/host-facts.ts';
import type { BatchPublisher } from './publisher.ts';
import type { ActiveSampler } from './registry.ts';
import type { HostContext, RowsByTable, RunTarget, Tick } from './sampler.ts';

export interface AgentOptions {
  readonly host: HostContext;
  readonly samplers: readonly ActiveSampler[];
  readonly publisher: BatchPublisher;
  readonly cluster: string;
  readonly intervalMs: number;
  readonly log: Logger;
}

/**
 * The node agent: every tick, run each sampler, batch rows per table (one Arrow batch per
 * table per tick) and publish them keyed by host with agent id and sequence number.
 */
export class Agent {
  private readonly runs = new Map<string, RunTarget>();
  private readonly attributor: Attributor;
  private readonly announced = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> = Promise.resolve();
  /** Rows sampled (received) and published (sent); failures by sampler. */
  readonly counters = new ComponentCounters('agent');
  ticks = 0;

  constructor(private readonly opts: AgentOptions) {
    this.attributor = new Attributor(opts.host.procRoot, opts.cluster, opts.host.procRoot === '/proc' ? process.pid : null);
  }

  addRun(run: RunTarget): void {
    this.runs.set(run.run_id, run);
  }

  removeRun(runId: string): void {
    this.runs.delete(runId);
  }

  start(): void {
    const loop = (): void => {
      this.timer = setTimeout(loop, this.opts.intervalMs);
      void this.tick();
    };
    loop();
  }

  /** Samples now. Ticks never overlap: a tick asked for during one runs after it. */
  tick(): Promise<void> {
    this.ticking = this.ticking.then(() => this.tickOnce());
    return this.ticking;
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    for (const s of this.opts.samplers) await s.instance.close();
  }

  private async tickOnce(): Promise<void> {
    const tick: Tick = {
      ts: Date.now(),
      mono_s: monoSeconds(),
      runs: [...this.runs.values()],
      attribute: this.attributor.lookup,
      observeProcesses: (procs) => this.attributor.update(procs, [...this.runs.values()]),
    };
    const merged: RowsByTable = {};
    for (const s of this.opts.samplers) {
      try {
        mergeRows(merged, await s.instance.sample(tick));
      } catch (e) {
        this.countError(s.id, e);
      }
    }
    mergeRows(merged, { runs: this.slurmRuns(tick.ts) });
    await this.publish(merged);
    this.ticks++;
  }

  private async publish(rows: RowsByTable): Promise<void> {
    for (const [table, list] of Object.entries(rows)) {
      if (!isTableName(table) || !list) continue;
      this.counters.received += list.length;
      await this.opts.publisher.publish(table, list as Row<TableName>[]);
      this.counters.sent += list.length;
    }
  }

  /** Slurm jobs found through cgroups or the environment become runs of their own. */
  private slurmRuns(now: number): Row<'runs'>[] {
    const rows: Row<'runs'>[] = [];
    for (const [runId, job] of this.attributor.slurmJobs()) {
      if (this.announced.has(runId)) continue;
      this.announced.add(runId);
      rows.push({
        run_id: runId, app: 'slurm', user: '', cluster: this.opts.cluster, job_id: job.job_id, sluid: job.sluid, step: job.step,
        cmd: '', status: 'running', start_ts: now, end_ts: null, updated_ts: now, exit_code: null, hosts: [this.opts.host.host],
        ranks: 0, alloc_cores: 0, alloc_gpus: 0, tags: [], cpu_user_s: null, cpu_sys_s: null, read_bytes: null,
        write_bytes: null, rchar: null, wchar: null,
      });
    }
    return rows;
  }

  private countError(sampler: string, e: unknown): void {
    this.counters.error(sampler);
    const n = this.counters.errors.get(sampler) ?? 0;
    // First failure and then every 100th: a broken sampler must not flood the log.
    if (n === 1 || n % 100 === 0) this.opts.log.warn('sampler failed', { sampler, failures: n, error: String(e) });
  }
}

function mergeRows(into: RowsByTable, from: RowsByTable): void {
  for (const [table, list] of Object.entries(from) as [TableName, Row<TableName>[] | undefined][]) {
    if (!list || list.length === 0) continue;
    const existing = (into[table] ?? []) as Row<TableName>[];
    existing.push(...list);
    (into as Record<string, unknown>)[table] = existing;
  }
}
