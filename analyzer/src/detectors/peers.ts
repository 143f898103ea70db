import { NearestCursor } from '../window/nearest-cursor.ts';
import { mean, median } from '../lib/stats.ts';
import type { HostView, RankView, RunTick } from '../window/run-window.ts';

/** Progress of a peer: user CPU it used per tick (compute done), over the active window. */
export function progressRate(ticks: readonly Pick<RunTick, 'user_cores'>[]): number {
  // mean() of the user cores, summed in the same order, without an array per rank per evaluation.
  let sum = 0;
  for (const t of ticks) sum += t.user_cores;
  return ticks.length === 0 ? 0 : sum / ticks.length;
}

/** A rank's progress (progressRate of its ticks), from the sums its view carries where it has them. */
export function rankProgress(r: RankView): number {
  return r.user ? (r.user.n === 0 ? 0 : r.user.sum / r.user.n) : progressRate(r.ticks);
}

/** How many ticks a rank's view holds, and its first and last tick times (Infinity and 0 where none). */
export function rankSpan(r: RankView): { n: number; first: number; last: number } {
  if (r.user) return r.user.n === 0 ? { n: 0, first: Infinity, last: 0 } : r.user;
  return { n: r.ticks.length, first: r.ticks[0]?.ts ?? Infinity, last: r.ticks[r.ticks.length - 1]?.ts ?? 0 };
}

/** A tick counts as working when it uses at least this share of the peers' median busiest tick. */
export const WORKING_SHARE = 0.1;

/**
 * Speed of each peer while it works: user CPU per tick over its working ticks only. A host that
 * finished its share early and waits (idle, or holding only the job's launcher, as the batch
 * host does) is not slower for it; the idle tail is the wait for the slow one, not slowness.
 * The bar is set by the peers, not by the host itself, so a host that slows down mid-run keeps
 * its slow ticks, and one that never reaches the bar has a speed of 0.
 */
export function workingRates<K>(peers: ReadonlyMap<K, readonly RunTick[]>): { rates: Map<K, number>; floor_cores: number } {
  const peak = (ticks: readonly RunTick[]): number => Math.max(0, ...ticks.map((t) => t.cpu_cores));
  const floor = WORKING_SHARE * median([...peers.values()].map(peak));
  const rates = new Map([...peers].map(([k, ticks]) => [k, mean(ticks.filter((t) => t.cpu_cores >= floor).map((t) => t.user_cores))]));
  return { rates, floor_cores: floor };
}

/** Each peer's progress as a ratio to the peer median (1 = typical). */
export function peerRatios<K>(peers: ReadonlyMap<K, number>): Map<K, number> {
  const med = median([...peers.values()]);
  return new Map([...peers].map(([k, v]) => [k, med > 0 ? v / med : 1]));
}

export interface HostCause {
  readonly throttled_ratio: number;
  readonly steal_cores: number;
  readonly outside_cores: number;
}

export const THROTTLE_CAUSE = 0.2;
export const STEAL_CAUSE = 0.1;
export const OUTSIDE_CAUSE = 0.5;

/** What on the host itself could slow a peer down: CFS throttling, hypervisor steal, outside load. */
export function hostCause(h: HostView): HostCause {
  // Rows without CPU data (another v1 controller's path) say nothing about throttling.
  // Sums in the ticks' order, as mean() adds them; the nearest node and background tick by a walk, not a search per tick.
  let throttled = 0;
  let read = 0;
  for (const c of h.cgroup) {
    if (c.throttled_ratio === null) continue;
    throttled += c.throttled_ratio;
    read++;
  }
  const node = new NearestCursor(h.node);
  const background = new NearestCursor(h.background);
  let steal = 0;
  let outside = 0;
  for (const t of h.ticks) {
    steal += node.nearest(t.ts)?.steal_cores ?? 0;
    outside += background.nearest(t.ts)?.cpu_cores ?? 0;
  }
  const n = h.ticks.length;
  return { throttled_ratio: read === 0 ? 0 : throttled / read, steal_cores: n === 0 ? 0 : steal / n, outside_cores: n === 0 ? 0 : outside / n };
}

export function hasHostCause(c: HostCause): boolean {
  return c.throttled_ratio >= THROTTLE_CAUSE || c.steal_cores >= STEAL_CAUSE || c.outside_cores >= OUTSIDE_CAUSE;
}
