import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from './alert.ts';
import { AlertSpool } from './alert-spool.ts';

const root = mkdtempSync(join(tmpdir(), 'alert-spool-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const file = (): string => join(root, `s${n++}`, 'webhook.jsonl');

const alert = (run: string, endsAt = '2026-12-05T11:00:00.000Z'): Alert => ({
  labels: { alertname: 'runlens_idle', kind: 'idle', run }, annotations: { summary: `run ${run} idle` },
  startsAt: '2026-12-05T10:00:00.000Z', endsAt, generatorURL: `http://dash/runs/${run}`,
});
const open = (f: string, maxCount = 100, maxBytes = 1 << 20): AlertSpool => new AlertSpool({ file: f, maxCount, maxBytes });
const runs = (s: AlertSpool): string[] => s.entries().map((e) => e.alert.labels.run ?? '');

describe('AlertSpool', () => {
  it('keeps undelivered alerts across a reopen, in order, and forgets the delivered ones', () => {
    const f = file();
    const a = open(f);
    a.put([['k1', alert('r1')], ['k2', alert('r2')], ['k3', alert('r3')]], 1000);
    a.done(a.entries().filter((e) => e.key === 'k2'));
    // No close: as after kill -9, only what reached the file counts.
    const b = open(f);
    expect(runs(b)).toEqual(['r1', 'r3']);
    expect(b.oldestMs()).toBe(1000);
    b.done(b.entries());
    expect(open(f).depth).toBe(0);
  });

  it('keeps only the newest version of an alert, waiting since the first, and a delivery of the old one leaves the new', () => {
    const f = file();
    const a = open(f);
    a.put([['k1', alert('r1')]], 1000);
    const firing = a.entries();
    a.put([['k1', alert('r1', '2026-12-05T10:05:00.000Z')]], 5000);
    a.done(firing);
    const b = open(f);
    expect(b.entries()).toHaveLength(1);
    expect(b.entries()[0]?.alert.endsAt).toBe('2026-12-05T10:05:00.000Z');
    expect(b.entries()[0]?.sinceMs).toBe(1000);
  });

  it('drops the oldest beyond the count or byte bound, counts them, and the drop survives a reopen', () => {
    const f = file();
    const a = open(f, 3);
    expect(a.put([1, 2, 3, 4, 5].map((i) => [`k${i}`, alert(`r${i}`)] as const), 0)).toBe(2);
    expect(a.dropped).toBe(2);
    expect(runs(open(f, 3))).toEqual(['r3', 'r4', 'r5']);
    const oneLine = Buffer.byteLength(readFileSync(f, 'utf8').split('\n')[0] ?? '') + 1;
    const small = open(file(), 100, oneLine * 2 + 10);
    small.put([1, 2, 3, 4].map((i) => [`k${i}`, alert(`r${i}`)] as const), 0);
    expect(runs(small)).toEqual(['r3', 'r4']);
    expect(small.bytes).toBeLessThanOrEqual(oneLine * 2 + 10);
  });

  it('skips a torn last line (a crash mid-append) and keeps every complete one', () => {
    const f = file();
    open(f).put([['k1', alert('r1')], ['k2', alert('r2')]], 0);
    appendFileSync(f, '{"p":9,"k":"k3","t":0,"a":{"labels":{"run":"r3"');
    const b = open(f);
    expect(runs(b)).toEqual(['r1', 'r2']);
    b.put([['k4', alert('r4')]], 0);
    expect(runs(open(f))).toEqual(['r1', 'r2', 'r4']);
  });

  it('compacts its journal, so a long life of deliveries does not grow the file', () => {
    const f = file();
    const a = open(f);
    for (let i = 0; i < 600; i++) {
      a.put([[`k${i}`, alert(`r${i}`)]], i);
      a.done(a.entries());
    }
    a.put([['last', alert('last')]], 0);
    expect(statSync(f).size).toBeLessThan(100 * 1024);
    expect(runs(open(f))).toEqual(['last']);
  });

  it('in memory only (no file) it queues the same way', () => {
    const m = new AlertSpool({ file: null, maxCount: 2, maxBytes: 1 << 20 });
    m.put([['a', alert('a')], ['b', alert('b')], ['c', alert('c')]], 0);
    expect(runs(m)).toEqual(['b', 'c']);
    expect(m.durable).toBe(false);
  });
});
