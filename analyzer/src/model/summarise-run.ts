import type { Row } from '@runlens/schemas';
import { summarisePhases } from '../phases/phases.ts';
import type { FindingDraft } from '../detectors/detector.ts';
import type { RunState } from '../state/run-state.ts';
import type { RunWindow } from '../window/run-window.ts';
import { mean } from '../lib/stats.ts';
import { commandFingerprint } from './fingerprint.ts';

/** The run's fingerprint row from its final window and its kernel totals where known. */
export function summariseRun(run: RunState, w: RunWindow, findings: readonly FindingDraft[], now: number, nodeType: string): Row<'run_summaries'> {
  const meta = run.meta;
  const first = w.ticks[0]?.ts ?? now;
  const last = w.ticks[w.ticks.length - 1]?.ts ?? first;
  const wall = meta?.end_ts ? (meta.end_ts - meta.start_ts) / 1000 : (last - first) / 1000;
  const sampledCpu = w.ticks.reduce((a, t, i) => a + t.cpu_cores * (i === 0 ? (w.tick_s ?? 1) : (t.ts - (w.ticks[i - 1]?.ts ?? t.ts)) / 1000), 0);
  const cpuS = meta?.cpu_user_s !== null && meta?.cpu_user_s !== undefined ? meta.cpu_user_s + (meta.cpu_sys_s ?? 0) : sampledCpu;
  const hosts = Math.max(1, w.hosts?.length ?? 1);
  const scale = w.alloc_cores;
  const gpuUtil = (w.hosts ?? []).flatMap((h) => h.gpus.filter((g) => g.run_procs > 0 && g.util_ratio !== null).map((g) => g.util_ratio ?? 0));
  return {
    run_id: run.run_id, app: meta?.app ?? '', fingerprint: commandFingerprint(meta?.cmd ?? ''), scale_cores: scale, hosts, node_type: nodeType,
    updated_ts: now, wall_s: Math.max(wall, 0.001), cpu_s: cpuS, cpu_efficiency: cpuS / (Math.max(wall, 0.001) * scale),
    cpu_cores_mean: mean(w.ticks.map((t) => t.cpu_cores)), storage_bytes_per_s_mean: mean(w.ticks.map((t) => t.storage_bytes_per_s)),
    peak_rss_bytes: Math.max(0, ...w.ticks.map((t) => t.rss_bytes)), read_bytes: meta?.read_bytes ?? 0, write_bytes: meta?.write_bytes ?? 0,
    gpu_util_mean: gpuUtil.length > 0 ? mean(gpuUtil) : null,
    phase_profile: summarisePhases(w.ticks).map((p) => `${p.label}:${((p.end_ts - p.start_ts) / 1000).toFixed(1)}:${p.cpu_cores_mean.toFixed(2)}`),
    finding_kinds: [...new Set(findings.map((f) => f.kind))],
  };
}
