import type { Row, RunReport } from '@runlens/schemas';
import type { FinishRequest, RegisterRequest } from './local-socket.ts';
import { type ProcIdentity, readProcIdentity, sameProcessAlive } from './proc-identity.ts';
import type { StoredRun } from './run-store-queries.ts';

/** What a run is, independent of how it ends. */
export type RunMeta = Omit<StoredRun, 'status'>;
export interface RunEnd {
  readonly exit_code: number;
  readonly end_ts: number;
  readonly totals: FinishRequest['totals'];
  readonly stderr_tail?: FinishRequest['stderr_tail'];
  readonly memcg_oom_kills?: FinishRequest['memcg_oom_kills'];
}

export interface RegistryDeps {
  /** The socket owner: the only uid that can connect (see local-socket.ts). */
  readonly uid: number;
  readonly user: string;
  readonly procRoot?: string;
  /** How long a run's root process may be gone without a finish before the run is lost. */
  readonly lostAfterMs?: number;
  readonly now?: () => number;
  toRow(meta: RunMeta, end?: RunEnd): Row<'runs'>;
  addRun(run: { run_id: string; root_pid: number; root_start_ticks?: number }): void;
  removeRun(runId: string): void;
  publishRun(row: Row<'runs'>): Promise<void>;
  /** Stores the end row and the run's kept log lines, then reports. */
  finishRun(row: Row<'runs'>, logs: Row<'run_logs'>[]): Promise<RunReport>;
  toLogRows(runId: string, end: RunEnd): Row<'run_logs'>[];
  selectRunById(runId: string): Promise<StoredRun | null>;
  selectRunningRuns(): Promise<StoredRun[]>;
}

interface Live { readonly meta: RunMeta; readonly root: ProcIdentity; goneSince: number | null }

/**
 * `runlens up`'s runs: registered in memory first, so a finish never depends on ingest having
 * stored the register row. A run whose owner or root process is gone is marked `lost`.
 */
export class RunRegistry {
  private readonly live = new Map<string, Live>();
  private readonly pending = new Map<string, Promise<unknown>>();
  private readonly lost = new Map<string, { meta: RunMeta; at: number }>();
  private readonly now: () => number;

  constructor(private readonly deps: RegistryDeps) {
    this.now = deps.now ?? Date.now;
  }

  async register(req: RegisterRequest): Promise<{ run_id: string }> {
    const id = req.run_id;
    if (this.live.has(id) || this.pending.has(id) || this.lost.has(id)) throw new Error(`run ${id} already exists`);
    const done = this.admit(req);
    this.pending.set(id, done.catch(() => undefined));
    try {
      await done;
      return { run_id: id };
    } finally {
      this.pending.delete(id);
    }
  }

  private async admit(req: RegisterRequest): Promise<void> {
    const { uid, user } = this.deps;
    if (req.user !== undefined && req.user !== user) throw new Error(`user ${req.user} cannot register runs here: this socket belongs to ${user}`);
    const root = readProcIdentity(req.root_pid, this.deps.procRoot);
    if (!root) throw new Error(`root pid ${req.root_pid} is not running`);
    if (root.uid !== uid) throw new Error(`root pid ${req.root_pid} belongs to uid ${root.uid}, not to ${user} (uid ${uid})`);
    if (await this.deps.selectRunById(req.run_id)) throw new Error(`run ${req.run_id} already exists`);
    const meta: RunMeta = {
      run_id: req.run_id, app: req.app, user, cmd: req.cmd, alloc_cores: req.alloc_cores,
      ...(req.alloc_gpus === undefined ? {} : { alloc_gpus: req.alloc_gpus }), start_ts: req.start_ts, job_id: req.job_id,
    };
    this.live.set(req.run_id, { meta, root, goneSince: null });
    this.deps.addRun({ run_id: req.run_id, root_pid: req.root_pid, root_start_ticks: Number(root.start_ticks) });
    await this.deps.publishRun(this.deps.toRow(meta));
  }

  /** Ends a run registered here (waiting for its registration), or one left running or lost. */
  async finish(req: FinishRequest): Promise<RunReport> {
    await this.pending.get(req.run_id);
    const live = this.live.get(req.run_id);
    const lost = this.lost.get(req.run_id);
    const stored = live || lost ? null : await this.storedOpenRun(req.run_id);
    const meta = live?.meta ?? lost?.meta ?? stored;
    if (!meta) throw new Error(`unknown run ${req.run_id}`);
    this.live.delete(req.run_id);
    this.lost.delete(req.run_id);
    const row = this.deps.toRow(meta, req);
    // Newer than a `lost` row written meanwhile, so the finished row wins.
    const lostAt = lost?.at ?? (stored?.status === 'lost' ? this.now() : -Infinity);
    return this.deps.finishRun({ ...row, updated_ts: Math.max(row.updated_ts, lostAt + 1) }, this.deps.toLogRows(req.run_id, req));
  }

  private async storedOpenRun(runId: string): Promise<StoredRun | null> {
    const r = await this.deps.selectRunById(runId);
    return r && (r.status === 'running' || r.status === 'lost') ? r : null;
  }

  /** At start-up: runs left `running` by a previous owner are nobody's now. */
  async markLostAtStartup(): Promise<string[]> {
    const runs = (await this.deps.selectRunningRuns()).filter((r) => !this.live.has(r.run_id));
    for (const r of runs) await this.markLost(r);
    return runs.map((r) => r.run_id);
  }

  /** Marks lost the runs whose root process has been gone (or replaced) for `lostAfterMs` without a finish. */
  async sweep(): Promise<string[]> {
    const now = this.now();
    const grace = this.deps.lostAfterMs ?? 30_000;
    const gone: RunMeta[] = [];
    for (const run of this.live.values()) {
      if (sameProcessAlive(run.root, this.deps.procRoot)) run.goneSince = null;
      else if (run.goneSince === null) run.goneSince = now;
      else if (now - run.goneSince >= grace) gone.push(run.meta);
    }
    for (const meta of gone) {
      this.live.delete(meta.run_id);
      this.deps.removeRun(meta.run_id);
      await this.markLost(meta);
    }
    return gone.map((m) => m.run_id);
  }

  private async markLost(meta: RunMeta): Promise<void> {
    const at = Math.max(this.now(), meta.start_ts + 1);
    this.lost.set(meta.run_id, { meta, at });
    // Bounded: a late finish for a long-forgotten run falls back to the store.
    if (this.lost.size > 10_000) this.lost.delete(this.lost.keys().next().value ?? '');
    await this.deps.publishRun({ ...this.deps.toRow(meta), status: 'lost', updated_ts: at });
  }
}
