import { ComponentCounters, HOST_RUNS_HEADER, HOST_TICK_TABLES, type Logger, type Row, type TableName, type TableRows, hostRunsHeader, isRowColumns, isTableName, rowsOf } from '@runlens/schemas';
import { Attributor } from './attribution/attributor.ts';
import { type ScontrolQuery, scontrolQuery } from './attribution/scontrol-query.ts';
import type { SlurmHookMessage } from './attribution/slurm-hook.ts';
import { SlurmJobTracker } from './attribution/slurm-job-tracker.ts';
import { monoSeconds } from './lib/host-facts.ts';
import type { BatchPublisher } from './publisher.ts';
import type { ActiveSampler } from './registry.ts';
import type { HostContext, JobCgroupTarget, RowsByTable, RunTarget, Tick } from './sampler.ts';

export interface AgentOptions {
  readonly host: HostContext;
  readonly samplers: readonly ActiveSampler[];
  readonly publisher: BatchPublisher;
  readonly cluster: string;
  readonly intervalMs: number;
  readonly log: Logger;
  /** Default: ask `scontrol` on the PATH (only once a Slurm job shows up), no node filter. */
  readonly slurm?: AgentSlurmOptions;
}

/** How the agent learns about Slurm jobs on its node. */
export interface AgentSlurmOptions {
  /** This node's Slurm NodeName; several nodes on one machine attribute by their cgroup subtree. */
  readonly node: string | null;
  /** null where no scontrol can be asked: runs then close as lost once their processes are gone. */
  readonly scontrol: ScontrolQuery | null;
}

/**
 * The node agent: every tick, run each sampler, batch rows per table (one Arrow batch per
 * table per tick) and publish them keyed by host with agent id and sequence number.
 */
export class Agent {
  private readonly runs = new Map<string, RunTarget>();
  private readonly attributor: Attributor;
  private readonly slurm: SlurmJobTracker;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> = Promise.resolve();
  /** Rows sampled (received) and published (sent); failures by sampler. */
  readonly counters = new ComponentCounters('agent');
  ticks = 0;

  constructor(private readonly opts: AgentOptions) {
    const slurm = opts.slurm ?? { node: null, scontrol: scontrolQuery({ argv: ['scontrol'], timeoutMs: 5000 }) };
    this.attributor = new Attributor(opts.host.procRoot, opts.cluster, opts.host.procRoot === '/proc' ? process.pid : null, slurm.node);
    this.slurm = new SlurmJobTracker({
      cluster: opts.cluster, host: opts.host.host, scontrol: slurm.scontrol,
      refreshMs: 60_000, endPollMs: 1000, patienceMs: 5000, lostAfterMs: 120_000,
    });
  }

  addRun(run: RunTarget): void {
    this.runs.set(run.run_id, run);
  }

  removeRun(runId: string): void {
    this.runs.delete(runId);
  }

  /**
   * Slurm's Prolog/Epilog on this node (through the agent's root-only socket). A hook for another
   * node's job is refused: several nodes' agents can share a machine, never a job's hooks.
   */
  slurmHook(m: SlurmHookMessage): { accepted: boolean; reason?: string } {
    const node = this.opts.slurm?.node ?? null;
    if (node !== null && m.node !== node) return { accepted: false, reason: `this agent serves node ${node}, not ${m.node}` };
    if (m.op === 'slurm_start') this.slurm.prolog(Date.now(), m);
    else this.slurm.epilog(Date.now(), m);
    return { accepted: true };
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
    await this.slurm.stop();
    for (const s of this.opts.samplers) await s.instance.close();
  }

  private async tickOnce(): Promise<void> {
    const tick: Tick = {
      ts: Date.now(),
      mono_s: monoSeconds(),
      runs: [...this.runs.values()],
      attribute: this.attributor.lookup,
      observeProcesses: (procs) => this.attributor.update(procs, [...this.runs.values()]),
      jobCgroups: () => this.jobCgroups(),
      elsewhere: this.attributor.elsewhere,
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
    const hostRuns = hostRunsOf(rows.process_samples);
    for (const [table, list] of Object.entries(rows)) {
      if (!isTableName(table) || !list) continue;
      this.counters.received += list.length;
      await this.opts.publisher.publish(table, list as TableRows<TableName>, hostRuns !== undefined && HOST_TICK_TABLES.has(table) ? { [HOST_RUNS_HEADER]: hostRuns } : {});
      this.counters.sent += list.length;
    }
  }

  /** Slurm jobs found through cgroups or the environment become runs of their own; Slurm names and ends them. */
  private slurmRuns(now: number): Row<'runs'>[] {
    return this.slurm.observe(now, this.attributor.slurmJobs());
  }

  /** Jobs tracked from earlier ticks plus those the process sampler found in this one. */
  private jobCgroups(): JobCgroupTarget[] {
    const byRun = new Map(this.slurm.jobCgroups().map((j) => [j.run_id, j]));
    for (const [run_id, s] of this.attributor.slurmJobs()) {
      if (s.proc_cgroup !== null) byRun.set(run_id, { run_id, proc_cgroup: s.proc_cgroup });
    }
    return [...byRun.values()];
  }

  private countError(sampler: string, e: unknown): void {
    this.counters.error(sampler);
    const n = this.counters.errors.get(sampler) ?? 0;
    // First failure and then every 100th: a broken sampler must not flood the log.
    if (n === 1 || n % 100 === 0) this.opts.log.warn('sampler failed', { sampler, failures: n, error: String(e) });
  }
}

/** The runs on this host at the tick, from its process rows (none sampled: unknown, no header). */
function hostRunsOf(procs: TableRows<'process_samples'> | undefined): string | undefined {
  if (!procs) return undefined;
  return hostRunsHeader(isRowColumns(procs) ? procs.column('run_id') : procs.map((r) => r.run_id));
}

/** A table two samplers fill becomes one list of row objects; a table one sampler fills stays as it gave it. */
function mergeRows(into: RowsByTable, from: RowsByTable): void {
  for (const [table, list] of Object.entries(from) as [TableName, TableRows<TableName> | undefined][]) {
    if (!list || list.length === 0) continue;
    const existing = into[table] as TableRows<TableName> | undefined;
    (into as Record<string, unknown>)[table] = existing === undefined ? list : [...rowsOf(existing), ...rowsOf(list)];
  }
}
