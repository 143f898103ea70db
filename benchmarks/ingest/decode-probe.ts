// JS cost per message of ingest's checks (decodeMessage) and of joining messages for the store
// (spliceStreams, compactStreams), over pre-built messages of rows.ts; no Kafka, no engine.
//   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/ingest/decode-probe.ts
import { compactStreams, decodeMessage, spliceStreams } from '@runlens/schemas';
import { message } from './rows.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function time(what: string, messages: number, rows: number, run: () => void): void {
  run(); // warm-up
  const c0 = process.cpuUsage();
  for (let r = 0; r < ROUNDS; r++) run();
  const c = process.cpuUsage(c0);
  const us = (c.user + c.system) / ROUNDS;
  console.log(`${what}: ${(us / messages).toFixed(1)} µs per message, ${(us / rows).toFixed(2)} µs per row`);
}

for (const [count, size] of [[5000, 20], [200, 500]] as const) {
  const base = Date.now() - 3_600_000;
  const msgs = Array.from({ length: count }, (_, m) => message(m, size, base));
  time(`decodeMessage, ${size}-row messages`, count, count * size, () => { for (const m of msgs) decodeMessage(m); });
  const values = msgs.map((m) => m.value);
  time(`spliceStreams, ${size}-row messages`, count, count * size, () => { spliceStreams(values); });
  time(`compactStreams, ${size}-row messages`, count, count * size, () => { compactStreams('process_samples', values); });
}
