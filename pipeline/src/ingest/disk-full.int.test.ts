import { DEAD_LETTER_TOPIC, SCHEMA_VERSION, type Store, createLogger, encodeBatch, topicFor, sleep } from '@runlens/schemas';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/memory/index.ts';
import type { BusMessage } from '../bus/types.ts';
import { ChdbStore } from '../store/chdb/index.ts';
import { nodeSampleRow } from '../testing/node-sample-row.ts';
import { type SmallDisk, mountSmallDisk } from '../testing/small-disk.ts';
import { IngestService, STORE_UNAVAILABLE } from './ingest-service.ts';

/**
 * Issue 11, item 1: a full disk must pause ingest, never dead-letter. The real memory bus,
 * the real IngestService and a real chDB store on a 64 MiB tmpfs that we fill up: first
 * leaving a little room (the spill file fits, ClickHouse's part reservation fails with 243
 * NOT_ENOUGH_SPACE), then none (the spill write fails with ENOSPC). Then we free the space
 * and every published row must be stored.
 */
const ROWS_PER_BATCH = 100;
const HOSTS = ['n1', 'n2', 'n3', 'n4'];

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The real store, with its insert attempts counted (to show retries back off, not spin). */
function countingInserts(store: Store, counter: { n: number }): Store {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'insertArrow') {
        return (...args: Parameters<Store['insertArrow']>) => {
          counter.n++;
          return target.insertArrow(...args);
        };
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

const disk = mountSmallDisk(64);
const skipWhy = typeof disk === 'string' ? disk : null;
if (skipWhy) console.warn(`disk-full ingest test SKIPPED: ${skipWhy}`);

describe.skipIf(skipWhy !== null)('ingest on a disk that fills up (tmpfs, real chDB)', () => {
  const small = disk as SmallDisk;
  const lines: { level: string; msg: string; reason?: string; error?: string }[] = [];
  const log = createLogger('debug', {}, (l) => lines.push(JSON.parse(l) as (typeof lines)[number]));
  const bus = new MemoryBus(4);
  const attempts = { n: 0 };
  const dead: BusMessage[] = [];
  let store: ChdbStore;
  let ingest: IngestService;
  let published = 0;
  let batchNo = 0;

  const publish = async (batches: number): Promise<void> => {
    const p = bus.producer();
    for (let b = 0; b < batches; b++, batchNo++) {
      const host = HOSTS[batchNo % HOSTS.length] ?? 'n1';
      const first = Math.floor(batchNo / HOSTS.length) * ROWS_PER_BATCH;
      const rows = Array.from({ length: ROWS_PER_BATCH }, (_, i) => nodeSampleRow(host, first + i));
      const headers = { schema_version: String(SCHEMA_VERSION), agent_id: host, seq: String(batchNo), table: 'node_samples' };
      await p.send(topicFor('node_samples'), [{ key: host, value: encodeBatch('node_samples', rows), headers }]);
      published += rows.length;
    }
  };
  const count = async (final: boolean): Promise<number> =>
    Number((await store.query<{ n: string }>(`SELECT count() AS n FROM node_samples${final ? ' FINAL' : ''}`))[0]?.n);
  const insertErrors = (): number => ingest.counters.errors.get('insert') ?? 0;

  beforeAll(async () => {
    store = new ChdbStore({ path: join(small.dir, 'chdb'), database: `t_${randomBytes(4).toString('hex')}` });
    await store.migrate();
    ingest = new IngestService({ bus, store: countingInserts(store, attempts), log, tables: ['node_samples'] });
    await ingest.start();
    await bus.subscribe({ group: 'dlq-reader', topics: [DEAD_LETTER_TOPIC], eachBatch: async (b) => { dead.push(...b.messages); } });
  });
  afterAll(async () => {
    await ingest?.stop();
    await bus.close();
    await store?.close();
    small.free();
    small.unmount();
  });

  it('stores while there is room', async () => {
    await publish(8);
    await until('first batches stored', async () => (await ingest.lag()) === 0);
    expect(await count(false)).toBe(published);
    expect(ingest.counters.conditions.has(STORE_UNAVAILABLE)).toBe(false);
  });

  it('pauses on a full disk: retries with backoff, raises one alert, dead-letters nothing', async () => {
    small.fill(512 * 1024); // room for a spill file, not for ClickHouse's 1 MiB part reservation
    await publish(8);
    await until('the store_unavailable alert', () => ingest.counters.conditions.has(STORE_UNAVAILABLE));
    small.fill(0); // now the spill write itself hits ENOSPC
    await publish(8);
    const [errorsBefore, attemptsBefore, t0] = [insertErrors(), attempts.n, performance.now()];
    await sleep(4_000);
    const attemptsPerS = (attempts.n - attemptsBefore) / ((performance.now() - t0) / 1000);

    // Seen once under the full test run: 'unknown'. The failures that were not disk_full say why.
    const otherwise = lines.filter((l) => l.reason !== undefined && l.reason !== 'disk_full').map((l) => String(l.error ?? l.msg).slice(0, 400));
    expect(ingest.counters.conditions.get(STORE_UNAVAILABLE)?.reason, otherwise.join('\n')).toBe('disk_full');
    expect(await ingest.lag()).toBeGreaterThan(0);
    expect(insertErrors()).toBeGreaterThan(errorsBefore);
    expect(attemptsPerS).toBeLessThan(20); // a hot loop would make thousands a second
    expect(dead).toHaveLength(0);
    const alerts = lines.filter((l) => l.level === 'error' && l.msg.startsWith('store unavailable'));
    expect(alerts.map((l) => l.reason)).toEqual(['disk_full']);
    const errorsSeen = lines.filter((l) => l.reason === 'disk_full').map((l) => l.error ?? '');
    console.log(`disk-full: failures seen ${errorsSeen.length}, NOT_ENOUGH_SPACE(243) ${errorsSeen.some((e) => e.includes('243'))}, ENOSPC ${errorsSeen.some((e) => e.includes('ENOSPC'))}, insert attempts/s while down ${attemptsPerS.toFixed(1)}`);
    expect(errorsSeen.some((e) => e.includes('243'))).toBe(true);
  });

  it('resumes when space is freed: 0 rows lost, duplicates collapse under FINAL', async () => {
    small.free();
    await until('the backlog drained', async () => (await ingest.lag()) === 0, 120_000);
    await until('the dead-letter reader caught up', async () => (await bus.lag('dlq-reader', [DEAD_LETTER_TOPIC])) === 0);
    const [raw, final] = [await count(false), await count(true)];
    console.log(`disk-full: published ${published} rows, stored raw ${raw}, FINAL ${final}, duplicates ${raw - final}, dead-lettered ${dead.length} messages`);
    expect(ingest.counters.conditions.has(STORE_UNAVAILABLE)).toBe(false);
    expect(lines.filter((l) => l.level === 'info' && l.msg.startsWith('store available again'))).toHaveLength(1);
    expect(dead).toHaveLength(0);
    expect(final).toBe(published);
    expect(raw).toBeGreaterThanOrEqual(published);
    expect(ingest.counters.sent).toBe(raw);
  });
});
