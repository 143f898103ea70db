import { attr, defineTable, gauge, nullable, rate, ts } from './column.ts';

/** One row per watched cgroup per tick (v1 or v2). */
export const cgroupSamples = defineTable({
  name: 'cgroup_samples',
  description: 'CPU, memory and IO of the cgroups that hold runs (cgroup v1 controllers or v2 unified).',
  engine: { kind: 'idempotent_samples' },
  orderBy: ['host', 'run_id', 'cgroup', 'ts'],
  timeColumn: 'ts',
  ttlDays: 90,
  columns: {
    ts: ts('Tick time.'),
    host: attr('lc', 'Host name.', 'host.name'),
    run_id: attr('str', 'Run the cgroup belongs to; empty if none.'),
    cgroup: attr('str', 'Cgroup path relative to the hierarchy root.'),
    version: attr('u8', '1 or 2.'),
    interval_s: gauge('s', 'Seconds this row\'s rates cover.'),
    cpu_usage_cores: nullable(rate('cores', 'CPU time per second (cpuacct.usage or cpu.stat usage_usec).')),
    cpu_throttled_ratio: nullable(rate('ratio', 'Share of CFS periods that were throttled.')),
    cpu_quota_cores: nullable(gauge('cores', 'CFS quota / period; null when unlimited.')),
    mem_usage_bytes: nullable(gauge('bytes', 'memory.usage_in_bytes or memory.current.')),
    mem_limit_bytes: nullable(gauge('bytes', 'Memory limit; null when unlimited.')),
    io_read_bytes_per_s: nullable(rate('bytes/s', 'Block IO bytes read (blkio or io.stat).')),
    io_write_bytes_per_s: nullable(rate('bytes/s', 'Block IO bytes written.')),
  },
});
