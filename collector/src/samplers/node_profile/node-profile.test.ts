import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAbsent } from '../../sampler.ts';
import type { HostContext, SamplerInstance, Tick } from '../../sampler.ts';
import { nodeProfileSampler } from './index.ts';
import { parseCpuinfo, parseGpuInventory } from './parse.ts';

const TD = join(import.meta.dirname, 'testdata');
const golden = (p: string): string => readFileSync(join(TD, p), 'latin1');
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as unknown as HostContext['log'];
const tick = (mono_s: number): Tick => ({ ts: mono_s * 1000, mono_s, runs: [], attribute: () => null, observeProcesses: () => {} });
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'node-profile-'));
  dirs.push(d);
  return d;
}

function put(root: string, rel: string, text: string): void {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), text);
}

/** A fake GPU + IB + PMU + cgroup v2 host, with the captured /proc files of this machine. */
function fakeHost(): { host: HostContext; smiDir: string } {
  const root = temp();
  for (const f of ['cpuinfo', 'meminfo', 'stat']) put(root, `proc/${f}`, golden(f));
  put(root, 'proc/sys/kernel/perf_event_paranoid', '2\n');
  put(root, 'proc/pressure/cpu', 'some avg10=0.00 avg60=0.00 avg300=0.00 total=1\n');
  put(root, 'sys/bus/event_source/devices/cpu/type', '4\n');
  put(root, 'sys/fs/cgroup/cgroup.controllers', 'cpu io memory\n');
  put(root, 'sys/class/infiniband/mlx5_0/ports/1/state', '4: ACTIVE\n');
  put(root, 'sys/class/infiniband/mlx5_0/ports/1/rate', '400 Gb/sec (4X NDR)\n');
  put(root, 'sys/class/infiniband/mlx5_1/ports/1/state', '4: ACTIVE\n');
  put(root, 'sys/class/infiniband/mlx5_1/ports/1/rate', '200 Gb/sec (4X HDR)\n');
  put(root, 'sys/class/infiniband/mlx5_2/ports/1/state', '1: DOWN\n');
  put(root, 'smi/nvidia-smi', '#!/bin/sh\nprintf "NVIDIA H100 80GB HBM3, 81559\\nNVIDIA H100 80GB HBM3, 81559\\n"\n');
  chmodSync(join(root, 'smi/nvidia-smi'), 0o755);
  const host: HostContext = { host: 'n1', procRoot: join(root, 'proc'), sysRoot: join(root, 'sys'), clkTck: 100, pageSize: 65536, log: silent };
  return { host, smiDir: join(root, 'smi') };
}

async function make(host: HostContext, cfg: Record<string, unknown>): Promise<SamplerInstance> {
  const s = await nodeProfileSampler.create(nodeProfileSampler.config.parse(cfg), host);
  if (isAbsent(s)) throw new Error(s.absent);
  return s;
}

describe('cpuinfo parsing', () => {
  it('counts this machine\'s captured cpuinfo: 2 cores on one socket', () => {
    expect(parseCpuinfo(golden('cpuinfo'))).toEqual({ cpu_model: 'Intel(R) Xeon(R) Processor', logical_cpus: 2, physical_cores: 2, sockets: 1 });
  });
  it('counts SMT siblings once per (socket, core)', () => {
    expect(parseCpuinfo(golden('cpuinfo.2socket-smt'))).toMatchObject({ logical_cpus: 5, physical_cores: 3, sockets: 2 });
  });
  it('falls back to one core per CPU without topology fields (arm64, truncated)', () => {
    expect(parseCpuinfo(golden('cpuinfo.arm64'))).toMatchObject({ cpu_model: 'unknown', logical_cpus: 3, physical_cores: 3, sockets: 1 });
    expect(parseCpuinfo(golden('cpuinfo.truncated')).logical_cpus).toBe(1);
    expect(parseCpuinfo('').logical_cpus).toBe(0);
  });
  it('reads the GPU inventory in MiB', () => {
    expect(parseGpuInventory('NVIDIA H100 80GB HBM3, 81559\ngarbage\n')).toEqual({ models: ['NVIDIA H100 80GB HBM3'], mem_total_bytes: 81559 * 2 ** 20 });
  });
});

describe('node_profile sampler', () => {
  it('profiles a GPU + IB host and then stays quiet until every_s passes', async () => {
    const { host, smiDir } = fakeHost();
    const s = await make(host, { search_path: smiDir, every_s: 600 });
    const row = (await s.sample(tick(100))).node_profiles?.[0];
    expect(row).toMatchObject({
      host: 'n1', logical_cpus: 2, physical_cores: 2, sockets: 1, page_size_bytes: 65536, clk_tck: 100,
      cgroup_version: 2, psi_available: 1, pmu_available: 1, gpu_count: 2, gpu_models: ['NVIDIA H100 80GB HBM3'],
      gpu_mem_total_bytes: 81559 * 2 ** 20, ib_ports: 2, ib_link_rate_gbps: 400, absent: [],
    });
    expect(row?.mem_total_bytes).toBe(Number(/MemTotal:\s+(\d+)/.exec(golden('meminfo'))?.[1]) * 1024);
    expect((await s.sample(tick(400))).node_profiles).toBeUndefined();
    expect((await s.sample(tick(700))).node_profiles).toHaveLength(1);
  });

  it('lists absent sources on a bare host', async () => {
    const root = temp();
    put(root, 'proc/stat', 'cpu  1 2 3 4 5\ncpu0 1 2 3 4 5\n');
    const host: HostContext = { host: 'b', procRoot: join(root, 'proc'), sysRoot: join(root, 'sys'), clkTck: 100, pageSize: 4096, log: silent };
    const row = (await (await make(host, { search_path: join(root, 'nowhere') })).sample(tick(1))).node_profiles?.[0];
    expect(row?.absent).toEqual(['gpu: nvidia-smi, rocm-smi, amd-smi, npu-smi not found', 'ib: no /sys/class/infiniband', 'psi: no /proc/pressure', 'pmu: no hardware perf counters', 'cgroup: no cgroup fs']);
    expect(row).toMatchObject({ logical_cpus: 1, cgroup_version: 0, gpu_count: 0, gpu_mem_total_bytes: null, ib_link_rate_gbps: null });
  });
});

describe('node_profile on a non-NVIDIA accelerator host', () => {
  it('counts Ascend NPUs from npu-smi info when nvidia-smi is absent', async () => {
    const { host } = fakeHost();
    const bin = temp();
    const table = join(import.meta.dirname, '../gpu/ascend/testdata/npu-smi-info.910b3x2.txt');
    put(bin, 'npu-smi', `#!/bin/sh\ncat '${table}'\n`);
    chmodSync(join(bin, 'npu-smi'), 0o755);
    const row = (await (await make(host, { search_path: bin })).sample(tick(1))).node_profiles?.[0];
    expect(row).toMatchObject({ gpu_count: 2, gpu_models: ['Ascend 910B3'], gpu_mem_total_bytes: 65536 * 2 ** 20 });
    expect(row?.absent.filter((a) => a.startsWith('gpu'))).toEqual([]);
  });
});

describe('node_profile on this machine', () => {
  it('reports this VM: cgroup v1, PSI, no hardware PMU', async () => {
    const host: HostContext = { host: 'live', procRoot: '/proc', sysRoot: '/sys', clkTck: 100, pageSize: 4096, log: silent };
    const s = await make(host, {});
    const row = (await s.sample(tick(performance.now() / 1000))).node_profiles?.[0];
    expect(row?.logical_cpus).toBeGreaterThan(0);
    expect(row?.physical_cores ?? 0).toBeLessThanOrEqual(row?.logical_cpus ?? 0);
    expect(row?.mem_total_bytes ?? 0).toBeGreaterThan(1e9);
    expect(row?.kernel).toMatch(/^\d+\.\d+/);
    expect([0, 1, 2]).toContain(row?.cgroup_version);
    if (row?.pmu_available === 0) expect(row.absent).toContain('pmu: no hardware perf counters');
    expect((await s.sample(tick(performance.now() / 1000 + 1))).node_profiles).toBeUndefined();
  });
});
