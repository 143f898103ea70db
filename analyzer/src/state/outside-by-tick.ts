import type { BackgroundTick } from '../window/run-window.ts';
import { type RunLoadTick, mergeTicks, tickOutside } from './run-load.ts';

/** Ticks this far behind the host's newest load are kept: a live window (60 s) and a margin. */
export const OUTSIDE_KEEP_MS = 120_000;

/**
 * A host's outside load per tick as each run on it sees it, made once per tick and run instead of
 * at every evaluation of every run over its whole window (O(runs on the host × window) per
 * evaluation before). The value of a tick is forgotten when a load or the background at that tick
 * changes; it is then made again from the series, by the same code (run-load.ts tickOutside).
 */
export class OutsideByTick {
  private readonly at = new Map<number, Map<string, BackgroundTick | null>>();
  private newest = -Infinity;

  /** A load or the background at `ts` changed. */
  forget(ts: number): void {
    this.at.delete(ts);
    if (ts > this.newest) this.newest = ts;
  }

  /** outsideOf(runId, background, loads) for series in time order (background strictly), each tick's value made once. */
  outside(runId: string, background: readonly BackgroundTick[], loads: readonly RunLoadTick[]): BackgroundTick[] {
    this.evict();
    const keepFrom = this.newest - OUTSIDE_KEEP_MS;
    return mergeTicks(background, loads, (i, end, bg) => {
      const ts = (loads[i] as RunLoadTick).ts;
      if (!(ts >= keepFrom)) return tickOutside(runId, loads, i, end, bg);
      let byRun = this.at.get(ts);
      if (!byRun) this.at.set(ts, (byRun = new Map()));
      let value = byRun.get(runId);
      if (value === undefined) byRun.set(runId, (value = tickOutside(runId, loads, i, end, bg)));
      return value;
    });
  }

  /** Drops ticks older than what is kept (entries come roughly in time order: the oldest first). */
  private evict(): void {
    const keepFrom = this.newest - OUTSIDE_KEEP_MS;
    for (const ts of this.at.keys()) {
      if (ts >= keepFrom) break;
      this.at.delete(ts);
    }
  }
}
