/**
 * What the analyzer pays to read a message's rows (messageRows): from its columns (column-rows.ts,
 * since 2026-12-06) against apache-arrow's Table (batchToRows, before), on the real recording's
 * node rows and process rows, one message per virtual node and second as agents send them.
 *   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/analyzer/rows-probe.ts
 */
import { type DecodedMessage, type TableName, batchToRows, decodeMessage, encodeMessage, messageRows, SCHEMA_VERSION, topicFor } from '@runlens/schemas';
import { loadRecording } from '../lib/recording.ts';
import { replayTick } from '../lib/replay.ts';

const MESSAGES = 5_000;
const ROUNDS = 5;

function messages(table: 'node_samples' | 'process_samples'): { decoded: DecodedMessage[]; value: Uint8Array }[] {
  const rec = loadRecording();
  return Array.from({ length: MESSAGES }, (_, m) => {
    const tick = replayTick(rec, m % 256, Math.floor(m / 256), { baseTs: Date.now() - 3_600_000, nodesPerJob: 8 });
    const rows = table === 'node_samples' ? tick.node : tick.process;
    const value = encodeMessage(table, rows, { agentId: 'a', seq: m }, 'h').value;
    return { decoded: [], value };
  });
}

/** CPU µs per message of `read` over freshly decoded messages (a message's columns are read once, as in the analyzer). */
function cpuPerMessage(table: TableName, values: readonly Uint8Array[], read: (d: DecodedMessage) => unknown): number {
  const decoded = values.map((value) => {
    const d = decodeMessage({ topic: topicFor(table), value, headers: { schema_version: String(SCHEMA_VERSION) } });
    if (d.kind !== 'ok') throw new Error(JSON.stringify(d));
    return d.value;
  });
  const c0 = process.cpuUsage();
  for (const d of decoded) read(d);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / decoded.length;
}

for (const table of ['node_samples', 'process_samples'] as const) {
  const values = messages(table).map((m) => m.value);
  const cols: number[] = [];
  const arrow: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    cols.push(cpuPerMessage(table, values, (d) => messageRows(d)));
    arrow.push(cpuPerMessage(table, values, (d) => batchToRows(table, d.batch.table)));
  }
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  process.stdout.write(`${table}: columns ${cols.map((x) => x.toFixed(1)).join(', ')} µs/message; apache-arrow ${arrow.map((x) => x.toFixed(1)).join(', ')}; ratio ${(med(arrow) / med(cols)).toFixed(1)}×\n`);
}
