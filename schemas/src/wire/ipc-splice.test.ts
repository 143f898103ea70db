import { Int32, Table, Utf8, tableFromIPC, tableToIPC, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { batchToRows, tryDecodeBatch } from '../arrow.ts';
import { encodeBatch } from './ipc-writer.ts';
import type { Row } from '../catalog/index.ts';
import { ipcFrames } from './ipc-metadata.ts';
import { spliceParts, spliceStreams } from './ipc-splice.ts';

const finding = (i: number, host = 'h1'): Row<'findings'> => ({
  run_id: 'r1', finding_id: `f${i}`, phase: '', kind: 'cpu_bound', severity: 'warning', scope: 'run', scope_id: '', host, rank: i % 3 === 0 ? null : i,
  start_ts: 1_700_000_000_000 + i, end_ts: 1_700_000_001_000 + i, confidence: 0.9, evidence: '{}', message: `m${'x'.repeat(i % 7)}${i}`, advice: 'a', updated_ts: 1_700_000_002_000,
} as unknown as Row<'findings'>);

const stream = (rows: Row<'findings'>[]): Uint8Array => encodeBatch('findings', rows);
const rowsOf = (bytes: Uint8Array): Row<'findings'>[] => {
  const d = tryDecodeBatch(bytes);
  if (!d) throw new Error('undecodable');
  return batchToRows('findings', d.table);
};

describe('spliceStreams', () => {
  it('joins the record batches of several messages into one stream that apache-arrow reads back row for row', () => {
    const parts = [[finding(1), finding(2)], [finding(3, 'h2')], [finding(4), finding(5), finding(6)]];
    const streams = parts.map(stream);
    const [out, ...more] = spliceStreams(streams);
    if (!out) throw new Error('no stream');
    expect(more).toEqual([]);
    expect(out.byteLength).toBeLessThan(streams.reduce((n, s) => n + s.byteLength, 0));
    expect(tableFromIPC(out).numRows).toBe(6);
    expect(rowsOf(out)).toEqual(parts.flat().map((r) => rowsOf(stream([r]))[0]));
    expect(ipcFrames(out)?.map((f) => f.kind)).toEqual(['schema', 'record_batch', 'record_batch', 'record_batch']);
  });

  it('gives each distinct schema its own stream, so no row is lost or mislabelled', () => {
    const other = tableToIPC(new Table({ x: vectorFromArray([1, 2], new Int32()), y: vectorFromArray(['a', 'b'], new Utf8()) }), 'stream');
    const out = spliceStreams([stream([finding(1)]), other, stream([finding(2)])]);
    expect(out.map((s) => tableFromIPC(s).numRows)).toEqual([2, 2]);
    expect(rowsOf(out[0] ?? other).map((r) => r.finding_id)).toEqual(['f1', 'f2']);
    expect(tableFromIPC(out[1] ?? new Uint8Array()).getChild('y')?.toArray()).toEqual(['a', 'b']);
  });

  it('returns a single stream as it is', () => {
    const a = stream([finding(1)]);
    expect(spliceStreams([a])[0]).toBe(a);
  });

  it('gives the same streams as pieces of the inputs, without copying them', () => {
    const streams = [stream([finding(1)]), stream([finding(2), finding(3)]), stream([finding(4)])];
    const parts = spliceParts(streams);
    expect(parts).toHaveLength(1);
    const pieces = parts[0] ?? [];
    for (const [i, s] of streams.entries()) expect(pieces[i + 1]?.buffer).toBe(s.buffer);
    expect(Buffer.concat(pieces)).toEqual(Buffer.from(spliceStreams(streams)[0] ?? new Uint8Array()));
    expect(spliceParts([streams[0] ?? new Uint8Array()])).toEqual([[streams[0]]]);
  });
});
