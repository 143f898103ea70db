import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBatch } from './ipc-writer.ts';
import type { Row } from '../catalog/index.ts';
import { SCHEMA_VERSION, topicFor } from '../topics.ts';
import { MAX_ROWS_PER_MESSAGE } from './bounds.ts';
import { checkAcceptedIpc } from './ipc-check.ts';
import { MessageEncoder } from './encode.ts';
import { MAX_MESSAGE_BYTES, type ReceivedMessage, decodeMessage, messageRows } from './message.ts';
import { lyingBatch } from './testdata-poison.ts';

const finding = (i: number): Row<'findings'> => ({
  run_id: 'r1', finding_id: `f${i}`, phase: '', kind: 'cpu_bound', severity: 'warning', scope: 'run', scope_id: '', host: 'h1', rank: null, start_ts: 1_700_000_000_000 + i,
  end_ts: 1_700_000_001_000 + i, confidence: 0.9, evidence: '{}', message: `m${i}`, advice: 'a', updated_ts: 1_700_000_002_000,
} as unknown as Row<'findings'>);

const received = (value: Uint8Array, table = 'findings', headers: Record<string, string> = { schema_version: String(SCHEMA_VERSION) }): ReceivedMessage =>
  ({ topic: `runlens.${table}.v${SCHEMA_VERSION}`, value, headers });

describe('MessageEncoder → decodeMessage', () => {
  it('round-trips rows with the headers ingest deduplicates on, numbering each sender from 0', () => {
    const enc = new MessageEncoder('agent-7');
    const first = enc.encode('findings', [finding(1), finding(2)], 'r1');
    const second = enc.encode('findings', [finding(3)], 'r1');
    expect(first.topic).toBe(topicFor('findings'));
    expect([first.headers.seq, second.headers.seq]).toEqual(['0', '1']);
    const d = decodeMessage(first);
    if (d.kind !== 'ok') throw new Error(`not ok: ${JSON.stringify(d)}`);
    expect(d.value).toMatchObject({ table: 'findings', agent_id: 'agent-7', seq: 0 });
    const rows = messageRows(d.value);
    expect(rows.kind === 'ok' && (rows.value as Row<'findings'>[]).map((r) => r.message)).toEqual(['m1', 'm2']);
  });
});

describe('decodeMessage on hostile messages', () => {
  it('dead-letters a few-KB batch whose metadata claims 50 M rows, before any row is made', () => {
    const bytes = lyingBatch('node_samples', 50_000_000);
    expect(bytes.byteLength).toBeLessThan(16_384);
    expect(decodeMessage(received(bytes, 'node_samples'))).toMatchObject({ kind: 'dead_letter', code: 'out_of_bounds' });
  });

  it.each(['node_samples', 'findings', 'runs'] as const)('%s: dead-letters a claim under the row cap that its buffers do not back', (table) => {
    const r = decodeMessage(received(lyingBatch(table, MAX_ROWS_PER_MESSAGE - 1), table));
    expect(r).toMatchObject({ kind: 'dead_letter', code: 'out_of_bounds' });
    expect(r.kind === 'dead_letter' && r.detail).toMatch(/^column \w+: /);
  });

  it.each(['node_samples', 'findings', 'runs'] as const)('%s: still dead-letters lying batches once a good message took its schema onto the fast path', (table) => {
    const honest = lyingBatch(table, 2); // claims the two rows its buffers hold: a good message with the liars' schema
    expect(decodeMessage(received(honest, table))).toMatchObject({ kind: 'ok', value: { numRows: 2 } });
    const lying = lyingBatch(table, MAX_ROWS_PER_MESSAGE - 1);
    expect(checkAcceptedIpc(table, lying)).toMatchObject({ kind: 'out_of_bounds' }); // caught by the fast path itself
    const r = decodeMessage(received(lying, table));
    expect(r).toMatchObject({ kind: 'dead_letter', code: 'out_of_bounds' });
    expect(r.kind === 'dead_letter' && r.detail).toMatch(/^column \w+: /);
    expect(checkAcceptedIpc(table, lyingBatch(table, 50_000_000))).toMatchObject({ kind: 'out_of_bounds' });
  });

  it('takes a known schema onto the fast path and reads the same rows back lazily', () => {
    const bytes = encodeBatch('findings', [finding(1), finding(2), finding(3)]);
    decodeMessage(received(bytes));
    expect(checkAcceptedIpc('findings', bytes)).toEqual({ kind: 'ok', numRows: 3 });
    const d = decodeMessage(received(bytes));
    if (d.kind !== 'ok') throw new Error('not ok');
    expect(d.value.numRows).toBe(3);
    const rows = messageRows(d.value);
    expect(rows.kind === 'ok' && (rows.value as Row<'findings'>[]).map((r) => r.finding_id)).toEqual(['f1', 'f2', 'f3']);
  });

  it('sets aside a timestamp apache-arrow cannot represent as a number, instead of throwing', () => {
    const good = encodeBatch('findings', [finding(1)]);
    const d = decodeMessage(received(good));
    if (d.kind !== 'ok') throw new Error('not ok');
    const ts = d.value.batch.table.getChild('start_ts')?.data[0]?.values as BigInt64Array | undefined;
    if (!ts) throw new Error('no start_ts buffer');
    ts[0] = 9_008_899_254_740_999n;
    expect(messageRows(d.value)).toMatchObject({ kind: 'dead_letter', code: 'unreadable_values' });
  });

  it('refuses oversized values, wrong versions and unknown topics with their reasons', () => {
    const good = encodeBatch('findings', [finding(1)]);
    expect(decodeMessage(received(new Uint8Array(MAX_MESSAGE_BYTES + 1)))).toMatchObject({ code: 'oversized' });
    expect(decodeMessage(received(good, 'findings', { schema_version: '99' }))).toMatchObject({ code: 'schema_version' });
    expect(decodeMessage(received(good, 'nope'))).toMatchObject({ code: 'unknown_topic' });
    expect(decodeMessage(received(good, 'node_samples'))).toMatchObject({ code: 'schema_mismatch' });
    expect(decodeMessage(received(new Uint8Array(0)))).toEqual({ kind: 'drop', reason: 'tombstone' });
  });
});

describe('decodeMessage fuzzed (fixed seed, bounded runs)', () => {
  const good = encodeBatch('findings', Array.from({ length: 20 }, (_, i) => finding(i)));
  const check = (bytes: Uint8Array): void => {
    const r = decodeMessage(received(bytes));
    if (r.kind !== 'ok') return;
    // Whatever passes must materialise within its bounds.
    const rows = messageRows(r.value);
    if (rows.kind !== 'ok') return;
    expect(rows.value.length).toBe(r.value.numRows);
    expect(rows.value.length).toBeLessThanOrEqual(MAX_ROWS_PER_MESSAGE);
  };

  it('never throws on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), (b) => check(b)), { seed: 16, numRuns: 300 });
  });

  it('never throws on a valid batch with bytes flipped, or truncated', () => {
    const mutation = fc.record({ at: fc.nat({ max: good.length - 1 }), to: fc.integer({ min: 0, max: 255 }), cut: fc.nat({ max: good.length }) });
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 8 }), (ms) => {
      const b = good.slice();
      for (const m of ms) b[m.at] = m.to;
      check(b);
      check(good.slice(0, ms[0]?.cut ?? 0));
    }), { seed: 16, numRuns: 400 });
  });
});
