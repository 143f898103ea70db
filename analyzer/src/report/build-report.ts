import { type Finding, REPORT_VERSION, type Row, type RunReport, runReportSchema } from '@runlens/schemas';
import type { Store } from '@runlens/pipeline';
import { DETECTORS } from '../detectors/registry.ts';
import type { FindingDraft } from '../detectors/detector.ts';
import type { RunTick, RunWindow } from '../window/run-window.ts';
import { loadBaseline } from './baseline.ts';
import { summarisePhases } from './phases.ts';
import { loadGpuSummary, loadMemTotal, loadNodeTicks, loadRun, loadRunTicks, loadSampleTotals, loadTopProcesses } from './queries.ts';

export function stampFinding(runId: string, d: FindingDraft): Finding {
  return { ...d, run_id: runId, phase: d.phase ?? null, finding_id: `${d.kind}:${d.scope}:${d.scope_id}:${d.start_ts}` };
}

export function runDetectors(window: RunWindow): Finding[] {
  return DETECTORS.flatMap((d) => d.evaluate(window)).map((d) => stampFinding(window.run_id, d));
}

/**
 * Reads a run back from the store, runs the detectors, persists findings and the run
 * summary, and returns the report. Everything comes from the store: one sample path.
 */
export async function buildReport(store: Store, runId: string, now = Date.now()): Promise<RunReport | null> {
  const run = await loadRun(store, runId);
  if (!run) return null;
  const endMs = run.end_ms ?? now;
  const ticks = await loadRunTicks(store, runId, run.alloc_cores);
  const host = run.hosts[0] ?? '';
  const window: RunWindow = {
    run_id: runId, host, alloc_cores: run.alloc_cores, mem_total_bytes: await loadMemTotal(store, host),
    ticks, node: await loadNodeTicks(store, run.hosts, run.start_ms, endMs),
  };
  const findings = runDetectors(window);
  const sampled = await loadSampleTotals(store, runId);
  const kernel = run.cpu_user_s !== null && run.cpu_sys_s !== null;
  const cpuUser = kernel ? (run.cpu_user_s ?? 0) : sampled.cpu_user_s;
  const cpuSys = kernel ? (run.cpu_sys_s ?? 0) : sampled.cpu_sys_s;
  const wall = Math.max(0.001, (endMs - run.start_ms) / 1000);
  const summary: RunReport['summary'] = {
    wall_s: wall, cpu_user_s: cpuUser, cpu_sys_s: cpuSys,
    cpu_cores_mean: (cpuUser + cpuSys) / wall,
    cpu_efficiency: (cpuUser + cpuSys) / (wall * Math.max(run.alloc_cores, 1e-9)),
    peak_rss_bytes: sampled.peak_rss_bytes ?? 0,
    read_bytes: kernel ? run.read_bytes : sampled.read_bytes,
    write_bytes: kernel ? run.write_bytes : sampled.write_bytes,
    rchar: kernel ? run.rchar : sampled.rchar,
    wchar: kernel ? run.wchar : sampled.wchar,
    totals_source: kernel ? 'kernel' : 'samples',
    samples: sampled.samples, processes: sampled.processes,
    gpu: await loadGpuSummary(store, runId),
    top_processes: await loadTopProcesses(store, runId, 8),
    absent: [],
  };
  const report: RunReport = {
    report_version: REPORT_VERSION,
    run: {
      run_id: runId, app: run.app, user: run.user, cmd: run.cmd, hosts: run.hosts, start_ts: run.start_ms, end_ts: run.end_ms,
      exit_code: run.exit_code, status: run.status, alloc_cores: run.alloc_cores, alloc_gpus: run.alloc_gpus, job_id: run.job_id,
    },
    summary, findings, phases: summarisePhases(ticks),
    baseline: await loadBaseline(store, run.app, runId, wall, summary.cpu_efficiency),
  };
  await persist(store, report, now);
  return runReportSchema.parse(report);
}

async function persist(store: Store, r: RunReport, now: number): Promise<void> {
  const rows: Row<'findings'>[] = r.findings.map((f) => ({ ...f, updated_ts: now, evidence: JSON.stringify(f.evidence) }));
  await store.insertRows('findings', rows);
  if (r.run.end_ts === null) return;
  await store.insertRows('run_summaries', [{
    run_id: r.run.run_id, app: r.run.app, updated_ts: now, wall_s: r.summary.wall_s,
    cpu_s: r.summary.cpu_user_s + r.summary.cpu_sys_s, cpu_efficiency: r.summary.cpu_efficiency,
    peak_rss_bytes: r.summary.peak_rss_bytes, read_bytes: r.summary.read_bytes ?? 0, write_bytes: r.summary.write_bytes ?? 0,
    gpu_util_mean: r.summary.gpu?.util_mean ?? null, finding_kinds: [...new Set(r.findings.map((f) => f.kind))],
  }]);
}

export type { RunTick };
