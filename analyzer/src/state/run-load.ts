import { type Row, SELF_RUN_ID, groupBy } from '@runlens/schemas';
import type { BackgroundTick } from '../window/run-window.ts';

type ProcessRow = Row<'process_samples'>;

/**
 * Header of a host-topic message that carries other runs' load, not node rows: one
 * process_samples row per (host, tick, run), pid 0, with the run's summed CPU.
 */
export const RUN_LOAD_HEADER = 'run_load';

/** CPU one run used on one host at one tick: for every other run on the host, outside load. */
export interface RunLoadTick {
  readonly ts: number;
  readonly run_id: string;
  readonly cpu_cores: number;
}

/**
 * Each run's load per host and tick, as rows the host topic can carry: a run's process rows go
 * only to the replica that owns the run, but every run on the host must see its neighbours' CPU
 * as outside load (whose load slowed whom). One row per run, so the host topic grows by runs, not
 * by processes.
 */
export function runLoadRows(rows: readonly ProcessRow[]): ProcessRow[] {
  const out: ProcessRow[] = [];
  for (const group of groupBy(rows.filter((r) => r.run_id !== '' && r.run_id !== SELF_RUN_ID), (r) => `${r.host}|${r.ts}|${r.run_id}`).values()) {
    const first = group[0] as ProcessRow;
    let user = 0; let sys = 0; let delay = 0;
    for (const r of group) {
      user += r.cpu_user_cores;
      sys += r.cpu_sys_cores;
      delay += r.run_delay_cores;
    }
    out.push({ ...first, pid: 0, ppid: 0, start_ticks: 0, rank: null, local_rank: null, comm: '', cpu_user_cores: user, cpu_sys_cores: sys, run_delay_cores: delay });
  }
  return out;
}

/**
 * Outside load as one run sees it: the host's processes outside any run plus every other run's
 * CPU, tick by tick. The busiest other run is named (`run <id>`) when it took more than the
 * processes outside any run.
 */
export function outsideOf(runId: string, background: readonly BackgroundTick[], loads: readonly RunLoadTick[]): BackgroundTick[] {
  const others = groupBy(loads.filter((l) => l.run_id !== runId), (l) => String(l.ts));
  if (others.size === 0) return [...background];
  const out = new Map<number, BackgroundTick>();
  for (const b of background) out.set(b.ts, b);
  for (const [, ls] of others) {
    const ts = ls[0]?.ts ?? 0;
    const bg = out.get(ts);
    const top = ls.reduce((a, l) => (l.cpu_cores > a.cpu_cores ? l : a));
    const runCores = ls.reduce((s, l) => s + l.cpu_cores, 0);
    const bgCores = bg?.cpu_cores ?? 0;
    out.set(ts, {
      ts, cpu_cores: bgCores + runCores, run_cores: runCores, top_run: top.run_id,
      top_comm: top.cpu_cores > bgCores || !bg ? `run ${top.run_id}` : bg.top_comm,
    });
  }
  return [...out.values()].sort((a, b) => a.ts - b.ts);
}
