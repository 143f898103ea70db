import {
  type Finding, REPORT_VERSION, type RunRecord, type RunReport, type SampleTotals, findingsOfRun, gpuSummary, hostsWithoutPmu, isFindingKind, runById, runReportSchema,
  eventsOnHosts, mpiRankTotals, NO_NODE_TYPES, type NodeTypesConfig, rowsOfHosts, runLogTail, runMetricSummaries, runSeconds, sampleTotals, topProcesses,
} from '@runlens/schemas';
import type { Store } from '@runlens/pipeline';
import { leadWithCauses } from '../detectors/causes.ts';
import { DETECTORS } from '../detectors/registry.ts';
import { END_GRACE_MS } from '../detectors/node-events.ts';
import { stampFinding } from '../detectors/stamp.ts';
import { summarisePhases } from '../phases/phases.ts';
import type { RunWindow } from '../window/run-window.ts';
import { loadBaseline } from '../model/baseline.ts';
import { isShortRun, shortRunUndeterminable } from '../model/short-run.ts';
import { type StorageCapability, storageOfRows } from '../window/storage-capability.ts';
import { compareWithBaseline } from './baseline.ts';
import { rankFindings } from './format.ts';
import { replayRun } from './replay.ts';
import { runEnding } from './run-ending.ts';
import { reportEvents, reportLog } from './run-log.ts';
import { reportTimeline } from './timeline.ts';
import { elsewhereForRun } from '../selection/elsewhere.ts';
import { type Totals, unsampledGap, unsampledSentence } from './unsampled.ts';
import { allocatedCores } from './allocation.ts';

export { stampFinding };

/** Detectors over a whole window: what the analyzer does at run end, and the report's fallback. */
export function runDetectors(window: RunWindow): Finding[] {
  return leadWithCauses(DETECTORS.flatMap((d) => d.evaluate(window))).map((d) => stampFinding(window.run_id, d));
}

/**
 * A run's report, read back from the store: the analyzer's findings, totals, top processes,
 * phases from per-second aggregates and the app baseline. A finished run the analyzer never
 * saw is analysed here, from replayed windows (the same aggregation the stream uses).
 */
export async function buildReport(store: Store, runId: string, now = Date.now(), nodeTypes: NodeTypesConfig = NO_NODE_TYPES): Promise<RunReport | null> {
  const run = await runById(store, runId);
  if (!run) return null;
  const endMs = run.end_ms ?? now;
  const all = await findingsOfRun(store, runId);
  const stored = all.filter((f) => f.after_end !== 1);
  // Replaying every process row is only worth it for a finished run the analyzer never saw.
  const replay = stored.length === 0 && run.end_ms !== null ? await replayRun(store, runId) : null;
  const findings = replay ? runDetectors(replay.window) : stored;
  const seconds = (await runSeconds(store, runId)).map((t) => ({ ...t, pegged_cpu_cores: 0 }));
  const sampled = await sampleTotals(store, runId);
  const kernel = run.cpu_user_s !== null && run.cpu_sys_s !== null;
  const cpuUser = kernel ? (run.cpu_user_s ?? 0) : sampled.cpu_user_s;
  const cpuSys = kernel ? (run.cpu_sys_s ?? 0) : sampled.cpu_sys_s;
  const wall = Math.max(0.001, (endMs - run.start_ms) / 1000);
  const summary: RunReport['summary'] = {
    wall_s: wall, cpu_user_s: cpuUser, cpu_sys_s: cpuSys,
    cpu_cores_mean: (cpuUser + cpuSys) / wall,
    cpu_efficiency: (cpuUser + cpuSys) / (wall * Math.max(allocatedCores(run), 1e-9)),
    peak_rss_bytes: sampled.peak_rss_bytes ?? 0,
    read_bytes: kernel ? run.read_bytes : sampled.read_bytes,
    write_bytes: kernel ? run.write_bytes : sampled.write_bytes,
    rchar: kernel ? run.rchar : sampled.rchar,
    wchar: kernel ? run.wchar : sampled.wchar,
    totals_source: kernel ? 'kernel' : 'samples',
    samples: sampled.samples, processes: sampled.processes,
    gpu: await gpuSummary(store, runId),
    top_processes: await topProcesses(store, runId, 8),
    ...(await mpiSummary(store, runId)),
    ...unsampledOf(kernel, { cpu_s: cpuUser + cpuSys, read_bytes: run.read_bytes, write_bytes: run.write_bytes }, sampled),
    absent: undeterminable(await hostsWithoutPmu(store, run.hosts)),
  };
  const report: RunReport = {
    report_version: REPORT_VERSION,
    run: {
      run_id: runId, app: run.app, user: run.user, cmd: run.cmd, hosts: run.hosts, start_ts: run.start_ms, end_ts: run.end_ms,
      exit_code: run.exit_code, status: run.status, alloc_cores: run.alloc_cores, alloc_gpus: run.alloc_gpus, job_id: run.job_id,
      ending: runEnding(run, findings),
    },
    summary: { ...summary, absent: [...summary.absent, ...unsampledAbsent(summary), ...shortRunAbsent(seconds, summary, run.hosts, storageOfRows(await rowsOfHosts(store, 'device_profiles', run.hosts), run.hosts))] }, findings: rank(findings),
    findings_after_end: rank(all.filter((f) => f.after_end === 1)), phases: summarisePhases(seconds),
    baseline: compareWithBaseline(run.app, await loadBaseline(store, { run_id: runId, app: run.app, cmd: run.cmd, start_ms: run.start_ms }), wall, summary.cpu_efficiency),
    timeline: await reportTimeline(store, { run_id: runId, hosts: run.hosts, start_ms: run.start_ms, end_ms: endMs }),
    ...(await logAndEvents(store, run, endMs, findings)),
    metrics: await runMetricSummaries(store, runId),
    elsewhere: run.end_ms === null ? [] : await elsewhereForRun(store, run, nodeTypes),
  };
  return runReportSchema.parse(report);
}

/** Node events on the run's hosts while it ran (and just after: the kill that ended it), and the kept log tail. */
async function logAndEvents(store: Store, run: RunRecord, endMs: number, findings: readonly Finding[]): Promise<Pick<RunReport, 'log' | 'events'>> {
  const [rows, lines] = await Promise.all([eventsOnHosts(store, run.hosts, run.start_ms, endMs + END_GRACE_MS), runLogTail(store, run.run_id)]);
  const events = reportEvents(rows, findings);
  const log = reportLog(lines, findings, events, run.tags);
  return { events, ...(log ? { log } : {}) };
}

/** Each rank's share of its time inside MPI, when the ranks reported it. */
async function mpiSummary(store: Store, runId: string): Promise<Pick<RunReport['summary'], 'mpi'>> {
  const ranks = await mpiRankTotals(store, runId);
  if (ranks.length === 0) return {};
  return {
    mpi: ranks.map((r) => ({
      rank: r.rank, host: r.host, pid: r.pid, wall_s: r.wall_s, mpi_s: r.mpi_s, calls: r.calls,
      mpi_share: r.wall_s > 0 ? Math.min(1, r.mpi_s / r.wall_s) : 0, compute_cpu_s: Math.max(0, r.cpu_s - r.mpi_cpu_s),
    })),
  };
}

/** Findings of the vocabulary, most severe and most confident first. */
function rank(findings: readonly Finding[]): Finding[] {
  return rankFindings(findings.filter((f) => isFindingKind(f.kind)));
}

/** A short run's storage rate against a device bandwidth no profile gives (model/short-run.ts). */
function shortRunAbsent(seconds: readonly { ts: number }[], s: RunReport['summary'], hosts: readonly string[], cap: StorageCapability): string[] {
  if (!isShortRun(seconds)) return [];
  return shortRunUndeterminable({ read_bytes: s.read_bytes ?? 0, write_bytes: s.write_bytes ?? 0, wall_s: s.wall_s }, cap, hosts);
}

/** Where the kernel's totals are the run's: what of them no per-process sample holds (unsampled.ts). */
function unsampledOf(kernel: boolean, tree: Totals, sampled: SampleTotals): Pick<RunReport['summary'], 'unsampled'> {
  const gap = kernel ? unsampledGap({ kernel: tree, sampled: { ...sampled, cpu_s: sampled.cpu_user_s + sampled.cpu_sys_s } }) : null;
  return gap ? { unsampled: gap } : {};
}

function unsampledAbsent(s: RunReport['summary']): string[] {
  const said = unsampledSentence(s);
  return said ? [`per process: ${said}; the totals above are the kernel's, the top processes and phases miss this part`] : [];
}

/** What could not be judged on these hosts, said once rather than guessed. */
function undeterminable(noPmu: readonly string[]): string[] {
  return noPmu.length > 0 ? [`memory_bandwidth_bound: undeterminable, no hardware PMU counters on ${noPmu.join(', ')}`] : [];
}
