import type { Identity } from '../auth.ts';
import type { Store } from '../store/store.ts';
import { VISIBLE_RUNS, msOrNull, numOrNull, visibility } from './columns.ts';

/** Narrowing of the run list; an empty string (or 0 for `from_ms`) means "any". */
export interface RunListFilter {
  readonly app: string; readonly user: string; readonly status: string; readonly kind: string;
  /** Runs started at or after this time (epoch ms). */
  readonly from_ms: number;
}

export interface RunListRow {
  readonly run_id: string; readonly app: string; readonly user: string; readonly status: string;
  readonly start_ms: number; readonly end_ms: number | null; readonly exit_code: number | null; readonly cmd: string;
  readonly n_hosts: number; readonly alloc_cores: number;
  /** Kernel-accounted CPU of the tree (user + system), null until the run ends. */
  readonly cpu_s: number | null;
}

const ANY: RunListFilter = { app: '', user: '', status: '', kind: '', from_ms: 0 };

/** Runs the identity may see, newest first, narrowed by the filter. */
export async function visibleRuns(store: Store, id: Identity, filter: Partial<RunListFilter> = {}, limit = 200): Promise<RunListRow[]> {
  const f = { ...ANY, ...filter };
  const rows = await store.query<RunListRow>(
    `SELECT run_id, app, user, status, ${store.sql.ms('start_ts')} AS start_ms, ${msOrNull(store, 'end_ts')} AS end_ms, exit_code, cmd,
            length(hosts) AS n_hosts, alloc_cores, cpu_user_s + cpu_sys_s AS cpu_s
     FROM runs FINAL
     WHERE ${VISIBLE_RUNS}
       AND ({app:String} = '' OR app = {app:String}) AND ({user:String} = '' OR user = {user:String})
       AND ({status:String} = '' OR status = {status:String})
       AND start_ts >= ${store.sql.fromMs('from')}
       AND ({kind:String} = '' OR run_id IN (SELECT run_id FROM findings FINAL WHERE kind = {kind:String}))
     ORDER BY start_ts DESC LIMIT {limit:UInt32}`,
    { ...visibility(id), app: f.app, user: f.user, status: f.status, from: f.from_ms, kind: f.kind, limit });
  return rows.map((r) => ({
    ...r, start_ms: Number(r.start_ms), end_ms: numOrNull(r.end_ms), exit_code: numOrNull(r.exit_code),
    n_hosts: Number(r.n_hosts), alloc_cores: Number(r.alloc_cores), cpu_s: numOrNull(r.cpu_s),
  }));
}

/** Apps and users among the runs the identity may see: the run list's filter choices. */
export async function visibleAppsAndUsers(store: Store, id: Identity): Promise<{ apps: string[]; users: string[] }> {
  const [r] = await store.query<{ apps: string[]; users: string[] }>(
    `SELECT groupUniqArray(app) AS apps, groupUniqArray(user) AS users FROM runs FINAL WHERE ${VISIBLE_RUNS}`, visibility(id));
  return { apps: [...(r?.apps ?? [])].sort(), users: [...(r?.users ?? [])].sort() };
}
