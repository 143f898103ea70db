import { defineDetector, round } from '../detector.ts';
import type { FindingDraft } from '../detector.ts';
import { type HostCause, hasHostCause, hostCause, peerRatios, workingRates } from '../peers.ts';

export const SLOW_RATIO = 0.75;
export const MIN_TICKS = 5;

function causeText(c: HostCause): string {
  if (c.throttled_ratio >= 0.2) return `CPU quota throttling in ${Math.round(c.throttled_ratio * 100)}% of periods`;
  if (c.steal_cores >= 0.1) return `${round(c.steal_cores, 2)} cores stolen by the hypervisor`;
  if (c.outside_cores >= 0.5) return `${round(c.outside_cores, 2)} cores used by processes outside the run`;
  return 'no host-level cause seen';
}

/** One host progresses slower than its peers, and the host itself shows why. */
export const slowNode = defineDetector({
  id: 'slow_node',
  description: 'A host whose share of the run progresses well below the peer median.',
  evaluate(w) {
    const hosts = (w.hosts ?? []).filter((h) => h.ticks.length >= MIN_TICKS);
    if (hosts.length < 2) return [];
    const { rates, floor_cores } = workingRates(new Map(hosts.map((h) => [h.host, h.ticks])));
    const ratios = peerRatios(rates);
    const out: FindingDraft[] = [];
    for (const h of hosts) {
      const ratio = ratios.get(h.host) ?? 1;
      if (ratio > SLOW_RATIO) continue;
      const cause = hostCause(h);
      if (!hasHostCause(cause)) continue;
      out.push({
        kind: 'slow_node', scope: 'host', scope_id: h.host, host: h.host, start_ts: h.ticks[0]?.ts ?? 0, end_ts: h.ticks[h.ticks.length - 1]?.ts ?? 0,
        severity: ratio < 0.5 ? 'critical' : 'warning', confidence: round(Math.min(1, 0.5 + (SLOW_RATIO - ratio))),
        message: `Slow node ${h.host}: progresses at ${Math.round(ratio * 100)}% of the peer median; ${causeText(cause)}`,
        advice: `Ask operations to check ${h.host} (cgroup quota, CPU frequency, thermal state, neighbours); exclude it (--exclude=${h.host}) until fixed.`,
        evidence: { peer_ratio: round(ratio), slow_ratio_threshold: SLOW_RATIO, working_user_cores: round(rates.get(h.host) ?? 0), working_floor_cores: round(floor_cores), throttled_ratio: round(cause.throttled_ratio), steal_cores: round(cause.steal_cores), outside_cores: round(cause.outside_cores), peers: hosts.length },
      });
    }
    return out;
  },
});
