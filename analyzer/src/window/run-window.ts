/** What detectors see of a run: per-tick aggregates of its processes and of its hosts. */
export interface RunTick {
  readonly ts: number;
  readonly cpu_cores: number;
  /** CPU used by processes that saturate their threads (on CPU or waiting for one). */
  readonly pegged_cpu_cores: number;
  readonly run_delay_cores: number;
  readonly rss_bytes: number;
  readonly storage_bytes_per_s: number;
  readonly syscall_bytes_per_s: number;
  readonly procs: number;
  readonly d_state_procs: number;
  readonly threads: number;
}

export interface NodeTick {
  readonly ts: number;
  readonly iowait_cores: number;
  readonly psi_io_some: number | null;
  readonly psi_memory_some: number | null;
}

export interface RunWindow {
  readonly run_id: string;
  readonly host: string;
  readonly alloc_cores: number;
  readonly mem_total_bytes: number | null;
  readonly ticks: readonly RunTick[];
  readonly node: readonly NodeTick[];
}

/** Seconds a window covers: the gaps between tick times, plus one nominal tick. */
export function spanSeconds(ticks: readonly { ts: number }[]): number {
  if (ticks.length === 0) return 0;
  const first = ticks[0]?.ts ?? 0;
  const last = ticks[ticks.length - 1]?.ts ?? first;
  return (last - first) / 1000 + (ticks.length > 1 ? (last - first) / 1000 / (ticks.length - 1) : 1);
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The node tick nearest in time to `ts` (node and process ticks share tick times per host). */
export function nodeAt(window: RunWindow, ts: number): NodeTick | null {
  let best: NodeTick | null = null;
  for (const n of window.node) if (!best || Math.abs(n.ts - ts) < Math.abs(best.ts - ts)) best = n;
  return best && Math.abs(best.ts - ts) <= 2000 ? best : null;
}
