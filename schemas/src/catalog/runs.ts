import { attr, counter, defineTable, gauge, nullable, ts } from './column.ts';

/**
 * Reserved `run_id` of RunLens's own processes in process_samples: sampled so the overhead is
 * visible, but neither a run nor outside load (cpu_interference ignores it).
 */
export const SELF_RUN_ID = 'runlens-self';

/** One row per run, rewritten as the run progresses; the newest `updated_ts` wins. */
export const runs = defineTable({
  name: 'runs',
  description: 'A monitored run: who, what, where, and the kernel-accounted totals once it ends.',
  engine: { kind: 'replacing_merge_tree', version: 'updated_ts' },
  orderBy: ['run_id'],
  columns: {
    run_id: attr('str', 'Unique run id (ULID-like, time-sortable).'),
    app: attr('lc', 'Application name; runs of one app share a model.'),
    user: attr('lc', 'User who started the run.', 'user.name'),
    cluster: attr('lc', 'Cluster name.'),
    job_id: attr('str', 'Scheduler job id, if any (Slurm numeric id).'),
    sluid: attr('str', 'Slurm SLUID, if any.'),
    step: attr('str', 'Scheduler step id, if any.'),
    cmd: attr('str', 'Command line as started.', 'process.command_line'),
    status: attr('lc', 'running | finished | failed | lost.'),
    start_ts: ts('Start of the run.'),
    end_ts: nullable(ts('End of the run; null while running.')),
    updated_ts: ts('Version of this row.'),
    exit_code: nullable(attr('i32', 'Exit code of the command; 128+N when killed by signal N.')),
    hosts: attr('str_list', 'Hosts the run touched.'),
    ranks: attr('u32', 'Number of ranks seen.'),
    alloc_cores: gauge('cores', 'Cores allocated per host (affinity mask, Slurm, or --cores).'),
    alloc_gpus: attr('u32', 'GPUs allocated per host.'),
    tags: attr('str_list', 'Free-form key=value tags.'),
    cpu_user_s: nullable(counter('s', 'User CPU time of the whole process tree (kernel accounting).')),
    cpu_sys_s: nullable(counter('s', 'System CPU time of the whole process tree (kernel accounting).')),
    read_bytes: nullable(counter('bytes', 'Storage bytes read by the tree (/proc io read_bytes).')),
    write_bytes: nullable(counter('bytes', 'Storage bytes written by the tree (/proc io write_bytes).')),
    rchar: nullable(counter('bytes', 'Bytes passed to read()-like syscalls, incl. pipes and sockets.')),
    wchar: nullable(counter('bytes', 'Bytes passed to write()-like syscalls, incl. pipes and sockets.')),
  },
});
