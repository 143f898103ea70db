import type { Row } from '@runlens/schemas';
import type { JobCgroupTarget } from '../sampler.ts';
import { type SlurmJobInfo, parseScontrolJob } from './scontrol-job.ts';
import type { ScontrolQuery } from './scontrol-query.ts';
import { type SlurmEndMessage, type SlurmStartMessage, hookJobInfo } from './slurm-hook.ts';
import { type SlurmRunEnd, type SlurmRunFacts, TERMINAL_STATES, slurmRunRow } from './slurm-run-row.ts';
import { type SlurmJob, slurmRunId } from './slurm.ts';

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
  facts: SlurmRunFacts;
  last_seen_ms: number;
  info: SlurmJobInfo | null;
  asked_ms: number;
  answered_ms: number;
  not_found: boolean;
  in_flight: boolean;
  /** Failed asks in a row (scontrol timed out, or no controller answers): the next one waits longer. */
  errors: number;
  proc_cgroup: string | null;
  /** What the last running row said ('' before the first): a new row only when it changes. */
  announced: string;
  /** The prolog told us (identity without asking); its processes have not shown up yet while !seen_procs. */
  hooked: boolean;
  seen_procs: boolean;
  /** What the epilog said: the job is over on this node. */
  hook_end: { readonly state: string | null; readonly at_ms: number; readonly exit_code: number | null } | null;
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
      t.seen_procs = true;
      if (s.app_env !== '' && t.facts.app_env === '') t.facts = { ...t.facts, app_env: s.app_env };
      t.proc_cgroup = s.proc_cgroup ?? t.proc_cgroup;
    }
    const rows: Row<'runs'>[] = [];
    for (const [runId, t] of this.jobs) {
      const row = this.row(t, now);
      if (row) rows.push(row);
      if (row && row.status !== 'running') this.close(runId);
    }
    return rows;
  }

  /** Slurm's Prolog on this node: the job's identity, now, before any of its processes runs. */
  prolog(now: number, m: SlurmStartMessage): void {
    const t = this.hookTarget(m.job_id, now);
    if (t === null) return;
    t.info = hookJobInfo(m);
    t.answered_ms = Math.max(now, t.answered_ms);
    t.asked_ms = Math.max(now, t.asked_ms); // Slurm just spoke: next question at the usual refresh
    t.hooked = true;
  }

  /** Slurm's Epilog on this node: the job is over here; its state if the epilog could tell. */
  epilog(now: number, m: SlurmEndMessage): void {
    const t = this.hookTarget(m.job_id, now);
    if (t !== null) t.hook_end = { state: m.state, at_ms: Math.min(m.end_ms, now), exit_code: m.exit_code };
  }

  /** Cgroups of the jobs tracked here (seen, not yet ended), so they are sampled between steps too. */
  jobCgroups(): JobCgroupTarget[] {
    return [...this.jobs].flatMap(([run_id, t]) => (t.proc_cgroup === null ? [] : [{ run_id, proc_cgroup: t.proc_cgroup }]));
  }

  /** Waits for scontrol calls still running. */
  async stop(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private track(runId: string, s: SeenSlurmJob, now: number, ask = true): Tracked {
    const facts: SlurmRunFacts = { run_id: runId, job: s.job, app_env: s.app_env, cluster: this.opts.cluster, host: this.opts.host, first_seen_ms: now };
    const t: Tracked = {
      facts, last_seen_ms: now, info: null, asked_ms: 0, answered_ms: 0, not_found: false, in_flight: false, errors: 0, proc_cgroup: null, announced: '',
      hooked: false, seen_procs: false, hook_end: null,
    };
    this.jobs.set(runId, t);
    if (ask) this.ask(t, now);
    return t;
  }

  /** The tracked job a hook speaks of, tracked from now on if it was not; null once closed. */
  private hookTarget(jobId: string, now: number): Tracked | null {
    const job: SlurmJob = { job_id: jobId, sluid: '', step: '' };
    const runId = slurmRunId(job, this.opts.cluster);
    if (this.closed.has(runId)) return null;
    return this.jobs.get(runId) ?? this.track(runId, { job, app_env: '', proc_cgroup: null }, now, false);
  }

  private row(t: Tracked, now: number): Row<'runs'> | null {
    if (t.hook_end !== null) return this.afterEpilog(t, t.hook_end, now);
    if (t.last_seen_ms === now) return this.present(t, now);
    // Announced by the prolog, no process here yet: the job runs (Slurm will say when it does not).
    if (t.hooked && !t.seen_procs) return this.awaiting(t, now);
    return this.absent(t, now);
  }

  private awaiting(t: Tracked, now: number): Row<'runs'> | null {
    const i = t.info;
    if (i && TERMINAL_STATES.has(i.state)) return this.end(t, i.state, i.end_ms ?? now, i.exit_code, now);
    if (this.due(t, now, this.opts.refreshMs)) this.ask(t, now);
    return this.announce(t, now);
  }

  /** Closed with the epilog's state and time; where it could not tell the state, with scontrol's once the job left COMPLETING. */
  private afterEpilog(t: Tracked, e: NonNullable<Tracked['hook_end']>, now: number): Row<'runs'> | null {
    const i = t.info;
    const patient = i === null && now - t.facts.first_seen_ms < this.opts.patienceMs && this.opts.scontrol !== null;
    if (e.state !== null && !patient) return this.end(t, e.state, e.at_ms, e.exit_code ?? i?.exit_code ?? null, now);
    if (e.state === null && t.answered_ms > e.at_ms && i && TERMINAL_STATES.has(i.state)) return this.end(t, i.state, e.at_ms, i.exit_code, now);
    if (e.state === null && (this.opts.scontrol === null || now - e.at_ms >= this.opts.lostAfterMs)) return this.end(t, 'LOST', e.at_ms, e.exit_code, now);
    if (this.due(t, now, this.opts.endPollMs)) this.ask(t, now);
    return null;
  }

  private present(t: Tracked, now: number): Row<'runs'> | null {
    if (this.due(t, now, this.opts.refreshMs)) this.ask(t, now);
    return this.announce(t, now);
  }

  /** The running row, once Slurm answered (or patience ran out), and again when the answer changes. */
  private announce(t: Tracked, now: number): Row<'runs'> | null {
    const i = t.info;
    if (!i && now - t.facts.first_seen_ms < this.opts.patienceMs && this.opts.scontrol !== null) return null;
    const key = i ? JSON.stringify([t.facts.app_env, i.name, i.user, i.time_limit_s, i.nodes, i.cpus_per_node.get(this.opts.host)]) : 'unknown';
    if (key === t.announced) return null;
    t.announced = key;
    return this.tagged(t, slurmRunRow(t.facts, t.info, null, now));
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
    if (this.due(t, now, every)) this.ask(t, now);
    return this.announce(t, now);
  }

  private end(t: Tracked, state: string, at: number, exitCode: number | null, now: number): Row<'runs'> {
    const end: SlurmRunEnd = { state, at_ms: at, exit_code: exitCode };
    return this.tagged(t, slurmRunRow(t.facts, t.info, end, now));
  }

  /** Which way Slurm's word came: the hooks (`slurm_hooks=prolog`, `…,epilog`) or scontrol alone (no tag). */
  private tagged(t: Tracked, row: Row<'runs'>): Row<'runs'> {
    const via = [t.hooked ? 'prolog' : '', t.hook_end ? 'epilog' : ''].filter(Boolean).join(',');
    return via === '' ? row : { ...row, tags: [...row.tags, `slurm_hooks=${via}`] };
  }

  private close(runId: string): void {
    this.jobs.delete(runId);
    if (this.closed.size >= MAX_CLOSED_REMEMBERED) this.closed.clear();
    this.closed.add(runId);
  }

  /**
   * Time to ask again: `every` after the last ask, doubled for each failed ask in a row, at most
   * refreshMs. A node whose scontrol cannot reach a controller asked about every absent job each
   * second for lostAfterMs (15% of the agent's CPU at 1,000 processes in benchmarks/collector-overhead).
   */
  private due(t: Tracked, now: number, every: number): boolean {
    return now - t.asked_ms >= Math.min(Math.max(every, this.opts.refreshMs), every * 2 ** Math.min(t.errors, 16));
  }

  private ask(t: Tracked, now: number): void {
    const query = this.opts.scontrol;
    if (query === null || t.in_flight || t.facts.job.job_id === '') return;
    t.in_flight = true;
    t.asked_ms = now;
    const p = query(t.facts.job.job_id).then((a) => {
      t.in_flight = false;
      t.errors = a.kind === 'error' ? t.errors + 1 : 0;
      if (a.kind === 'error') return; // stale knowledge stays; patience decides
      t.answered_ms = Math.max(now, t.answered_ms);
      if (a.kind === 'ok') t.info = keepCommand(parseScontrolJob(a.text), t.info) ?? t.info;
      t.not_found = a.kind === 'not_found';
    });
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
}

/** scontrol shows no Command for `sbatch --wrap` jobs; the prolog read it from the script: keep it. */
function keepCommand(fresh: SlurmJobInfo | null, old: SlurmJobInfo | null): SlurmJobInfo | null {
  return fresh !== null && fresh.command === '' && old !== null && old.command !== '' ? { ...fresh, command: old.command } : fresh;
}
