import type { Finding } from '../findings.ts';
import type { Store } from '../store/store.ts';

/** The analyzer's findings for a run, as stored (newest version of each). */
export async function findingsOfRun(store: Store, runId: string): Promise<Finding[]> {
  const { ms } = store.sql;
  const rows = await store.query<Omit<Finding, 'evidence'> & { evidence: string }>(
    `SELECT finding_id, run_id, kind, severity, scope, scope_id, host, ${ms('start_ts')} AS start_ts,
            ${ms('end_ts')} AS end_ts, confidence, message, advice, evidence, phase, after_end
     FROM findings FINAL WHERE run_id = {run_id:String}`, { run_id: runId });
  return rows.map((r) => ({
    ...r, start_ts: Number(r.start_ts), end_ts: Number(r.end_ts), confidence: Number(r.confidence), after_end: Number(r.after_end ?? 0),
    evidence: JSON.parse(r.evidence) as Finding['evidence'],
  }));
}

/** Whether the run's verdict is already frozen: its final analysis wrote the run's summary. */
export async function verdictFrozen(store: Store, runId: string): Promise<boolean> {
  const rows = await store.query<{ n: number | string }>('SELECT count() AS n FROM run_summaries WHERE run_id = {run_id:String}', { run_id: runId });
  return Number(rows[0]?.n ?? 0) > 0;
}

export interface FindingHeadline { run_id: string; kind: string; severity: string; confidence: number; message: string }

/** What each of these runs' verdict says (findings learned after its end left out), for lists that show a run's top finding. */
export async function findingHeadlines(store: Store, runIds: readonly string[]): Promise<FindingHeadline[]> {
  if (runIds.length === 0) return [];
  const rows = await store.query<FindingHeadline>(
    'SELECT run_id, kind, severity, confidence, message FROM findings FINAL WHERE has({ids:Array(String)}, run_id) AND after_end = 0', { ids: runIds });
  return rows.map((r) => ({ ...r, confidence: Number(r.confidence) }));
}

/** Every finding kind ever stored, sorted. */
export async function storedFindingKinds(store: Store): Promise<string[]> {
  const rows = await store.query<{ kind: string }>('SELECT DISTINCT kind FROM findings FINAL ORDER BY kind');
  return rows.map((r) => r.kind);
}
