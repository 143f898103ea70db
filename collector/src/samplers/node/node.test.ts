import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAbsent } from '../../sampler.ts';
import type { HostContext, SamplerInstance, Tick } from '../../sampler.ts';
import { nodeSampler } from './index.ts';
import { isPartitionOf, parseDiskstats, parseNetDev } from './parse-devices.ts';
import { parseMeminfo, parseProcStat, summariseMeminfo } from './parse-proc.ts';

const TD = join(import.meta.dirname, 'testdata');
const golden = (p: string): string => readFileSync(join(TD, p), 'latin1');
const uptime = (snap: string): number => Number(golden(`${snap}/uptime`).split(' ')[0]);
const silent = { debug() {}, info() {}, warn() {}, error() {} } as unknown as HostContext['log'];
const tick = (mono_s: number): Tick => ({ ts: Math.round(mono_s * 1000), mono_s, runs: [], attribute: () => null, observeProcesses: () => {} });
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function hostAt(procRoot: string): HostContext {
  return { host: 'h1', procRoot, sysRoot: '/nonexistent', clkTck: 100, pageSize: 4096, log: silent };
}

async function make(procRoot: string): Promise<SamplerInstance> {
  const s = await nodeSampler.create(nodeSampler.config.parse({}), hostAt(procRoot));
  if (isAbsent(s)) throw new Error(s.absent);
  return s;
}

/** Plays the two captured snapshots (dd of 200 MiB with O_DIRECT between them) through the sampler. */
async function playGolden(mutateT1?: (root: string) => void) {
  const root = mkdtempSync(join(tmpdir(), 'node-sampler-'));
  dirs.push(root);
  cpSync(join(TD, 't0'), root, { recursive: true });
  const s = await make(root);
  const first = await s.sample(tick(uptime('t0')));
  cpSync(join(TD, 't1'), root, { recursive: true });
  mutateT1?.(root);
  const second = await s.sample(tick(uptime('t1')));
  return { first, second };
}

describe('node sampler on golden snapshots', () => {
  it('emits nothing on the first tick (no rate yet)', async () => {
    const { first } = await playGolden();
    expect(first.node_samples).toEqual([]);
    expect(first.device_samples).toEqual([]);
  });

  it('disk write rate equals the 200 MiB dd wrote over the interval', async () => {
    const { second } = await playGolden();
    const vda = second.device_samples?.find((r) => r.device === 'vda');
    const interval = uptime('t1') - uptime('t0');
    expect(vda?.interval_s).toBeCloseTo(interval, 6);
    expect(vda?.write_bytes_per_s ?? 0).toBeGreaterThan(0.99 * (200 * 2 ** 20) / interval);
    expect(vda?.write_bytes_per_s ?? 0).toBeLessThan(1.01 * (200 * 2 ** 20) / interval);
    expect(vda?.busy_ratio).toBeCloseTo(148 / 1000 / interval, 6);
    expect(vda?.errors_per_s).toBeNull();
    expect(second.device_samples?.some((r) => r.device.startsWith('loop') || r.device === 'lo')).toBe(false);
  });

  it('CPU modes add up to the online CPUs and PSI io reflects the dd stall', async () => {
    const { second } = await playGolden();
    const n = second.node_samples?.[0];
    expect(n).toBeDefined();
    if (!n) return;
    const interval = uptime('t1') - uptime('t0');
    expect(n.online_cpus).toBe(2);
    expect(n.cpu_system_cores).toBeCloseTo(8 / 100 / interval, 9);
    expect(n.cpu_irq_cores).toBeCloseTo(2 / 100 / interval, 9);
    const sum = n.cpu_user_cores + n.cpu_system_cores + n.cpu_iowait_cores + n.cpu_irq_cores + n.cpu_steal_cores + n.cpu_idle_cores;
    expect(sum).toBeGreaterThan(1.9);
    expect(sum).toBeLessThan(2.1);
    expect(n.psi_io_some).toBeCloseTo((5010977 - 4881648) / 1e6 / interval, 9);
    expect(n.psi_io_full).toBeCloseTo((4533126 - 4413548) / 1e6 / interval, 9);
    expect(n.mem_total_bytes).toBe(Number(/MemTotal:\s+(\d+)/.exec(golden('t1/meminfo'))?.[1]) * 1024);
  });

  it('a /proc/stat that goes backwards re-baselines instead of reporting a huge rate', async () => {
    const { second } = await playGolden((root) => writeFileSync(join(root, 'stat'), golden('stat.reset')));
    expect(second.node_samples).toEqual([]);
  });

  it('PSI columns are null when /proc/pressure is absent', async () => {
    const { second } = await playGolden((root) => rmSync(join(root, 'pressure'), { recursive: true }));
    expect(second.node_samples?.[0]?.psi_cpu_some).toBeNull();
  });
});

describe('node parsers on hostile input', () => {
  it('truncated /proc/stat keeps what it can and never throws', () => {
    const s = parseProcStat(golden('stat.truncated'));
    expect(s.cpu?.user).toBe(5451);
    expect(s.ctxt).toBeNull();
    expect(parseProcStat('\0\0garbage\ncpu x y z').cpu).toBeNull();
  });

  it('diskstats keeps whole disks only and skips garbage', () => {
    const names = parseDiskstats(golden('diskstats.hostile')).map((d) => d.device);
    expect(names).toEqual(['sda', 'nvme0n1', 'nvme0n11']);
    expect(isPartitionOf('nvme0n1p1', 'nvme0n1')).toBe(true);
    expect(isPartitionOf('nvme0n11', 'nvme0n1')).toBe(false);
  });

  it('net/dev sums errors and drops, skips lo and short lines', () => {
    const n = parseNetDev(golden('net-dev.hostile'));
    expect(n).toEqual([{ device: 'eth0', rx_bytes: 12345678901, rx_packets: 100, tx_bytes: 500, tx_packets: 7, errors: 10 }]);
  });

  it('meminfo without parsable fields gives no summary rather than zeros', () => {
    const m = parseMeminfo(golden('meminfo.truncated'));
    expect(m.get('MemTotal')).toBe(24000000 * 1024);
    expect(m.has('MemFree')).toBe(false);
    expect(summariseMeminfo(new Map())).toBeNull();
  });
});

describe('node sampler on this machine', () => {
  it('two live ticks give CPU cores that add up to the online CPUs', async () => {
    const s = await make('/proc');
    const t0 = performance.now() / 1000;
    await s.sample(tick(t0));
    await new Promise((r) => setTimeout(r, 1000));
    const out = await s.sample(tick(performance.now() / 1000));
    const n = out.node_samples?.[0];
    expect(n).toBeDefined();
    if (!n) return;
    const sum = n.cpu_user_cores + n.cpu_system_cores + n.cpu_iowait_cores + n.cpu_irq_cores + n.cpu_steal_cores + n.cpu_idle_cores;
    expect(Math.abs(sum - n.online_cpus) / n.online_cpus).toBeLessThan(0.1);
    expect(n.mem_available_bytes).toBeGreaterThan(0);
    expect(n.mem_available_bytes).toBeLessThanOrEqual(n.mem_total_bytes);
  });
});
