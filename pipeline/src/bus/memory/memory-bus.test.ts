import { afterEach, describe, expect, it } from 'vitest';
import type { BusBatch, OutgoingMessage } from '../types.ts';
import { partitionFor } from '../types.ts';
import { MemoryBus } from './index.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
const msg = (key: string, value: string): OutgoingMessage => ({ key, value: enc.encode(value), headers: {} });
const text = (b: BusBatch): string[] => b.messages.map((m) => dec.decode(m.value));

async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const buses: MemoryBus[] = [];
afterEach(async () => { for (const b of buses.splice(0)) await b.close(); });
function bus(partitions = 4): MemoryBus {
  const b = new MemoryBus(partitions);
  buses.push(b);
  return b;
}

const KEYS = ['host-a', 'host-b', 'host-c', 'host-d', 'host-e', 'host-f', 'host-g', 'host-h'];
/** n messages round-robin over KEYS; the value is "key#i" with i counting per key. */
function workload(n: number): OutgoingMessage[] {
  const perKey = new Map<string, number>();
  return Array.from({ length: n }, (_, i) => {
    const key = KEYS[i % KEYS.length] ?? 'k';
    const seq = perKey.get(key) ?? 0;
    perKey.set(key, seq + 1);
    return msg(key, `${key}#${seq}`);
  });
}

describe('MemoryBus', () => {
  it('holds at most retainMessages per partition, however few messages were sent', async () => {
    const b = new MemoryBus(1, 3);
    buses.push(b);
    await b.producer().send('t', workload(10).map((m, i) => ({ ...m, key: 'k', value: enc.encode(`m${i}`) })));
    const seen: string[] = [];
    await b.subscribe({ group: 'late', topics: ['t'], eachBatch: async (batch) => { seen.push(...text(batch)); } });
    await until(() => seen.length >= 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual(['m7', 'm8', 'm9']);
  });

  it('past its retention over many sends, still holds the newest messages with their own offsets', async () => {
    const b = new MemoryBus(1, 5);
    buses.push(b);
    for (let i = 0; i < 1000; i++) await b.producer().send('t', [{ key: 'k', value: enc.encode(`m${i}`), headers: {} }]);
    const got: { text: string; offset: number }[] = [];
    await b.subscribe({ group: 'late', topics: ['t'], eachBatch: async (batch) => { for (const m of batch.messages) got.push({ text: dec.decode(m.value), offset: m.offset }); } });
    await until(() => got.length >= 5);
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual([995, 996, 997, 998, 999].map((i) => ({ text: `m${i}`, offset: i })));
  });

  it('the workload keys spread over more than one partition (precondition of the split tests)', () => {
    expect(new Set(KEYS.map((k) => partitionFor(k, 4))).size).toBeGreaterThan(1);
  });

  it('delivers the messages of one key in order, even across several sends', async () => {
    const b = bus();
    const seen: string[] = [];
    await b.subscribe({ group: 'g', topics: ['t'], maxBatchMessages: 7, eachBatch: async (batch) => { seen.push(...text(batch)); } });
    const p = b.producer();
    const all = workload(400);
    for (let i = 0; i < all.length; i += 50) await p.send('t', all.slice(i, i + 50));
    await until(() => seen.length === 400);
    for (const key of KEYS) {
      const mine = seen.filter((v) => v.startsWith(`${key}#`)).map((v) => Number(v.split('#')[1]));
      expect(mine).toEqual(Array.from({ length: 50 }, (_, i) => i));
    }
  });

  it('two members of one group split the partitions and together see each message exactly once', async () => {
    const b = bus();
    const seen = { a: [] as string[], b: [] as string[] };
    const parts = { a: new Set<number>(), b: new Set<number>() };
    for (const who of ['a', 'b'] as const) {
      await b.subscribe({ group: 'g', topics: ['t'], eachBatch: async (batch) => { seen[who].push(...text(batch)); parts[who].add(batch.partition); } });
    }
    await b.producer().send('t', workload(400));
    await until(async () => (await b.lag('g', ['t'])) === 0);
    const all = [...seen.a, ...seen.b];
    expect(all.length).toBe(400);
    expect(new Set(all).size).toBe(400);
    expect(seen.a.length).toBeGreaterThan(0);
    expect(seen.b.length).toBeGreaterThan(0);
    expect([...parts.a].filter((p) => parts.b.has(p))).toEqual([]);
  });

  it('co-partitioned members each read the same partitions of every topic, also where the count does not divide', async () => {
    const b = bus(4);
    const got = [new Set<string>(), new Set<string>(), new Set<string>()];
    for (const parts of got) {
      await b.subscribe({ group: 'g', topics: ['t1', 't2'], coPartitioned: true, eachBatch: async (batch) => { parts.add(`${batch.topic}/${batch.partition}`); } });
    }
    await b.producer().send('t1', workload(64));
    await b.producer().send('t2', workload(64));
    await until(async () => (await b.lag('g', ['t1', 't2'])) === 0);
    for (const parts of got) for (const tp of parts) expect(parts.has(tp.replace(/^t[12]/, (t) => (t === 't1' ? 't2' : 't1')))).toBe(true);
    expect(got.reduce((n, p) => n + p.size, 0)).toBe(8);
  });

  it('two groups each see every message', async () => {
    const b = bus();
    const seen = { g1: [] as string[], g2: [] as string[] };
    for (const g of ['g1', 'g2'] as const) await b.subscribe({ group: g, topics: ['t'], eachBatch: async (batch) => { seen[g].push(...text(batch)); } });
    await b.producer().send('t', workload(120));
    await until(() => seen.g1.length >= 120 && seen.g2.length >= 120);
    expect(seen.g1.sort()).toEqual(workload(120).map((m) => dec.decode(m.value)).sort());
    expect(seen.g2.sort()).toEqual(seen.g1);
  });

  it('a failing batch is redelivered from the same offset and nothing is committed until it succeeds', async () => {
    const b = bus(1);
    await b.producer().send('t', workload(10));
    const attempts: { first: number; count: number }[] = [];
    let healthy = false;
    const delivered: string[] = [];
    await b.subscribe({
      group: 'g', topics: ['t'],
      eachBatch: async (batch) => {
        attempts.push({ first: batch.messages[0]?.offset ?? -1, count: batch.messages.length });
        if (!healthy) throw new Error('store down');
        delivered.push(...text(batch));
      },
    });
    await until(() => attempts.length >= 3);
    expect(await b.lag('g', ['t'])).toBe(10);
    expect(delivered).toEqual([]);
    healthy = true;
    await until(async () => (await b.lag('g', ['t'])) === 0);
    expect(attempts.every((a) => a.first === 0 && a.count === 10)).toBe(true);
    expect(delivered).toEqual(workload(10).map((m) => dec.decode(m.value)));
  });

  it('lag counts uncommitted messages per group and reaches 0 once they are processed', async () => {
    const b = bus();
    await b.producer().send('t', workload(25));
    expect(await b.lag('g', ['t'])).toBe(25);
    expect(await b.lag('other', ['t', 'unused'])).toBe(25);
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => { release = r; });
    await b.subscribe({ group: 'g', topics: ['t'], eachBatch: async () => { await gate; } });
    await new Promise((r) => setTimeout(r, 50));
    expect(await b.lag('g', ['t'])).toBe(25);
    release();
    await until(async () => (await b.lag('g', ['t'])) === 0);
    expect(await b.lag('other', ['t'])).toBe(25);
  });

  it('stop() ends consumption and hands the partitions to the remaining member', async () => {
    const b = bus();
    const seen = { a: [] as string[], b: [] as string[] };
    const subA = await b.subscribe({ group: 'g', topics: ['t'], eachBatch: async (batch) => { seen.a.push(...text(batch)); } });
    await b.subscribe({ group: 'g', topics: ['t'], eachBatch: async (batch) => { seen.b.push(...text(batch)); } });
    await b.producer().send('t', workload(80));
    await until(async () => (await b.lag('g', ['t'])) === 0);
    await subA.stop();
    const aBefore = seen.a.length;
    const bBefore = seen.b.length;
    await b.producer().send('t', workload(80));
    await until(async () => (await b.lag('g', ['t'])) === 0);
    expect(seen.a.length).toBe(aBefore);
    expect(seen.b.length - bBefore).toBe(80);
  });

  it('after its only member stops, a group stops consuming and its lag grows', async () => {
    const b = bus();
    let calls = 0;
    const sub = await b.subscribe({ group: 'g', topics: ['t'], eachBatch: async () => { calls++; } });
    await sub.stop();
    await b.producer().send('t', workload(9));
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toBe(0);
    expect(await b.lag('g', ['t'])).toBe(9);
  });
});
