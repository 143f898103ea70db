/**
 * What the run owner's duplicate check (analyzer/src/stream/seen-messages.ts) costs per message
 * once its window is full, beside what bounds it from below, in one run:
 * - SeenMessages.first, 25,000 digests kept, messages of 1.5 KB;
 * - the sha1 of each message alone (the floor);
 * - the Set operations alone with the oldest entry dropped through an iterator (the way before
 *   2026-12-07), and through a ring of slots (now).
 *   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/analyzer/seen-probe.ts
 */
import { SeenMessages } from '@runlens/analyzer/stream/seen-messages';
import { hash, randomBytes } from 'node:crypto';

const N = 200_000;
const KEEP = 25_000;

/** CPU µs per call of `work` over N calls. */
function usPer(work: (i: number) => void): number {
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) work(i);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / N;
}

const bufs = Array.from({ length: 2000 }, () => randomBytes(1500));
/** Message i: a buffer made unique by its first three bytes. */
const message = (i: number): Buffer => {
  const b = bufs[i % bufs.length] as Buffer;
  b[0] = i & 255;
  b[1] = (i >> 8) & 255;
  b[2] = (i >> 16) & 255;
  return b;
};

const seen = new SeenMessages(KEEP);
const digests = Array.from({ length: N }, (_, i) => `run-${i % 128}\0process_samples\0${hash('sha1', message(i), 'base64')}`);
const iterated = new Set<string>();
const ringed = new Set<string>();
const ring = new Array<string | undefined>(KEEP);
let at = 0;
const rows = [
  ['SeenMessages.first', usPer((i) => seen.first(`run-${i % 128}`, 'process_samples', message(i)))],
  ['sha1 alone', usPer((i) => hash('sha1', message(i), 'base64'))],
  ['Set, oldest dropped through an iterator', usPer((i) => {
    iterated.add(digests[i] as string);
    if (iterated.size > KEEP) for (const d of iterated) { iterated.delete(d); break; }
  })],
  ['Set, oldest dropped by its ring slot', usPer((i) => {
    const old = ring[at];
    if (old !== undefined) ringed.delete(old);
    ring[at] = digests[i];
    at = (at + 1) % KEEP;
    ringed.add(digests[i] as string);
  })],
] as const;
process.stdout.write(['| per message, 25,000 kept | CPU µs |', '|---|---:|', ...rows.map(([what, us]) => `| ${what} | ${us.toFixed(2)} |`)].join('\n') + '\n');
