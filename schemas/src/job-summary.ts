import { z } from 'zod';
import { findingSchema } from './findings.ts';

/** `runlens job JOBID --json`: a scheduler job in the seff/jobstats manner, from the store. */
export const JOB_SUMMARY_VERSION = 1;

const num = z.number().nullable();

export const jobSummarySchema = z.object({
  job_summary_version: z.literal(JOB_SUMMARY_VERSION),
  job_id: z.string(),
  run_id: z.string(),
  app: z.string(),
  user: z.string(),
  account: z.string(),
  partition: z.string(),
  cmd: z.string(),
  /** runs.status (running, finished, failed, lost) and the scheduler's own word (COMPLETED, TIMEOUT, …; '' if none). */
  status: z.string(),
  scheduler_state: z.string(),
  exit_code: z.number().int().nullable(),
  start_ts: z.number(),
  end_ts: num,
  elapsed_s: z.number(),
  time_limit_s: num,
  request: z.object({ cpus: num, mem_bytes: num, gpus: num, nodes: z.number().int() }),
  /** One line per node: CPU efficiency = CPU seconds / (allocated cores × elapsed). */
  nodes: z.array(z.object({
    host: z.string(),
    alloc_cores: num,
    cpu_s: z.number(),
    cpu_efficiency: num,
    peak_rss_bytes: z.number(),
    peak_cgroup_bytes: num,
    mem_request_bytes: num,
    read_bytes: num,
    write_bytes: num,
  })),
  gpus: z.array(z.object({ host: z.string(), gpu_uuid: z.string(), util_mean: num, mem_peak_bytes: num })),
  totals: z.object({ cpu_s: z.number(), alloc_cores: num, cpu_efficiency: num, peak_mem_bytes: z.number(), read_bytes: num, write_bytes: num }),
  findings: z.array(findingSchema),
  dashboard_url: z.string().nullable(),
});

export type JobSummary = z.infer<typeof jobSummarySchema>;
