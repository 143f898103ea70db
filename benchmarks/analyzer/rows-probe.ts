/**
 * What the analyzer pays per agent message, on the real recording's node rows and process rows (one
 * message per virtual node and second, as agents send them):
 * - reading its rows (messageRows): from its columns (column-rows.ts, since 2026-12-06) against
 *   apache-arrow's Table (batchToRows, before);
 * - the router's split of a process message by destination (each run's rows, the node's background
 *   rows): the rows' bytes copied (selectGroups, since 2026-12-06) against their values encoded
 *   (encodeColumns, before).
 *   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/analyzer/rows-probe.ts
 */
import { type DecodedMessage, SCHEMA_VERSION, batchToRows, decodeMessage, encodeColumns, encodeMessage, messageRows, rowRanges, selectGroups, topicFor } from '@runlens/schemas';
import { loadRecording } from '../lib/recording.ts';
import { replayTick } from '../lib/replay.ts';

const MESSAGES = 5_000;
const ROUNDS = 5;
type Table = 'node_samples' | 'process_samples';

function messages(table: Table): Uint8Array[] {
  const rec = loadRecording();
  return Array.from({ length: MESSAGES }, (_, m) => {
    const tick = replayTick(rec, m % 256, Math.floor(m / 256), { baseTs: Date.now() - 3_600_000, nodesPerJob: 8 });
    return encodeMessage(table, table === 'node_samples' ? tick.node : tick.process, { agentId: 'a', seq: m }, 'h').value;
  });
}

/** CPU µs per message of `use` over freshly decoded messages (a message's columns are read once, as in the analyzer). */
function cpuPerMessage(table: Table, values: readonly Uint8Array[], use: (d: DecodedMessage, value: Uint8Array) => unknown): number {
  const decoded = values.map((value) => {
    const d = decodeMessage({ topic: topicFor(table), value, headers: { schema_version: String(SCHEMA_VERSION) } });
    if (d.kind !== 'ok') throw new Error(JSON.stringify(d));
    return d.value;
  });
  const c0 = process.cpuUsage();
  decoded.forEach((d, i) => use(d, values[i] as Uint8Array));
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / decoded.length;
}

/** Row indexes per destination of a process message: each run's rows, and the rows outside any run. */
function destinations(d: DecodedMessage): number[][] {
  const groups = new Map<string, number[]>();
  (d.columns?.[0]?.str('run_id') ?? []).forEach((run, i) => {
    const g = groups.get(run ?? '');
    if (g) g.push(i);
    else groups.set(run ?? '', [i]);
  });
  return [...groups.values()];
}

function compare(what: string, table: Table, now: Parameters<typeof cpuPerMessage>[2], before: Parameters<typeof cpuPerMessage>[2]): void {
  const values = messages(table);
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(cpuPerMessage(table, values, now));
    b.push(cpuPerMessage(table, values, before));
  }
  const med = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? Number.NaN;
  process.stdout.write(`${what}: now ${a.map((x) => x.toFixed(1)).join(', ')} µs/message; before ${b.map((x) => x.toFixed(1)).join(', ')}; before ÷ now ${(med(b) / med(a)).toFixed(1)}×\n`);
}

for (const table of ['node_samples', 'process_samples'] as const) compare(`${table} rows`, table, (d) => messageRows(d), (d) => batchToRows(table, d.batch.table));
compare('process message split by destination', 'process_samples',
  (d, value) => selectGroups('process_samples', value, destinations(d).map(rowRanges)),
  (d) => destinations(d).map((rows) => encodeColumns('process_samples', d.columns?.[0] as NonNullable<DecodedMessage['columns']>[number], rows)));
