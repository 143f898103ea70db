import { groupBy } from '@runlens/schemas';
import { defineDetector, round } from '../detector.ts';
import type { FindingDraft } from '../detector.ts';
import type { GpuTick, HostView, IbTick } from '../../window/run-window.ts';
import { kernelFaults } from './kernel-events.ts';

/** Throttle reasons that mean the hardware protects itself (not the power/clock policy). */
export const HW_THROTTLE_REASONS = ['hw_slowdown', 'hw_thermal_slowdown', 'hw_power_brake_slowdown'] as const;
export const HW_THROTTLE_MIN_TICKS = 3;
/** Consecutive ticks with IB error counters rising. */
export const IB_ERROR_MIN_CONSECUTIVE_TICKS = 3;
export const ECC_MIN_INCREASE = 1;

type Draft = Omit<FindingDraft, 'kind' | 'host'>;

/** Sum of the rises of an absolute counter; a fall is a reset (driver reload, port reset), not a negative rise. */
function rises<T extends { ts: number }>(ticks: readonly T[], value: (t: T) => number | null): { total: number; first_ts: number | null } {
  let prev: number | null = null;
  let total = 0;
  let firstTs: number | null = null;
  for (const t of ticks) {
    const v = value(t);
    if (v === null) continue;
    if (prev !== null && v > prev) {
      total += v - prev;
      firstTs ??= t.ts;
    }
    prev = v;
  }
  return { total, first_ts: firstTs };
}

function eccFault(uuid: string, ticks: readonly GpuTick[]): Draft | null {
  const r = rises(ticks, (t) => t.ecc_uncorrected);
  if (r.total < ECC_MIN_INCREASE || r.first_ts === null) return null;
  const known = ticks.filter((t) => t.ecc_uncorrected !== null);
  return {
    severity: 'critical', scope: 'gpu', scope_id: uuid, start_ts: r.first_ts, end_ts: ticks[ticks.length - 1]?.ts ?? r.first_ts, confidence: 0.95,
    message: `Hardware fault: ${r.total} uncorrected ECC error(s) on ${uuid} during the run`,
    advice: 'Results computed on this GPU may be corrupt: drain the node (scontrol update nodename=<host> state=drain reason="GPU ECC"), inspect nvidia-smi -q -d ECC,ROW_REMAPPER,PAGE_RETIREMENT and the XID lines in dmesg, and rerun the job on another node.',
    evidence: {
      ecc_uncorrected_first: known[0]?.ecc_uncorrected ?? null, ecc_uncorrected_last: known[known.length - 1]?.ecc_uncorrected ?? null,
      ecc_increase: r.total, min_increase: ECC_MIN_INCREASE,
    },
  };
}

function throttleFault(uuid: string, ticks: readonly GpuTick[]): Draft | null {
  if (!ticks.some((t) => t.run_procs > 0)) return null;
  const hw = (t: GpuTick): string[] => t.throttle_reasons.filter((r) => (HW_THROTTLE_REASONS as readonly string[]).includes(r));
  const hits = ticks.filter((t) => hw(t).length > 0);
  if (hits.length < HW_THROTTLE_MIN_TICKS) return null;
  const reasons = [...new Set(hits.flatMap(hw))].sort().join(',');
  return {
    severity: 'warning', scope: 'gpu', scope_id: uuid, start_ts: hits[0]?.ts ?? 0, end_ts: hits[hits.length - 1]?.ts ?? 0, confidence: 0.9,
    message: `Hardware fault: ${uuid} was slowed down by the hardware (${reasons}) in ${hits.length} of ${ticks.length} samples`,
    advice: 'The GPU protects itself: check nvidia-smi -q -d PERFORMANCE,TEMPERATURE,POWER on the node; hw_thermal → cooling / inlet temperature, hw_power_brake → PSU or power-brake signal, hw_slowdown → both; ask operations to inspect the node and drain it if it recurs.',
    evidence: { hw_throttle_ticks: hits.length, ticks: ticks.length, reasons, min_ticks: HW_THROTTLE_MIN_TICKS },
  };
}

/** Longest run of consecutive ticks with errors, as its length and first/last tick times. */
function longestErrorRun(ticks: readonly IbTick[]): { n: number; start: number; end: number } {
  let best = { n: 0, start: 0, end: 0 };
  let cur = { n: 0, start: 0, end: 0 };
  for (const t of ticks) {
    cur = t.errors_per_s > 0 ? { n: cur.n + 1, start: cur.n === 0 ? t.ts : cur.start, end: t.ts } : { n: 0, start: 0, end: 0 };
    if (cur.n > best.n) best = cur;
  }
  return best;
}

function errorFault(port: string, ticks: readonly IbTick[]): Draft | null {
  const run = longestErrorRun(ticks);
  if (run.n < IB_ERROR_MIN_CONSECUTIVE_TICKS) return null;
  const errs = ticks.filter((t) => t.errors_per_s > 0);
  return {
    severity: 'warning', scope: 'port', scope_id: port, start_ts: run.start, end_ts: run.end, confidence: 0.85,
    message: `Hardware fault: IB port ${port} counts errors for ${run.n} consecutive samples (up to ${round(Math.max(...errs.map((t) => t.errors_per_s)), 1)}/s)`,
    advice: `Check the link: ibstat ${port.replace('/', ' ')} and perfquery -x (or ibqueryerrors) for symbol / receive errors on both ends; reseat or replace the cable or transceiver if they keep rising.`,
    evidence: {
      longest_error_run_ticks: run.n, error_ticks: errs.length, errors_per_s_max: round(Math.max(...errs.map((t) => t.errors_per_s)), 3),
      min_consecutive_ticks: IB_ERROR_MIN_CONSECUTIVE_TICKS,
    },
  };
}

function linkDownFault(port: string, ticks: readonly IbTick[]): Draft | null {
  const downed = rises(ticks, (t) => t.link_downed);
  const firstActive = ticks.findIndex((t) => t.state === 'ACTIVE');
  const lost = firstActive < 0 ? undefined : ticks.slice(firstActive).find((t) => t.state !== 'ACTIVE');
  if (downed.total === 0 && !lost) return null;
  const start = Math.min(downed.first_ts ?? Infinity, lost?.ts ?? Infinity);
  return {
    severity: 'critical', scope: 'port', scope_id: port, start_ts: start, end_ts: ticks[ticks.length - 1]?.ts ?? start, confidence: 0.95,
    message: `Hardware fault: IB port ${port} went down during the run${lost ? ` (ACTIVE → ${lost.state})` : ''}, link_downed +${downed.total}`,
    advice: 'The link dropped: check ibstat / iblinkinfo for the port and the switch side, reseat or replace the cable, and drain the node (scontrol update nodename=<host> state=drain) if the link flaps; MPI/NCCL jobs on it will hang or fail.',
    evidence: {
      link_downed_increase: downed.total, state_before: firstActive < 0 ? null : 'ACTIVE', state_after: lost?.state ?? null,
      min_link_downed_increase: 1,
    },
  };
}

function onHost(h: HostView): FindingDraft[] {
  // Nothing to judge on a host without GPU, IB or kernel rows: no groups to build at every tick.
  if (h.gpus.length === 0 && h.ib.length === 0 && (h.events?.length ?? 0) === 0) return [];
  const gpu = [...groupBy(h.gpus, (g) => g.gpu_uuid)].flatMap(([uuid, ts]) => [eccFault(uuid, ts), throttleFault(uuid, ts)]);
  const ib = [...groupBy(h.ib, (t) => t.port)].flatMap(([port, ts]) => [linkDownFault(port, ts), errorFault(port, ts)]);
  const sampled = [...gpu, ...ib].filter((d): d is Draft => d !== null).map((d): FindingDraft => ({ ...d, kind: 'hardware_fault', host: h.host }));
  return [...sampled, ...kernelFaults(h)];
}

/** GPU ECC errors or hardware throttling, IB errors or a link going down, and kernel XID/MCE/EDAC/link events, during the run. */
export const hardwareFault = defineDetector({
  id: 'hardware_fault',
  description: 'GPU ECC errors or hardware slowdown, IB errors or link down, kernel XID/MCE/EDAC/link-down events, during the run.',
  evaluate(w) {
    return (w.hosts ?? []).flatMap(onHost);
  },
});
