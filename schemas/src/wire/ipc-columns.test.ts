import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchToRows, encodeColumns, tryDecodeBatch } from '../arrow.ts';
import { type Row, type TableName, catalog } from '../catalog/index.ts';
import { SCHEMA_VERSION, topicFor } from '../topics.ts';
import { compactStreams } from './ipc-compact.ts';
import { spliceStreams } from './ipc-splice.ts';
import { encodeMessage } from './encode.ts';
import { encodeBatch } from './ipc-writer.ts';
import { type DecodedMessage, decodeMessage, messageRows } from './message.ts';

const T = 1_764_000_000_000;

const proc = fc.record({
  ts: fc.integer({ min: -T, max: 2 * T }), host: fc.string({ maxLength: 12 }), run_id: fc.constantFrom('', 'run-ä', 'r1', 'runlens-self'),
  rank: fc.option(fc.integer({ min: -5, max: 1 << 20 })), local_rank: fc.option(fc.integer({ min: 0, max: 64 })),
  pid: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), ppid: fc.integer({ min: 0, max: 1 << 22 }), start_ticks: fc.double({ noNaN: true }),
  comm: fc.string({ maxLength: 15 }), state: fc.constantFrom('R', 'S', 'D', 'T', 't'), interval_s: fc.double({ min: 0, max: 2, noNaN: true }),
  cpu_user_cores: fc.double({ noNaN: true }), cpu_sys_cores: fc.double({ min: 0, max: 8, noNaN: true }), run_delay_cores: fc.double({ min: 0, max: 8, noNaN: true }),
  rss_bytes: fc.double({ min: 0, max: 1e12, noNaN: true }), hwm_bytes: fc.double({ min: 0, max: 1e12, noNaN: true }), vm_bytes: fc.double({ min: 0, max: 1e12, noNaN: true }),
  threads: fc.integer({ min: 0, max: 1000 }), busy_threads: fc.option(fc.integer({ min: 0, max: 1000 })),
  read_bytes_per_s: fc.option(fc.double({ noNaN: true })), write_bytes_per_s: fc.option(fc.double({ noNaN: true })),
  rchar_per_s: fc.option(fc.double({ noNaN: true })), wchar_per_s: fc.option(fc.double({ noNaN: true })),
  syscr_per_s: fc.option(fc.double({ noNaN: true })), syscw_per_s: fc.option(fc.double({ noNaN: true })),
  vol_ctxsw_per_s: fc.double({ min: 0, max: 1e6, noNaN: true }), invol_ctxsw_per_s: fc.double({ min: 0, max: 1e6, noNaN: true }),
  minflt_per_s: fc.double({ min: 0, max: 1e6, noNaN: true }), majflt_per_s: fc.double({ min: 0, max: 1e6, noNaN: true }), last_cpu: fc.integer({ min: 0, max: 255 }),
}) as fc.Arbitrary<Row<'process_samples'>>;

function decoded<N extends TableName>(table: N, value: Uint8Array): DecodedMessage {
  const d = decodeMessage({ topic: topicFor(table), value, headers: { schema_version: String(SCHEMA_VERSION) } });
  if (d.kind !== 'ok') throw new Error(JSON.stringify(d));
  return d.value;
}

/** Each column of the batches, read as columns, beside the same column of the rows apache-arrow decodes. */
function sideBySide(table: TableName, d: DecodedMessage): { columns: unknown[][]; rows: unknown[][] } {
  const rows = messageRows(d);
  if (rows.kind !== 'ok') throw new Error('rows');
  const names = Object.entries(catalog[table].columns).filter(([, c]) => c.type !== 'str_list').map(([n]) => n);
  const batches = d.columns ?? [];
  const columns = names.map((n) => batches.flatMap((b) => [...(b.num(n) ?? b.str(n) ?? [])].map((v) => (Number.isNaN(v) ? null : v))));
  return { columns, rows: names.map((n) => rows.value.map((r) => (r as Record<string, unknown>)[n])) };
}

describe('DecodedMessage.columns', () => {
  it('reads every column as apache-arrow reads it: numbers, times, nulls, UTF-8 strings', () => {
    fc.assert(fc.property(fc.array(proc, { minLength: 1, maxLength: 40 }), (rows) => {
      const d = decoded('process_samples', encodeMessage('process_samples', rows, { agentId: 'a', seq: 0 }, 'h').value);
      const { columns, rows: expected } = sideBySide('process_samples', d);
      expect(d.columns?.reduce((n, b) => n + b.numRows, 0)).toBe(rows.length);
      expect(columns).toEqual(expected);
    }), { numRuns: 60 });
  });

  it('encodes any subset of a batch\'s rows byte for byte as the same rows encode (how the analyzer splits a message by run)', () => {
    fc.assert(fc.property(fc.array(proc, { minLength: 1, maxLength: 30 }), fc.array(fc.nat()), (rows, picks) => {
      const d = decoded('process_samples', encodeMessage('process_samples', rows, { agentId: 'a', seq: 0 }, 'h').value);
      const subset = [...new Set(picks.map((p) => p % rows.length))].sort((a, b) => a - b);
      const batch = d.columns?.[0];
      if (!batch) throw new Error('no columns');
      const mine = encodeColumns('process_samples', batch, subset);
      expect(mine && Buffer.from(mine).equals(Buffer.from(encodeBatch('process_samples', subset.map((i) => rows[i] as Row<'process_samples'>))))).toBe(true);
    }), { numRuns: 60 });
  });

  it('reads each record batch of a spliced stream, and skips list columns it does not read', () => {
    const gpu = (i: number): Row<'gpu_samples'> => ({
      ts: T + i, host: 'h', gpu_index: i, gpu_uuid: `GPU-${i}`, gpu_name: 'm', util_ratio: i % 2 ? null : 0.5, mem_util_ratio: 0.1, mem_used_bytes: 1e9,
      mem_total_bytes: 8e10, power_w: 100, power_limit_w: null, sm_clock_mhz: 1400, mem_clock_mhz: null, temp_c: 40, pcie_gen: 4, pcie_width: null,
      throttle_reasons: i % 2 ? ['hw_slowdown', 'x'] : [], ecc_uncorrected: i, retired_pages_pending: i % 2,
    } as unknown as Row<'gpu_samples'>);
    const parts = [[gpu(1), gpu(2)], [gpu(3)]].map((r) => encodeMessage('gpu_samples', r, { agentId: 'a', seq: 0 }, 'h').value);
    const [spliced] = spliceStreams(parts);
    const d = decoded('gpu_samples', spliced ?? new Uint8Array());
    expect(d.columns?.map((b) => b.numRows)).toEqual([2, 1]);
    const { columns, rows } = sideBySide('gpu_samples', d);
    expect(columns).toEqual(rows);
    expect(d.columns?.[0]?.num('throttle_reasons')).toBeUndefined();
  });

  it('compacts any split of messages into one record batch that reads back row for row', () => {
    fc.assert(fc.property(fc.array(fc.array(proc, { maxLength: 12 }), { minLength: 2, maxLength: 6 }), (parts) => {
      const streams = parts.map((rows, i) => encodeMessage('process_samples', rows, { agentId: 'a', seq: i }, 'h').value);
      for (const s of streams) decodeMessage({ topic: topicFor('process_samples'), value: s, headers: { schema_version: String(SCHEMA_VERSION) } });
      const pieces = compactStreams('process_samples', streams);
      if (!pieces) throw new Error('not compacted');
      const got = tryDecodeBatch(Buffer.concat(pieces))?.table;
      const expected = streams.flatMap((s) => batchToRows('process_samples', tryDecodeBatch(s)?.table ?? (() => { throw new Error('undecodable'); })()));
      expect(got && batchToRows('process_samples', got)).toEqual(expected);
      if (expected.length === 0) return;
      expect(got?.batches.length).toBe(1);
      const { columns, rows } = sideBySide('process_samples', decoded('process_samples', Buffer.concat(pieces)));
      expect(columns).toEqual(rows);
    }), { numRuns: 60 });
  });
});
