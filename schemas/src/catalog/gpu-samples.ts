import { attr, defineTable, gauge, nullable, rate, ts } from './column.ts';

/** One row per GPU per tick. */
export const gpuSamples = defineTable({
  name: 'gpu_samples',
  description: 'Per-GPU utilisation, memory, power, clocks, temperature, PCIe and health (nvidia-smi).',
  engine: { kind: 'idempotent_samples' },
  orderBy: ['host', 'gpu_index', 'ts'],
  timeColumn: 'ts',
  ttlDays: 90,
  columns: {
    ts: ts('Tick time.'),
    host: attr('lc', 'Host name.', 'host.name'),
    gpu_index: attr('u32', 'GPU index on the host.'),
    gpu_uuid: attr('str', 'GPU UUID.', 'hw.id'),
    gpu_name: attr('lc', 'GPU model.', 'hw.model'),
    util_ratio: nullable(gauge('ratio', 'Share of time a kernel ran (nvidia-smi utilization.gpu / 100).', 'hw.gpu.utilization{hw.type=gpu}')),
    mem_util_ratio: nullable(gauge('ratio', 'Share of time memory was read or written.', 'hw.gpu.memory.utilization{hw.type=gpu}')),
    mem_used_bytes: nullable(gauge('bytes', 'Framebuffer memory used.', 'hw.gpu.memory.usage{hw.type=gpu}')),
    mem_total_bytes: nullable(gauge('bytes', 'Framebuffer memory total.', 'hw.gpu.memory.limit{hw.type=gpu}')),
    power_w: nullable(gauge('W', 'Power draw.', 'hw.power{hw.type=gpu}')),
    power_limit_w: nullable(gauge('W', 'Enforced power limit.')),
    sm_clock_mhz: nullable(gauge('MHz', 'SM clock.')),
    mem_clock_mhz: nullable(gauge('MHz', 'Memory clock.')),
    temp_c: nullable(gauge('Cel', 'GPU temperature.', 'hw.temperature{hw.type=gpu}')),
    pcie_gen: nullable(attr('u32', 'Current PCIe generation.')),
    pcie_width: nullable(attr('u32', 'Current PCIe link width.')),
    throttle_reasons: attr('str_list', 'Active clock-throttle reasons (sw_power_cap, hw_slowdown, ...).'),
    ecc_uncorrected: nullable(gauge('count', 'Volatile uncorrected ECC errors since driver load.')),
    retired_pages_pending: nullable(attr('u8', '1 if a page retirement is pending.')),
  },
});

/** One row per (GPU, process) per tick. */
export const gpuProcessSamples = defineTable({
  name: 'gpu_process_samples',
  description: 'Per-process GPU memory and, where pmon answers, SM utilisation.',
  engine: { kind: 'idempotent_samples' },
  orderBy: ['host', 'run_id', 'ts', 'pid', 'gpu_uuid'],
  timeColumn: 'ts',
  ttlDays: 90,
  columns: {
    ts: ts('Tick time.'),
    host: attr('lc', 'Host name.', 'host.name'),
    run_id: attr('str', 'Run of the process; empty for background.'),
    rank: nullable(attr('i32', 'Rank of the process, if known.')),
    gpu_uuid: attr('str', 'GPU UUID.'),
    pid: attr('i32', 'Process id.', 'process.pid'),
    comm: attr('lc', 'Process name as nvidia-smi reports it.'),
    used_mem_bytes: nullable(gauge('bytes', 'GPU memory used by the process.')),
    sm_util_ratio: nullable(rate('ratio', 'SM utilisation by the process (pmon), 0-1.')),
  },
});
