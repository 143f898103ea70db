import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAbsent } from '../../sampler.ts';
import type { HostContext, SamplerInstance, Tick } from '../../sampler.ts';
import { ibSampler } from './index.ts';
import { parseRate, parseState } from './parse.ts';

const TD = join(import.meta.dirname, 'testdata');
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as unknown as HostContext['log'];
const tick = (mono_s: number): Tick => ({ ts: mono_s * 1000, mono_s, runs: [], attribute: () => null, observeProcesses: () => {} });
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function tempRoot(): string {
  const d = mkdtempSync(join(tmpdir(), 'ib-sampler-'));
  dirs.push(d);
  return d;
}

async function make(sysRoot: string, legacy = false): Promise<SamplerInstance> {
  const host: HostContext = { host: 'h1', procRoot: '/proc', sysRoot, clkTck: 100, pageSize: 4096, log: silent };
  const s = await ibSampler.create(ibSampler.config.parse({ legacy_32bit_data: legacy }), host);
  if (isAbsent(s)) throw new Error(s.absent);
  return s;
}

/** A one-port fake HCA built by the test itself. */
function writePort(sysRoot: string, counters: Record<string, number>): void {
  const dir = join(sysRoot, 'class', 'infiniband', 'mlx4_0', 'ports', '1');
  mkdirSync(join(dir, 'counters'), { recursive: true });
  writeFileSync(join(dir, 'state'), '4: ACTIVE\n');
  writeFileSync(join(dir, 'rate'), '56 Gb/sec (4X FDR)\n');
  for (const [k, v] of Object.entries(counters)) writeFileSync(join(dir, 'counters', k), `${v}\n`);
}

const base = { port_rcv_data: 0, port_xmit_data: 0, port_rcv_packets: 0, port_xmit_packets: 0, port_xmit_wait: 0, symbol_error: 0, link_downed: 3 };

describe('ib sampler on the golden mlx5 tree (hand-modelled on a ConnectX-6 HDR HCA)', () => {
  it('turns 4-byte words into bytes per second and sums the error counters', async () => {
    const root = tempRoot();
    cpSync(join(TD, 't0'), root, { recursive: true });
    const s = await make(root);
    expect((await s.sample(tick(1000))).ib_samples).toEqual([]);
    cpSync(join(TD, 't1'), root, { recursive: true });
    const rows = (await s.sample(tick(1002))).ib_samples ?? [];
    const up = rows.find((r) => r.device === 'mlx5_0');
    expect(up).toMatchObject({
      port: 1, state: 'ACTIVE', link_rate_gbps: 200, interval_s: 2,
      rx_bytes_per_s: 10e9, tx_bytes_per_s: 2e9, rx_packets_per_s: 1.25e6, tx_packets_per_s: 5e5,
      xmit_wait_per_s: 250000, errors_per_s: 2.5, link_downed: 1,
    });
    const down = rows.find((r) => r.device === 'mlx5_1');
    expect(down).toMatchObject({ state: 'DOWN', link_rate_gbps: 10, rx_bytes_per_s: 0 });
  });
});

describe('ib counter widths, wrap and reset', () => {
  it('a legacy 32-bit data counter that wraps gives the true small delta', async () => {
    const root = tempRoot();
    writePort(root, { ...base, port_rcv_data: 2 ** 32 - 300 });
    const s = await make(root, true);
    await s.sample(tick(10));
    writePort(root, { ...base, port_rcv_data: 700 });
    const r = (await s.sample(tick(11))).ib_samples?.[0];
    expect(r?.rx_bytes_per_s).toBe(1000 * 4);
  });

  it('port_xmit_wait wraps at 32 bits even on 64-bit data HCAs', async () => {
    const root = tempRoot();
    writePort(root, { ...base, port_xmit_wait: 2 ** 32 - 10 });
    const s = await make(root);
    await s.sample(tick(10));
    writePort(root, { ...base, port_xmit_wait: 90 });
    expect((await s.sample(tick(12))).ib_samples?.[0]?.xmit_wait_per_s).toBe(50);
  });

  it('a reset 64-bit counter (perfquery -R) is never negative or huge', async () => {
    const root = tempRoot();
    writePort(root, { ...base, port_rcv_data: 1e12, symbol_error: 60000 });
    const s = await make(root);
    await s.sample(tick(10));
    writePort(root, { ...base, port_rcv_data: 250, symbol_error: 0 });
    const r = (await s.sample(tick(11))).ib_samples?.[0];
    expect(r?.rx_bytes_per_s).toBe(1000);
    expect(r?.errors_per_s).toBe(0);
  });

  it('a port without data counters is skipped, not reported as zero', async () => {
    const root = tempRoot();
    writePort(root, { symbol_error: 0 });
    const s = await make(root);
    await s.sample(tick(1));
    expect((await s.sample(tick(2))).ib_samples).toEqual([]);
  });

  it('parses rate and state and tolerates garbage', () => {
    expect(parseRate('200 Gb/sec (4X HDR)\n')).toBe(200);
    expect(parseRate('2.5 Gb/sec (1X SDR)')).toBe(2.5);
    expect(parseRate('fast')).toBeNull();
    expect(parseState('4: ACTIVE\n')).toBe('ACTIVE');
    expect(parseState('')).toBe('UNKNOWN');
  });
});

describe('ib sampler on this machine', () => {
  it('is Absent with a clear reason when the host has no InfiniBand', async () => {
    const host: HostContext = { host: 'h', procRoot: '/proc', sysRoot: '/sys', clkTck: 100, pageSize: 4096, log: silent };
    const s = await ibSampler.create(ibSampler.config.parse({}), host);
    if (existsSync('/sys/class/infiniband')) {
      expect(isAbsent(s)).toBe(false);
      if (isAbsent(s)) return;
      await s.sample(tick(performance.now() / 1000));
      await new Promise((r) => setTimeout(r, 200));
      for (const r of (await s.sample(tick(performance.now() / 1000))).ib_samples ?? []) expect(r.rx_bytes_per_s).toBeGreaterThanOrEqual(0);
    } else {
      expect(isAbsent(s) ? s.absent : '').toBe('ib: no /sys/class/infiniband');
    }
  });
});
