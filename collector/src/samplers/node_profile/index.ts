import { existsSync } from 'node:fs';
import { availableParallelism, release } from 'node:os';
import { join } from 'node:path';
import type { Row } from '@runlens/schemas';
import { z } from 'zod';
import { readText } from '../../lib/proc-files.ts';
import { defineSampler } from '../../sampler.ts';
import type { HostContext, RowsByTable, Tick } from '../../sampler.ts';
import { countStatCpus, parseCpuinfo, parseMemTotal } from './parse.ts';
import { cgroupVersion, gpuInventory, ibInventory, pmuAvailable } from './probes.ts';
import { StorageCapability } from './storage.ts';
import { usableCores } from './usable-cores.ts';

export interface ProfileConfig {
  readonly every_s: number;
  readonly nvidia_smi: string;
  readonly search_path?: string | undefined;
  readonly query_timeout_ms: number;
}

/** One node_profiles row from the host's files and probes. */
export async function buildProfile(tick: Tick, host: HostContext, config: ProfileConfig): Promise<Row<'node_profiles'>> {
  const cpu = parseCpuinfo(readText(join(host.procRoot, 'cpuinfo')) ?? '');
  const stat = readText(join(host.procRoot, 'stat'));
  const absent: string[] = [];
  const gpu = await gpuInventory(config.nvidia_smi, config.search_path, config.query_timeout_ms);
  if (typeof gpu === 'string') absent.push(gpu);
  const ib = ibInventory(host.sysRoot);
  if (ib === null) absent.push('ib: no /sys/class/infiniband');
  const psi = existsSync(join(host.procRoot, 'pressure'));
  if (!psi) absent.push('psi: no /proc/pressure');
  const pmu = pmuAvailable(host.procRoot, host.sysRoot);
  if (!pmu) absent.push('pmu: no hardware perf counters');
  const cg = cgroupVersion(host.sysRoot);
  if (cg === 0) absent.push('cgroup: no cgroup fs');
  return {
    ts: tick.ts, host: host.host, cpu_model: cpu.cpu_model, cpu_arch: process.arch,
    logical_cpus: (stat === null ? 0 : countStatCpus(stat)) || cpu.logical_cpus || availableParallelism(),
    physical_cores: cpu.physical_cores, sockets: cpu.sockets, usable_cores: usableCores(host.procRoot, host.sysRoot),
    mem_total_bytes: parseMemTotal(readText(join(host.procRoot, 'meminfo')) ?? '') ?? 0,
    page_size_bytes: host.pageSize, clk_tck: host.clkTck, kernel: release(),
    cgroup_version: cg, psi_available: psi ? 1 : 0, pmu_available: pmu ? 1 : 0,
    gpu_count: typeof gpu === 'string' ? 0 : gpu.models.length,
    gpu_models: typeof gpu === 'string' ? [] : [...new Set(gpu.models)],
    gpu_mem_total_bytes: typeof gpu === 'string' ? null : gpu.mem_total_bytes,
    ib_ports: ib?.active_ports ?? 0, ib_link_rate_gbps: ib?.fastest_gbps ?? null, absent,
  };
}

export const nodeProfileSampler = defineSampler({
  id: 'node_profile',
  description: 'Host capability (CPU topology, memory, page size, CLK_TCK, kernel, cgroup version, PSI, PMU, GPUs, IB) on the first tick and every every_s seconds.',
  config: z.object({
    every_s: z.number().positive().default(600),
    nvidia_smi: z.string().default('nvidia-smi'),
    search_path: z.string().optional(),
    query_timeout_ms: z.number().int().positive().default(5000),
    storage: z.object({
      // Opt-in: the probe loads each device with direct IO for probe_seconds per direction, once (cached).
      probe: z.boolean().default(false),
      probe_seconds: z.number().int().min(1).max(30).default(3),
      cache_file: z.string().optional(),
      max_age_days: z.number().positive().default(30),
      declared: z.record(z.string(), z.object({ read_bytes_per_s: z.number().positive().optional(), write_bytes_per_s: z.number().positive().optional() }).strict()).default({}),
    }).strict().default({ probe: false, probe_seconds: 3, max_age_days: 30, declared: {} }),
  }).strict(),
  create(config, host) {
    let lastMono: number | null = null;
    const resolved: ProfileConfig = { ...config, search_path: config.search_path ?? process.env['PATH'] };
    const storage = new StorageCapability(host.procRoot, host.sysRoot, { ...config.storage, search_path: resolved.search_path });
    let measured = false;
    return {
      async sample(tick): Promise<RowsByTable> {
        // The probe runs beside the ticks; its result goes out with the next tick, not 10 minutes later.
        if (lastMono !== null && tick.mono_s - lastMono < config.every_s) {
          if (!measured) return {};
          measured = false;
          return { device_profiles: storage.rows(tick.ts, host.host) };
        }
        if (lastMono === null) void storage.measure().then(() => { measured = config.storage.probe; }, () => undefined);
        lastMono = tick.mono_s;
        return { node_profiles: [await buildProfile(tick, host, resolved)], device_profiles: storage.rows(tick.ts, host.host) };
      },
      close() {},
    };
  },
});
