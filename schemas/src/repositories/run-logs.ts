import { RUN_LOG_TAIL_LINES } from '../catalog/index.ts';
import type { Store } from '../store/store.ts';

export interface RunLogLine { readonly ts_ms: number; readonly host: string; readonly stream: string; readonly seq: number; readonly line: string }

/** The kept tail of a run's output, oldest first: at most `RUN_LOG_TAIL_LINES` per host and stream. */
export async function runLogTail(store: Store, runId: string): Promise<RunLogLine[]> {
  const rows = await store.query<RunLogLine>(
    `SELECT ${store.sql.ms('ts')} AS ts_ms, host, stream, seq, line FROM run_logs FINAL WHERE run_id = {run_id:String}
     ORDER BY host, stream, seq DESC LIMIT ${RUN_LOG_TAIL_LINES} BY host, stream`, { run_id: runId });
  return rows.map((r) => ({ ...r, ts_ms: Number(r.ts_ms), seq: Number(r.seq) }))
    .sort((a, b) => a.ts_ms - b.ts_ms || a.seq - b.seq);
}
