import type { HostView, RankView, RunWindow } from './run-window.ts';
import { lowerBound } from './tick-series.ts';

/** The items at or after `from`, in their order: a slice where the series is in time order (a window's is), a filter otherwise. */
function since<T extends { ts: number }>(s: readonly T[], from: number): T[] {
  let prev = -Infinity;
  let ordered = !Number.isNaN(from);
  for (let i = 0; i < s.length && ordered; i++) {
    const t = (s[i] as T).ts;
    ordered = t >= prev;
    prev = t;
  }
  return ordered ? s.slice(lowerBound(s, from)) : s.filter((t) => t.ts >= from);
}

/**
 * The ticks at or after `from` of a run's or host's ticks as RunState.window gives them: always in
 * time order (a TickSeries' slice, or hosts merged by second), so cut by a search, without the
 * walk over every tick that `since` makes to learn the order of host series that may arrive late.
 */
function ticksSince<T extends { ts: number }>(ticks: readonly T[], from: number): T[] {
  return Number.isNaN(from) ? ticks.filter((t) => t.ts >= from) : ticks.slice(lowerBound(ticks, from));
}

/**
 * A host's view from `from` on: its ticks from `from`, its host series from 1.5 s before, each cut
 * by a search where the view says they are in time order (reading every tick to learn the order
 * was 2% of the analyzer's CPU).
 */
function hostSince(h: HostView, from: number): HostView {
  const near = from - 1500;
  const cut = h.inOrder === true ? ticksSince : since;
  return {
    ...h, ticks: ticksSince(h.ticks, from), node: cut(h.node, near), background: cut(h.background, near), cgroup: cut(h.cgroup, near),
    gpus: cut(h.gpus, near), ib: cut(h.ib, near), ...(h.live ? { live: { start: Math.max(h.live.start, from), end: h.live.end } } : {}),
  };
}

/**
 * The newest part of a window, from `from` on. Its run-level series are cut at once; its hosts and
 * ranks when first read: of the detectors shown a short live window, some judge only the run's
 * ticks (oversubscription), and none its ranks, while a cut is made per run at every tick.
 */
interface TrailingWindow extends Omit<RunWindow, 'hosts' | 'ranks'> {}
class TrailingWindow implements RunWindow {
  private cutHosts: HostView[] | undefined;
  private cutRanks: RankView[] | undefined;

  constructor(private readonly w: RunWindow, private readonly from: number) {
    // Every other field as the window has it (a field added to RunWindow comes along), its run-level series cut.
    const { hosts: _hosts, ranks: _ranks, ...rest } = w;
    Object.assign(this, rest, { ticks: ticksSince(w.ticks, from), node: since(w.node, from - 1500) });
  }

  get hosts(): readonly HostView[] | undefined {
    if (!this.w.hosts) return undefined;
    return (this.cutHosts ??= this.w.hosts.map((h) => hostSince(h, this.from)));
  }

  get ranks(): readonly RankView[] | undefined {
    if (!this.w.ranks) return undefined;
    return (this.cutRanks ??= this.w.ranks.map((r) => ({ rank: r.rank, host: r.host, ticks: since(r.ticks, this.from) })));
  }
}

/**
 * The newest part of a window, from `from` (epoch ms) on: what RunState.window(from) gives, cut
 * from a longer window already built instead of from the run's state again (its ticks, run and
 * hosts', are in time order, as RunState.window gives them). Host series keep the same 1.5 s
 * margin; kernel events keep the ownership the longer window gave them. A rank's cut carries no
 * column sums: it is read from its ticks.
 */
export function trailing(w: RunWindow, from: number): RunWindow {
  return new TrailingWindow(w, from);
}
