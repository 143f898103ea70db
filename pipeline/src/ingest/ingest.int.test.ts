import { DEAD_LETTER_TOPIC, type Row, SCHEMA_VERSION, encodeBatch, silentLogger, topicFor } from '@runlens/schemas';
import { lyingBatch } from '@runlens/schemas/wire/testdata-poison';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/memory/index.ts';
import type { BusMessage } from '../bus/types.ts';
import { ChdbStore } from '../store/chdb/index.ts';
import { IngestService } from './ingest-service.ts';

/** Recent times: rows older than the table TTL are dropped on insert, as retention should. */
const NOW = Date.now() - 3_600_000;

/** Bus → ingest → real chDB: nothing lost, rejects dead-lettered with a reason, failures retried. */
function sampleRow(host: string, i: number): Row<'node_samples'> {
  return {
    ts: NOW + i * 1000, host, interval_s: 1, cpu_user_cores: i % 2, cpu_system_cores: 0.1, cpu_iowait_cores: 0,
    cpu_irq_cores: 0, cpu_steal_cores: 0, cpu_idle_cores: 1, online_cpus: 2, mem_total_bytes: 2 ** 34, mem_available_bytes: 2 ** 33,
    mem_cached_bytes: 0, swap_used_bytes: 0, load1: 0.5, procs_running: 1, procs_blocked: 0, ctxsw_per_s: 100,
    psi_cpu_some: null, psi_io_some: 0.01, psi_io_full: null, psi_memory_some: null, psi_memory_full: null,
  };
}

const headers = (seq: number): Record<string, string> => ({ schema_version: String(SCHEMA_VERSION), agent_id: 'a1', seq: String(seq), table: 'node_samples' });

describe('ingest into chDB', () => {
  const store = new ChdbStore({ path: mkdtempSync(join(tmpdir(), 'runlens-chdb-')), database: `t_${randomBytes(4).toString('hex')}` });
  const bus = new MemoryBus(4);
  const ingest = new IngestService({ bus, store, log: silentLogger, tables: ['node_samples'] });
  const dead: BusMessage[] = [];

  beforeAll(async () => {
    expect(await store.migrate()).toEqual([]); // chDB reports the catalog's sort keys back, so no drift on fresh tables
    await ingest.start();
    await bus.subscribe({ group: 'dlq-reader', topics: [DEAD_LETTER_TOPIC], eachBatch: async (b) => { dead.push(...b.messages); } });
  });
  afterAll(async () => {
    await ingest.stop();
    await bus.close();
    await store.close();
  });

  const drained = async (): Promise<void> => {
    for (let i = 0; i < 500 && (await ingest.lag()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
  };
  const count = async (host: string): Promise<number> =>
    Number((await store.query<{ n: string }>('SELECT count() AS n FROM node_samples WHERE host = {h:String}', { h: host }))[0]?.n);

  it('stores every row of every batch from several hosts', async () => {
    const p = bus.producer();
    let seq = 0;
    for (const host of ['n1', 'n2', 'n3', 'n4']) {
      for (let b = 0; b < 10; b++) {
        const rows = Array.from({ length: 25 }, (_, i) => sampleRow(host, b * 25 + i));
        await p.send(topicFor('node_samples'), [{ key: host, value: encodeBatch('node_samples', rows), headers: headers(seq++) }]);
      }
    }
    await drained();
    for (const host of ['n1', 'n2', 'n3', 'n4']) expect(await count(host)).toBe(250);
    expect(ingest.counters.sent).toBe(1000);
  });

  it('dead-letters bad messages with a reason and keeps ingesting', async () => {
    const good = encodeBatch('node_samples', [sampleRow('bad-neighbour', 1)]);
    const p = bus.producer();
    const topic = topicFor('node_samples');
    await p.send(topic, [
      { key: 'x', value: randomBytes(300), headers: headers(1) },
      { key: 'x', value: good.slice(0, good.length / 2), headers: headers(2) },
      { key: 'x', value: wrongSchemaBatch(), headers: headers(3) },
      { key: 'x', value: new Uint8Array(9 * 1024 * 1024), headers: headers(4) },
      { key: 'x', value: good, headers: { ...headers(5), schema_version: '99' } },
      { key: 'x', value: lyingBatch('node_samples', 50_000_000), headers: headers(6) },
      { key: 'x', value: good, headers: headers(7) },
    ]);
    await drained();
    for (let i = 0; i < 100 && dead.length < 6; i++) await new Promise((r) => setTimeout(r, 20));
    expect(dead.map((m) => m.headers.reason).sort()).toEqual(['out_of_bounds', 'oversized', 'schema_mismatch', 'schema_version', 'undecodable_arrow', 'undecodable_arrow']);
    expect(dead.every((m) => m.headers.source_topic === topic)).toBe(true);
    expect(dead[0]?.value.byteLength).toBe(300);
    expect(await count('bad-neighbour')).toBe(1);
  });

  it('retries a batch the store refused, without losing or moving the offset', async () => {
    await store.query('DROP TABLE node_samples');
    const p = bus.producer();
    await p.send(topicFor('node_samples'), [{ key: 'late', value: encodeBatch('node_samples', [sampleRow('late', 1), sampleRow('late', 2)]), headers: headers(8) }]);
    await new Promise((r) => setTimeout(r, 500));
    expect(await ingest.lag()).toBeGreaterThan(0);
    expect(ingest.counters.errors.get('insert') ?? 0).toBeGreaterThan(0);
    await store.migrate();
    await drained();
    expect(await count('late')).toBe(2);
  });
});

/** A device_samples batch: valid Arrow, wrong table for the node_samples topic. */
function wrongSchemaBatch(): Uint8Array {
  return encodeBatch('device_samples', [{
    ts: 1, host: 'h', device_kind: 'disk', device: 'vda', interval_s: 1, read_bytes_per_s: 0, write_bytes_per_s: 0,
    read_ops_per_s: 0, write_ops_per_s: 0, busy_ratio: 0, errors_per_s: null,
  }]);
}
