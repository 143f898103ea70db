// The replay generator: N virtual nodes, each publishing what its agent would, one Arrow
// batch per table per tick keyed by host, with the agent id and sequence ingest dedups on.
import type { Bus, OutgoingMessage } from '@runlens/pipeline';
import { HOST_RUNS_HEADER, type TableName, encodeMessage, hostRunsHeader, topicFor } from '@runlens/schemas';
import type { Recording } from '../lib/recording.ts';
import { replayTick, virtualHost } from '../lib/replay.ts';
import { cpuSeconds } from '../ingest/proc.ts';

export interface ReplayShape {
  readonly nodes: number;
  readonly seconds: number;
  readonly nodesPerJob: number;
}

export interface GeneratorRun extends ReplayShape {
  readonly messages: number;
  readonly process_rows: number;
  readonly node_rows: number;
  readonly wall_s: number;
  /** CPU of this process (encode + produce), the cost of emulating the agents' output. */
  readonly cpu_s: number;
}

export const REPLAY_TABLES: readonly TableName[] = ['process_samples', 'node_samples'];

/** BENCH_HOST_RUNS=0: node messages without the agents' host_runs header (agents before 2026-12-06). */
const BENCH_HOST_RUNS = process.env.BENCH_HOST_RUNS !== '0';

function message(table: TableName, host: string, seq: number, rows: readonly object[]): OutgoingMessage {
  return encodeMessage(table, rows as never, { agentId: `replay:${host}`, seq }, host);
}

/**
 * Publishes `seconds` of every virtual node, ending now, so live analysis sees current data.
 * Sends in chunks of whole ticks across all nodes, as a cluster's agents would interleave.
 * `seqBase`: the first sequence number of each node (default 0). A later replay into the same
 * topics starts past the earlier one's (2 × its seconds), or ingest would drop its messages as
 * duplicates of the first.
 */
export async function publishReplay(bus: Bus, rec: Recording, shape: ReplayShape, progress: (m: string) => void, seqBase = 0): Promise<GeneratorRun> {
  await bus.ensureTopics(REPLAY_TABLES.map(topicFor));
  const producer = bus.producer();
  const baseTs = Date.now() - shape.seconds * 1000;
  const cpu0 = cpuSeconds('self');
  const t0 = performance.now();
  let messages = 0;
  let processRows = 0;
  let nodeRows = 0;
  for (let t = 0; t < shape.seconds; t++) {
    const proc: OutgoingMessage[] = [];
    const node: OutgoingMessage[] = [];
    for (let n = 0; n < shape.nodes; n++) {
      const tick = replayTick(rec, n, t, { baseTs, nodesPerJob: shape.nodesPerJob });
      const host = virtualHost(n);
      proc.push(message('process_samples', host, seqBase + 2 * t, tick.process));
      // As an agent does: the node message names the runs on the host at the tick (from its process rows).
      const n1 = message('node_samples', host, seqBase + 2 * t + 1, tick.node);
      const runs = BENCH_HOST_RUNS ? hostRunsHeader(tick.process.map((r) => (r as { run_id?: unknown }).run_id)) : undefined;
      node.push(runs === undefined ? n1 : { ...n1, headers: { ...n1.headers, [HOST_RUNS_HEADER]: runs } });
      processRows += tick.process.length;
      nodeRows += tick.node.length;
    }
    await Promise.all([producer.send(topicFor('process_samples'), proc), producer.send(topicFor('node_samples'), node)]);
    messages += proc.length + node.length;
    if (t % 10 === 9) progress(`replay: ${t + 1}/${shape.seconds} s of ${shape.nodes} nodes published (${messages} messages)`);
  }
  return { ...shape, messages, process_rows: processRows, node_rows: nodeRows, wall_s: (performance.now() - t0) / 1000, cpu_s: cpuSeconds('self') - cpu0 };
}
