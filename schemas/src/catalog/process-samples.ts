import { attr, defineTable, gauge, nullable, rate, ts } from './column.ts';

/**
 * One row per process per tick. Identity is (host, pid, start_ticks): PIDs are reused.
 * Series-major order (each process's ticks adjacent) lets the delta and Gorilla codecs see one
 * series at a time: 0.75× the bytes of tick-major order on a real 15-minute recording
 * (benchmarks/storage). Existing tables keep the order they were created with.
 */
export const processSamples = defineTable({
  name: 'process_samples',
  description: 'Per-process CPU, memory, scheduling and IO rates from /proc/<pid>/{stat,status,io,schedstat}.',
  engine: { kind: 'idempotent_samples' },
  orderBy: ['host', 'run_id', 'pid', 'start_ticks', 'ts'],
  timeColumn: 'ts',
  ttlDays: 90,
  columns: {
    ts: ts('Tick time.'),
    host: attr('lc', 'Host name.', 'host.name'),
    run_id: attr('str', 'Run the process belongs to; empty for node background.', 'runlens.run.id'),
    rank: nullable(attr('i32', 'MPI / torchrun rank, if the environment names one.', 'runlens.rank')),
    local_rank: nullable(attr('i32', 'Node-local rank, if the environment names one.')),
    pid: attr('i32', 'Process id.', 'process.pid'),
    ppid: attr('i32', 'Parent process id.', 'process.parent_pid'),
    start_ticks: gauge('ticks', 'Process start time in CLK_TCK since boot; with pid, the identity.'),
    comm: attr('lc', 'Executable name (comm).', 'process.executable.name'),
    state: attr('lc', 'Scheduler state letter (R, S, D, Z, ...).'),
    interval_s: gauge('s', 'Seconds this row\'s rates cover (monotonic clock).'),
    cpu_user_cores: rate('cores', 'User CPU time per second.', 'process.cpu.time{cpu.mode=user}'),
    cpu_sys_cores: rate('cores', 'System CPU time per second.', 'process.cpu.time{cpu.mode=system}'),
    run_delay_cores: rate('cores', 'Time runnable but waiting for a CPU, per second (schedstat).'),
    rss_bytes: gauge('bytes', 'Resident set size.', 'process.memory.usage'),
    hwm_bytes: gauge('bytes', 'Peak resident set size so far (VmHWM).'),
    vm_bytes: gauge('bytes', 'Virtual memory size.', 'process.memory.virtual'),
    threads: attr('u32', 'Number of threads.'),
    busy_threads: nullable(attr('u32', 'Threads on a CPU or waiting for one at least 5% of the tick (task schedstat); null when not scanned (one thread, > 256 threads, outside runs, first tick).')),
    read_bytes_per_s: nullable(rate('bytes/s', 'Storage bytes read (io read_bytes); null if /proc io is unreadable.', 'process.disk.io{disk.io.direction=read}')),
    write_bytes_per_s: nullable(rate('bytes/s', 'Storage bytes written (io write_bytes).', 'process.disk.io{disk.io.direction=write}')),
    rchar_per_s: nullable(rate('bytes/s', 'Bytes through read()-like syscalls (io rchar).')),
    wchar_per_s: nullable(rate('bytes/s', 'Bytes through write()-like syscalls (io wchar).')),
    syscr_per_s: nullable(rate('ops/s', 'read()-like syscalls per second.')),
    syscw_per_s: nullable(rate('ops/s', 'write()-like syscalls per second.')),
    vol_ctxsw_per_s: rate('1/s', 'Voluntary context switches per second.', 'process.context_switches{process.context_switch_type=voluntary}'),
    invol_ctxsw_per_s: rate('1/s', 'Involuntary context switches per second.', 'process.context_switches{process.context_switch_type=involuntary}'),
    minflt_per_s: rate('1/s', 'Minor page faults per second.', 'process.paging.faults{system.paging.fault.type=minor}'),
    majflt_per_s: rate('1/s', 'Major page faults per second.', 'process.paging.faults{system.paging.fault.type=major}'),
    last_cpu: attr('i32', 'CPU the process last ran on.'),
  },
});
