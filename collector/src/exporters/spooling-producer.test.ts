import type { BusProducer, OutgoingMessage } from '@runlens/pipeline';
import { silentLogger } from '@runlens/schemas';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskSpool } from './disk-spool.ts';
import { SpoolingProducer } from './spooling-producer.ts';

/** A bus that can be switched off, recording what it accepted, in order. */
class SwitchableBus implements BusProducer {
  up = true;
  readonly got: string[] = [];
  async send(_topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (!this.up) throw new Error('ECONNREFUSED');
    for (const m of messages) this.got.push(m.headers.seq ?? '?');
  }
}

const msg = (seq: number, bytes = 100): OutgoingMessage => ({ key: 'h', value: new Uint8Array(bytes).fill(seq % 256), headers: { seq: String(seq) } });
const dir = (): string => mkdtempSync(join(tmpdir(), 'spool-'));

describe('SpoolingProducer', () => {
  it('spools while the bus is down and replays in order, new batches queued behind the backlog', async () => {
    const bus = new SwitchableBus();
    const p = new SpoolingProducer(bus, dir(), 10 * 1024 * 1024, silentLogger);
    await p.send('t', [msg(0)]);
    bus.up = false;
    for (let i = 1; i <= 5; i++) await p.send('t', [msg(i)]);
    expect(p.backlog).toBe(5);
    bus.up = true;
    await p.send('t', [msg(6)]); // must not overtake the backlog
    await p.drain();
    expect(bus.got).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    expect(p.backlog).toBe(0);
    await p.close();
  });

  it('survives a restart: a spool left on disk is replayed by the next producer', async () => {
    const d = dir();
    const down = new SwitchableBus();
    down.up = false;
    const first = new SpoolingProducer(down, d, 10 * 1024 * 1024, silentLogger);
    await first.send('t', [msg(1), msg(2)]);
    await first.close();
    const bus = new SwitchableBus();
    const second = new SpoolingProducer(bus, d, 10 * 1024 * 1024, silentLogger);
    await second.drain();
    expect(bus.got).toEqual(['1', '2']);
    await second.close();
  });

  it('drops the oldest batches when the bound is reached, and counts them', async () => {
    const bus = new SwitchableBus();
    bus.up = false;
    const p = new SpoolingProducer(bus, dir(), 5000, silentLogger);
    for (let i = 0; i < 20; i++) await p.send('t', [msg(i, 1000)]);
    expect(p.dropped).toBeGreaterThan(10);
    bus.up = true;
    await p.drain();
    expect(bus.got.length + p.dropped).toBe(20);
    expect(bus.got[bus.got.length - 1]).toBe('19'); // the newest survive
    await p.close();
  });
});

describe('DiskSpool', () => {
  it('skips and removes a corrupt batch file instead of stopping', () => {
    const d = dir();
    writeFileSync(join(d, '0000000000000000.batch'), 'garbage without header');
    const s = new DiskSpool(d, 1e9);
    s.append('t', [msg(1)]);
    s.append('t', [msg(2)]);
    const b = s.peek();
    expect(b?.messages[0]?.headers.seq).toBe('1');
    expect(readdirSync(d).filter((f) => f.endsWith('.batch'))).toHaveLength(2);
  });
});
