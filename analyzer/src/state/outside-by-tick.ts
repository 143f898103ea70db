import type { BackgroundTick } from '../window/run-window.ts';
import { type RunLoadTick, mergeTicks, tickOutside } from './run-load.ts';

/** Ticks this far behind the host's newest load keep their outside load per run: a live window (60 s) and a margin. */
export const OUTSIDE_KEEP_MS = 120_000;

/** A tick's outside load per run, and the background it was made with. */
interface TickMemo {
  readonly bg: BackgroundTick | undefined;
  readonly byRun: Map<string, BackgroundTick | null>;
}

/**
 * A run's load as a host keeps it. The first load of each tick carries the tick's outside load
 * per run once asked (`memo`), so a run's window takes each tick's value made once instead of
 * summing every other run's load over the whole window at every evaluation (O(runs on the host ×
 * window) per evaluation before). HostState forgets a tick's memo when a load at that tick changes.
 */
export class StoredLoad implements RunLoadTick {
  memo: TickMemo | null = null;

  constructor(readonly ts: number, readonly run_id: string, readonly cpu_cores: number) {}
}

/**
 * outsideOf(runId, background, loads) for series in time order (background strictly, no NaN):
 * each tick's value from its memo where the tick is at or after `keepFrom`, made by the same
 * code (tickOutside) where it is missing or was made with another background.
 */
export function outsideMemo(runId: string, background: readonly BackgroundTick[], loads: readonly StoredLoad[], keepFrom: number): BackgroundTick[] {
  return mergeTicks(background, loads, (i, end, bg) => {
    const first = loads[i] as StoredLoad;
    if (!(first.ts >= keepFrom)) return tickOutside(runId, loads, i, end, bg);
    let memo = first.memo;
    if (!memo || memo.bg !== bg) first.memo = memo = { bg, byRun: new Map() };
    let value = memo.byRun.get(runId);
    if (value === undefined) memo.byRun.set(runId, (value = tickOutside(runId, loads, i, end, bg)));
    return value;
  });
}
