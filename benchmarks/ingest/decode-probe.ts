// JS cost per message of ingest's checks (decodeMessage), of joining messages for the store
// (spliceStreams, compactStreams) and of the 18.16 store's Native block (toNative), over pre-built
// messages of rows.ts; no Kafka, no engine. 10-row messages are the scale replay's shape.
//   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/ingest/decode-probe.ts
import { CompactScratch, MODERN_CAPABILITIES, compactStreams, decodeMessage, spliceStreams } from '@runlens/schemas';
import { toNative } from '@runlens/pipeline/store/clickhouse/native';
import { message } from './rows.ts';

/** Debian's 18.16 with LowCardinality: the Native writer's own path. */
const SERVER_18_16 = { ...MODERN_CAPABILITIES, version: '18.16.1', dateTime64: false, queryParameters: false, arrowInput: false };

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function time(what: string, messages: number, rows: number, run: () => void): void {
  run(); // warm-up
  const c0 = process.cpuUsage();
  for (let r = 0; r < ROUNDS; r++) run();
  const c = process.cpuUsage(c0);
  const us = (c.user + c.system) / ROUNDS;
  console.log(`${what}: ${(us / messages).toFixed(1)} µs per message, ${(us / rows).toFixed(2)} µs per row`);
}

for (const [count, size] of [[20000, 10], [5000, 20], [200, 500]] as const) {
  const base = Date.now() - 3_600_000;
  const msgs = Array.from({ length: count }, (_, m) => message(m, size, base));
  time(`decodeMessage, ${size}-row messages`, count, count * size, () => { for (const m of msgs) decodeMessage(m); });
  const values = msgs.map((m) => m.value);
  time(`spliceStreams, ${size}-row messages`, count, count * size, () => { spliceStreams(values); });
  time(`compactStreams, ${size}-row messages`, count, count * size, () => { compactStreams('process_samples', values); });
  const scratch = new CompactScratch();
  time(`toNative, ${size}-row messages`, count, count * size, () => { toNative('process_samples', values, SERVER_18_16, undefined, scratch); });
}
