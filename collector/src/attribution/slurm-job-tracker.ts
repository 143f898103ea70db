import type { Row } from '@runlens/schemas';
import type { JobCgroupTarget } from '../sampler.ts';
import { type SlurmJobInfo, parseScontrolJob } from './scontrol-job.ts';
import type { ScontrolQuery } from './scontrol-query.ts';
import { type SlurmRunEnd, type SlurmRunFacts, TERMINAL_STATES, slurmRunRow } from './slurm-run-row.ts';
import type { SlurmJob } from './slurm.ts';

/** A job the attributor saw on this node in the current tick. */
export interface SeenSlurmJob {
  readonly job: SlurmJob;
  readonly app_env: string;
  /** /proc/<pid>/cgroup text of one of its processes where it names the job; null if only the environment did. */
  readonly proc_cgroup: string | null;
}

export interface SlurmTrackerOptions {
  readonly cluster: string;
  readonly host: string;
  /** null: no scheduler to ask; runs get what the cgroup and environment say, and close as lost. */
  readonly scontrol: ScontrolQuery | null;
  /** Re-ask about a job whose processes are here this often (limits, state). */
  readonly refreshMs: number;
  /** Ask about a job whose processes are gone at most this often, until Slurm says how it ended. */
  readonly endPollMs: number;
  /** Announce a job without Slurm's answer after this long. */
  readonly patienceMs: number;
  /** Close a job as lost when its processes are gone this long and Slurm has not answered since. */
  readonly lostAfterMs: number;
}

interface Tracked {
  readonly facts: SlurmRunFacts;
  last_seen_ms: number;
  info: SlurmJobInfo | null;
  asked_ms: number;
  answered_ms: number;
  not_found: boolean;
  in_flight: boolean;
  proc_cgroup: string | null;
  /** What the last running row said ('' before the first): a new row only when it changes. */
  announced: string;
}

const MAX_CLOSED_REMEMBERED = 4096;

/**
 * Scheduler identity and end of the Slurm jobs on this node: asks scontrol once when a job
 * appears, again every `refreshMs`, and, once the job's processes have left the node, until
 * Slurm reports an end state. Asking runs in the background; a tick never waits for scontrol.
 */
export class SlurmJobTracker {
  private readonly jobs = new Map<string, Tracked>();
  private readonly closed = new Set<string>();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly opts: SlurmTrackerOptions) {}

  /** This tick's jobs in, the runs rows to publish out (new, updated, closed). */
  observe(now: number, seen: ReadonlyMap<string, SeenSlurmJob>): Row<'runs'>[] {
    for (const [runId, s] of seen) {
      if (this.closed.has(runId)) continue;
      const t = this.jobs.get(runId) ?? this.track(runId, s, now);
      t.last_seen_ms = now;
      t.proc_cgroup = s.proc_cgroup ?? t.proc_cgroup;
    }
    const rows: Row<'runs'>[] = [];
    for (const [runId, t] of this.jobs) {
      const row = t.last_seen_ms === now ? this.present(t, now) : this.absent(t, now);
      if (row) rows.push(row);
      if (row && row.status !== 'running') this.close(runId);
    }
    return rows;
  }

  /** Cgroups of the jobs tracked here (seen, not yet ended), so they are sampled between steps too. */
  jobCgroups(): JobCgroupTarget[] {
    return [...this.jobs].flatMap(([run_id, t]) => (t.proc_cgroup === null ? [] : [{ run_id, proc_cgroup: t.proc_cgroup }]));
  }

  /** Waits for scontrol calls still running. */
  async stop(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private track(runId: string, s: SeenSlurmJob, now: number): Tracked {
    const facts: SlurmRunFacts = { run_id: runId, job: s.job, app_env: s.app_env, cluster: this.opts.cluster, host: this.opts.host, first_seen_ms: now };
    const t: Tracked = { facts, last_seen_ms: now, info: null, asked_ms: 0, answered_ms: 0, not_found: false, in_flight: false, proc_cgroup: null, announced: '' };
    this.jobs.set(runId, t);
    this.ask(t, now);
    return t;
  }

  private present(t: Tracked, now: number): Row<'runs'> | null {
    if (now - t.asked_ms >= this.opts.refreshMs) this.ask(t, now);
    return this.announce(t, now);
  }

  /** The running row, once Slurm answered (or patience ran out), and again when the answer changes. */
  private announce(t: Tracked, now: number): Row<'runs'> | null {
    const i = t.info;
    if (!i && now - t.facts.first_seen_ms < this.opts.patienceMs && this.opts.scontrol !== null) return null;
    const key = i ? JSON.stringify([i.name, i.user, i.time_limit_s, i.nodes, i.cpus_per_node.get(this.opts.host)]) : 'unknown';
    if (key === t.announced) return null;
    t.announced = key;
    return slurmRunRow(t.facts, t.info, null, now);
  }

  private absent(t: Tracked, now: number): Row<'runs'> | null {
    const fresh = t.answered_ms > t.last_seen_ms;
    if (fresh && t.info && TERMINAL_STATES.has(t.info.state)) return this.end(t, t.info.state, t.info.end_ms ?? now, t.info.exit_code, now);
    if (fresh && t.not_found) return this.end(t, 'LOST', t.last_seen_ms, null, now);
    if (now - t.last_seen_ms >= this.opts.lostAfterMs && (this.opts.scontrol === null || !fresh)) {
      return this.end(t, 'LOST', t.last_seen_ms, null, now);
    }
    // A job can run on with no process here (between steps): ask less often the longer it is away.
    const every = Math.min(Math.max(this.opts.endPollMs, (now - t.last_seen_ms) / 4), this.opts.refreshMs);
    if (now - t.asked_ms >= every) this.ask(t, now);
    return this.announce(t, now);
  }

  private end(t: Tracked, state: string, at: number, exitCode: number | null, now: number): Row<'runs'> {
    const end: SlurmRunEnd = { state, at_ms: at, exit_code: exitCode };
    return slurmRunRow(t.facts, t.info, end, now);
  }

  private close(runId: string): void {
    this.jobs.delete(runId);
    if (this.closed.size >= MAX_CLOSED_REMEMBERED) this.closed.clear();
    this.closed.add(runId);
  }

  private ask(t: Tracked, now: number): void {
    const query = this.opts.scontrol;
    if (query === null || t.in_flight || t.facts.job.job_id === '') return;
    t.in_flight = true;
    t.asked_ms = now;
    const p = query(t.facts.job.job_id).then((a) => {
      t.in_flight = false;
      if (a.kind === 'error') return; // stale knowledge stays; patience decides
      t.answered_ms = Math.max(now, t.answered_ms);
      if (a.kind === 'ok') t.info = parseScontrolJob(a.text) ?? t.info;
      t.not_found = a.kind === 'not_found';
    });
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
}
