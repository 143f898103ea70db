import type { Store } from '@runlens/pipeline';
import { type Identity, canSeeAll } from '@runlens/schemas';
import { rankFindings } from '../format.ts';

export interface RunFilters { readonly app: string; readonly user: string; readonly status: string; readonly since: string; readonly kind: string }

export interface RunListItem {
  readonly run_id: string; readonly app: string; readonly user: string; readonly status: string;
  readonly start_ms: number; readonly end_ms: number | null; readonly exit_code: number | null; readonly cmd: string;
  readonly hosts: number; readonly alloc_cores: number; readonly efficiency: number | null;
  readonly top_finding: { kind: string; severity: string; message: string } | null;
}

const SINCE_MS: Record<string, number> = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };

export function parseFilters(q: Record<string, string | string[] | undefined>): RunFilters {
  const one = (k: string): string => { const v = q[k]; return (Array.isArray(v) ? v[0] : v) ?? ''; };
  return { app: one('app'), user: one('user'), status: one('status'), since: one('since'), kind: one('kind') };
}

interface Row {
  run_id: string; app: string; user: string; status: string; start_ms: string | number; end_ms: string | number | null;
  exit_code: number | null; cmd: string; n_hosts: number | string; alloc_cores: number; cpu_s: number | null;
}

/** Runs the identity may see, newest first, narrowed by the filters, with efficiency and top finding. */
export async function listRuns(store: Store, id: Identity, f: RunFilters, now = Date.now()): Promise<RunListItem[]> {
  const from = SINCE_MS[f.since] === undefined ? 0 : now - (SINCE_MS[f.since] ?? 0);
  const rows = await store.query<Row>(
    `SELECT run_id, app, user, status, ${store.sql.ms('start_ts')} AS start_ms,
            if(isNull(end_ts), NULL, ${store.sql.ms('assumeNotNull(end_ts)')}) AS end_ms, exit_code, cmd,
            length(hosts) AS n_hosts, alloc_cores, cpu_user_s + cpu_sys_s AS cpu_s
     FROM runs FINAL
     WHERE ({all:Bool} OR user = {me:String})
       AND ({app:String} = '' OR app = {app:String}) AND ({user:String} = '' OR user = {user:String})
       AND ({status:String} = '' OR status = {status:String})
       AND start_ts >= ${store.sql.fromMs('from')}
       AND ({kind:String} = '' OR run_id IN (SELECT run_id FROM findings FINAL WHERE kind = {kind:String}))
     ORDER BY start_ts DESC LIMIT 200`,
    { all: canSeeAll(id), me: id.user, app: f.app, user: f.user, status: f.status, from, kind: f.kind });
  const ids = rows.map((r) => r.run_id);
  const [top, eff] = await Promise.all([topFindings(store, ids), efficiencies(store, ids)]);
  return rows.map((r) => toItem(r, top.get(r.run_id) ?? null, eff.get(r.run_id)));
}

/** The analyzer's efficiency (run_summaries), so the list and the run report agree. */
async function efficiencies(store: Store, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await store.query<{ run_id: string; e: number }>(
    'SELECT run_id, cpu_efficiency AS e FROM run_summaries FINAL WHERE has({ids:Array(String)}, run_id)', { ids });
  return new Map(rows.map((r) => [r.run_id, Number(r.e)]));
}

function toItem(r: Row, top: RunListItem['top_finding'], summarised: number | undefined): RunListItem {
  const start = Number(r.start_ms);
  const end = r.end_ms === null ? null : Number(r.end_ms);
  const wall = end === null ? null : Math.max(0.001, (end - start) / 1000);
  const cores = Math.max(1, Number(r.alloc_cores)) * Math.max(1, Number(r.n_hosts));
  const eff = summarised ?? (wall !== null && r.cpu_s !== null ? Number(r.cpu_s) / (wall * cores) : null);
  return {
    run_id: r.run_id, app: r.app, user: r.user, status: r.status, start_ms: start, end_ms: end,
    exit_code: r.exit_code, cmd: r.cmd, hosts: Number(r.n_hosts), alloc_cores: Number(r.alloc_cores), efficiency: eff, top_finding: top,
  };
}

async function topFindings(store: Store, ids: readonly string[]): Promise<Map<string, RunListItem['top_finding']>> {
  if (ids.length === 0) return new Map();
  const fs = await store.query<{ run_id: string; kind: string; severity: string; confidence: number; message: string }>(
    'SELECT run_id, kind, severity, confidence, message FROM findings FINAL WHERE has({ids:Array(String)}, run_id)', { ids });
  const out = new Map<string, RunListItem['top_finding']>();
  for (const f of rankFindings(fs)) if (!out.has(f.run_id)) out.set(f.run_id, { kind: f.kind, severity: f.severity, message: f.message });
  return out;
}

/** Choices for the filter drop-downs, from what the identity may see. */
export async function filterChoices(store: Store, id: Identity): Promise<{ apps: string[]; users: string[]; kinds: string[] }> {
  const [r] = await store.query<{ apps: string[]; users: string[] }>(
    'SELECT groupUniqArray(app) AS apps, groupUniqArray(user) AS users FROM runs FINAL WHERE {all:Bool} OR user = {me:String}',
    { all: canSeeAll(id), me: id.user });
  const kinds = await store.query<{ kind: string }>('SELECT DISTINCT kind FROM findings FINAL ORDER BY kind');
  return { apps: [...(r?.apps ?? [])].sort(), users: [...(r?.users ?? [])].sort(), kinds: kinds.map((k) => k.kind) };
}

export async function runOwner(store: Store, runId: string): Promise<string | null> {
  const r = await store.query<{ user: string }>('SELECT user FROM runs FINAL WHERE run_id = {id:String}', { id: runId });
  return r[0]?.user ?? null;
}
