import type { RunTick } from '../window/run-window.ts';
import { type TickSeries, lowerBound } from '../window/tick-series.ts';
import { mergeBySecond, sumTicks } from './tick-agg.ts';

/** How much of a run's recent history its sums per second keep: the live windows (60 s by default) and more. */
export const SECONDS_KEPT_MS = 5 * 60_000;

/** The second a time falls in, to the nearest one, as mergeBySecond groups ticks. */
const secondOf = (ts: number): number => Math.round(ts / 1000);
/** Where second `k` begins: mergeBySecond puts times from 1000k - 500 up to 1000k + 500 in it. */
const startOf = (k: number): number => 1000 * k - 500;

/**
 * A run's ticks summed over its hosts per second, kept up to date as the hosts' ticks arrive: what
 * mergeBySecond gives over the hosts' ticks of a live window, which each evaluation of a run on
 * several hosts worked out again (every host's 60 ticks walked, and a tick made per second). A
 * second is summed as mergeBySecond sums it, the hosts in the run's order and each host's ticks in
 * time order, so a window holds the same values to the bit. Complete from `coveredFrom` on; a
 * window that starts earlier (a whole run) is merged from the hosts as before.
 */
export class RunSeconds {
  private sums: RunTick[] = [];
  private coveredFrom = Infinity;

  /** Sums again every second the hosts hold from `from` on (the run's hosts changed: the order of the sums too). */
  rebuild(hosts: readonly TickSeries<RunTick>[], from: number): void {
    this.coveredFrom = Number.isFinite(from) ? startOf(Math.ceil((from + 500) / 1000)) : -Infinity;
    this.sums = mergeBySecond(hosts.map((h) => h.since(this.coveredFrom)), true);
  }

  /** A host's tick at `ts` was set: its second is summed again. */
  update(hosts: readonly TickSeries<RunTick>[], ts: number): void {
    if (!(ts >= this.coveredFrom)) return;
    const k = secondOf(ts);
    const sum = sumTicks(1000 * k, ticksOf(hosts, startOf(k), startOf(k + 1)));
    const at = lowerBound(this.sums, sum.ts);
    if (this.sums[at]?.ts === sum.ts) this.sums[at] = sum;
    else this.sums.splice(at, 0, sum);
    this.forgetBefore(ts - SECONDS_KEPT_MS);
  }

  /** What mergeBySecond gives over the hosts' ticks at or after `from`; null where that reaches before what is kept. */
  since(hosts: readonly TickSeries<RunTick>[], from: number): RunTick[] | null {
    if (!(from >= this.coveredFrom)) return null;
    // Only the second `from` falls in can hold ticks before it: summed from the hosts, the rest taken as kept.
    const k = secondOf(from);
    const first = ticksOf(hosts, from, startOf(k + 1));
    const rest = this.sums.slice(lowerBound(this.sums, 1000 * (k + 1)));
    return first.length > 0 ? [sumTicks(1000 * k, first), ...rest] : rest;
  }

  /** Drops the sums of the seconds before `ts`'s (once a minute's worth has gathered, so not per tick). */
  forgetBefore(ts: number): void {
    const start = startOf(Math.ceil((ts + 500) / 1000));
    if (!(start - this.coveredFrom >= 60_000)) return;
    this.coveredFrom = start;
    this.sums.splice(0, lowerBound(this.sums, start + 500));
  }
}

/** Every host's ticks from `from` up to `to`, the hosts in order, each host's in time order. */
function ticksOf(hosts: readonly TickSeries<RunTick>[], from: number, to: number): RunTick[] {
  const out: RunTick[] = [];
  for (const h of hosts) for (const t of h.between(from, to)) out.push(t);
  return out;
}
