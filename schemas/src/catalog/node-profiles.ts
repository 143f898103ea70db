import { attr, defineTable, gauge, nullable, ts } from './column.ts';

/** What a host can do; detectors normalise by it so one rule fits heterogeneous nodes. */
export const nodeProfiles = defineTable({
  name: 'node_profiles',
  description: 'Host capability: CPU, memory, GPUs, IB, page size, CLK_TCK, perf counters.',
  engine: { kind: 'replacing_merge_tree', version: 'ts' },
  orderBy: ['host'],
  columns: {
    ts: ts('When the profile was taken.'),
    host: attr('lc', 'Host name.', 'host.name'),
    cpu_model: attr('lc', 'CPU model name.', 'host.cpu.model.name'),
    cpu_arch: attr('lc', 'Machine architecture.', 'host.arch'),
    logical_cpus: attr('u32', 'Online logical CPUs.'),
    physical_cores: attr('u32', 'Physical cores (unique core ids per socket).'),
    sockets: attr('u32', 'CPU sockets.'),
    usable_cores: nullable(gauge('cores', 'Cores workloads here may use: the agent\'s cpuset capped by its cgroup CPU quota (and its ancestors\'); null when unreadable.')),
    mem_total_bytes: gauge('bytes', 'Physical memory.'),
    page_size_bytes: attr('u32', 'Page size at run time.'),
    clk_tck: attr('u32', 'USER_HZ: the unit of /proc CPU times.'),
    kernel: attr('lc', 'Kernel release.', 'os.version'),
    cgroup_version: attr('u8', '1, 2, or 0 when no cgroup fs is mounted.'),
    psi_available: attr('u8', '1 when /proc/pressure exists.'),
    pmu_available: attr('u8', '1 when hardware perf counters (cycles, instructions) open.'),
    gpu_count: attr('u32', 'GPUs seen by nvidia-smi; 0 when absent.'),
    gpu_models: attr('str_list', 'GPU model names.'),
    gpu_mem_total_bytes: nullable(gauge('bytes', 'Memory of one GPU.')),
    ib_ports: attr('u32', 'Active InfiniBand ports.'),
    ib_link_rate_gbps: nullable(gauge('Gbit/s', 'Fastest IB link rate.')),
    absent: attr('str_list', 'Sources absent on this host, e.g. gpu: no nvidia-smi.'),
  },
});
