// The replayed hour, cut into time windows of all nodes: one window is one insert / import
// request in every store, so every store sees the same batches in the same order.
import type { Row } from '@runlens/schemas';
import type { Recording } from '../lib/recording.ts';
import { replayTick } from '../lib/replay.ts';

export interface DatasetOptions {
  readonly nodes: number;
  readonly seconds: number;
  readonly windowS: number;
  /** Wall-clock ms of replayed second 0. */
  readonly baseTs: number;
  readonly nodesPerJob: number;
}

export interface Window {
  readonly fromS: number;
  readonly process: Row<'process_samples'>[];
  readonly node: Row<'node_samples'>[];
}

/** Windows in time order; inside one, rows are ordered by second, then node. */
export function* windows(rec: Recording, opts: DatasetOptions): Generator<Window> {
  const replay = { baseTs: opts.baseTs, nodesPerJob: opts.nodesPerJob };
  for (let from = 0; from < opts.seconds; from += opts.windowS) {
    const process: Row<'process_samples'>[] = [];
    const node: Row<'node_samples'>[] = [];
    for (let t = from; t < Math.min(opts.seconds, from + opts.windowS); t++) {
      for (let n = 0; n < opts.nodes; n++) {
        const tick = replayTick(rec, n, t, replay);
        for (const r of tick.process) process.push(r);
        for (const r of tick.node) node.push(r);
      }
    }
    yield { fromS: from, process, node };
  }
}

/**
 * Midnight UTC two days ago: the hour sits inside one ClickHouse day partition, one
 * Prometheus 2 h block, one victoria-metrics day index, and well inside every retention.
 */
export function defaultBaseTs(now = Date.now()): number {
  const day = 86_400_000;
  return Math.floor(now / day) * day - 2 * day;
}
