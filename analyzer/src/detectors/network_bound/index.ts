import { defineDetector, round } from '../detector.ts';
import type { FindingDraft } from '../detector.ts';
import { mean } from '../../lib/stats.ts';
import { type HostView, type IbTick, hasIbTicks } from '../../window/run-window.ts';

/** A direction counts as saturated at this share of the link's data rate. */
export const NETWORK_LINK_SHARE = 0.7;
/** port_xmit_wait increments per second above which the port is congested (sends wait for credits). */
export const NETWORK_XMIT_WAIT_PER_S = 1e5;
export const NETWORK_MIN_TICK_SHARE = 0.5;
export const NETWORK_MIN_TICKS = 5;

function byPort(ib: readonly IbTick[]): Map<string, IbTick[]> {
  const out = new Map<string, IbTick[]>();
  for (const t of ib) out.set(t.port, [...(out.get(t.port) ?? []), t]);
  return out;
}

/** Link data rate in bytes/s: the port's own rate, else the node profile's; null when neither is known. */
function linkBytesPerS(h: HostView, t: IbTick): number | null {
  const gbps = t.link_rate_gbps ?? h.profile?.ib_link_rate_gbps ?? null;
  return gbps !== null && gbps > 0 ? (gbps * 1e9) / 8 : null;
}

function congested(h: HostView, port: string, ticks: readonly IbTick[]): FindingDraft | null {
  if (ticks.length < NETWORK_MIN_TICKS) return null;
  const peak = (t: IbTick): number => Math.max(t.rx_bytes_per_s, t.tx_bytes_per_s);
  const rated = ticks.filter((t) => linkBytesPerS(h, t) !== null);
  const full = rated.filter((t) => peak(t) >= NETWORK_LINK_SHARE * (linkBytesPerS(h, t) ?? Infinity));
  const waits = ticks.filter((t) => t.xmit_wait_per_s !== null);
  const waiting = waits.filter((t) => (t.xmit_wait_per_s ?? 0) >= NETWORK_XMIT_WAIT_PER_S);
  const fullShare = full.length / ticks.length;
  const waitShare = waiting.length / ticks.length;
  if (fullShare < NETWORK_MIN_TICK_SHARE && waitShare < NETWORK_MIN_TICK_SHARE) return null;
  const hits = ticks.filter((t) => full.includes(t) || waiting.includes(t));
  const link = rated.length ? linkBytesPerS(h, rated[rated.length - 1] as IbTick) : null;
  const peakMean = mean(hits.map(peak));
  const wait = waits.length ? mean(waits.map((t) => t.xmit_wait_per_s ?? 0)) : null;
  const why = [
    fullShare >= NETWORK_MIN_TICK_SHARE && link ? `${round(peakMean / 1e9, 1)} GB/s (${Math.round((peakMean / link) * 100)}% of ${round((link * 8) / 1e9, 0)} Gb/s) in ${Math.round(fullShare * 100)}% of samples` : null,
    waitShare >= NETWORK_MIN_TICK_SHARE && wait !== null ? `xmit_wait ${wait.toExponential(1)}/s in ${Math.round(waitShare * 100)}% of samples` : null,
  ].filter((s) => s !== null);
  return {
    kind: 'network_bound', severity: 'warning', scope: 'port', scope_id: port, host: h.host,
    start_ts: hits[0]?.ts ?? 0, end_ts: hits[hits.length - 1]?.ts ?? 0,
    confidence: round(Math.min(1, 0.5 + Math.max(fullShare, waitShare) / 2 - (fullShare >= NETWORK_MIN_TICK_SHARE && waitShare >= NETWORK_MIN_TICK_SHARE ? 0 : 0.1))),
    message: `Network-bound: IB port ${port} on ${h.host} at ${why.join('; ')}`,
    advice: 'The fabric limits the run: profile the communication with mpiP or IPM (NCCL: NCCL_DEBUG=INFO and nsys) to find the heavy collectives and message sizes; overlap or reduce them, and check topology and placement (ranks per node/switch, rail alignment) with ibnetdiscover / the job\'s node list.',
    evidence: {
      link_rate_bytes_per_s: link, rx_bytes_per_s_mean: round(mean(ticks.map((t) => t.rx_bytes_per_s)), 0),
      tx_bytes_per_s_mean: round(mean(ticks.map((t) => t.tx_bytes_per_s)), 0), saturated_tick_share: round(fullShare),
      xmit_wait_per_s_mean: wait === null ? null : round(wait, 0), xmit_wait_tick_share: round(waitShare), ticks: ticks.length,
      link_share_threshold: NETWORK_LINK_SHARE, xmit_wait_per_s_threshold: NETWORK_XMIT_WAIT_PER_S,
      min_tick_share: NETWORK_MIN_TICK_SHARE, min_ticks: NETWORK_MIN_TICKS,
    },
  };
}

/** An IB port runs near its link rate, or its sends keep waiting for credits. */
export const networkBound = defineDetector({
  id: 'network_bound',
  description: 'An IB port runs at ≥70% of its link rate, or xmit_wait stays high.',
  evaluate(w) {
    if (!(w.hosts ?? []).some(hasIbTicks)) return [];
    return (w.hosts ?? []).flatMap((h) =>
      [...byPort(h.ib)].map(([port, ticks]) => congested(h, port, ticks)).filter((f): f is FindingDraft => f !== null));
  },
});
