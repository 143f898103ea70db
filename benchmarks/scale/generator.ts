// The replay generator: N virtual nodes, each publishing what its agent would, one Arrow
// batch per table per tick keyed by host, with the agent id and sequence ingest dedups on.
import type { Bus, OutgoingMessage } from '@runlens/pipeline';
import { type TableName, encodeMessage, topicFor } from '@runlens/schemas';
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

function message(table: TableName, host: string, seq: number, rows: readonly object[]): OutgoingMessage {
  return encodeMessage(table, rows as never, { agentId: `replay:${host}`, seq }, host);
}

/**
 * Publishes `seconds` of every virtual node, ending now, so live analysis sees current data.
 * Sends in chunks of whole ticks across all nodes, as a cluster's agents would interleave.
 */
export async function publishReplay(bus: Bus, rec: Recording, shape: ReplayShape, progress: (m: string) => void): Promise<GeneratorRun> {
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
      proc.push(message('process_samples', host, 2 * t, tick.process));
      node.push(message('node_samples', host, 2 * t + 1, tick.node));
      processRows += tick.process.length;
      nodeRows += tick.node.length;
    }
    await Promise.all([producer.send(topicFor('process_samples'), proc), producer.send(topicFor('node_samples'), node)]);
    messages += proc.length + node.length;
    if (t % 10 === 9) progress(`replay: ${t + 1}/${shape.seconds} s of ${shape.nodes} nodes published (${messages} messages)`);
  }
  return { ...shape, messages, process_rows: processRows, node_rows: nodeRows, wall_s: (performance.now() - t0) / 1000, cpu_s: cpuSeconds('self') - cpu0 };
}
