import { z } from 'zod';
import { findingSchema } from './findings.ts';

/** The JSON run report (`runlens run --json`, `runlens report --json`, GET /api/runs/:id/report). */
export const REPORT_VERSION = 1;

const processSummary = z.object({
  pid: z.number().int(),
  comm: z.string(),
  host: z.string(),
  rank: z.number().int().nullable(),
  cpu_s: z.number(),
  peak_rss_bytes: z.number(),
  write_bytes: z.number().nullable(),
  read_bytes: z.number().nullable(),
});

/** A rank's time inside MPI over the run, from the PMPI library (`runlens run --mpi`). */
const mpiRank = z.object({
  rank: z.number().int(),
  host: z.string(),
  pid: z.number().int(),
  wall_s: z.number(),
  mpi_s: z.number(),
  /** mpi_s / wall_s. */
  mpi_share: z.number(),
  /** CPU seconds outside MPI: the rank's own compute. */
  compute_cpu_s: z.number(),
  calls: z.number(),
});
/** One host's values over time; `value` null where the bucket had no samples (a gap, never 0). */
const hostSeries = z.object({ host: z.string(), points: z.array(z.object({ ts: z.number(), value: z.number().nullable() })).readonly() });

/**
 * The run's resources over time, per host, averaged into `bucket_ms` buckets: what the HTML
 * report's charts and the text report's bars draw. `outside_cpu` is the CPU of every other
 * process on the run's hosts (other runs, daemons, RunLens itself). Optional: reports written
 * before it existed still parse.
 */
export const reportTimelineSchema = z.object({
  bucket_ms: z.number(),
  cpu: z.array(hostSeries),
  outside_cpu: z.array(hostSeries),
  /** Time the run's processes were runnable but waiting for a CPU (schedstat), in cores; optional for older reports. */
  run_delay: z.array(hostSeries).optional(),
  memory: z.array(hostSeries),
  io: z.array(hostSeries),
  gpu: z.array(hostSeries),
});
export type ReportTimeline = z.infer<typeof reportTimelineSchema>;

/** How a run ended, in one word and its particulars (analyzer/src/report/run-ending.ts decides). */
export const RUN_ENDINGS = ['running', 'exited', 'failed', 'signal', 'oom_killed', 'time_limit', 'lost'] as const;
export const runEndingSchema = z.object({
  how: z.enum(RUN_ENDINGS),
  exit_code: z.number().int().nullable(),
  /** SIGKILL, SIGSEGV, …: the signal that ended the command (exit code 128+N), or null. */
  signal: z.string().nullable(),
  /** One line for people: "OOM-killed: python3 (pid 123) at its 64 MiB cgroup limit". */
  detail: z.string(),
  /** What said so: exit_code, kernel_event, memcg_oom_kill_counter, slurm_state. */
  source: z.string(),
});
export type RunEnding = z.infer<typeof runEndingSchema>;

/**
 * The tail of the run's output (runlens run tees the command's stderr), each line with the
 * findings and node events whose time it falls in, so the log is read next to the timeline.
 */
export const reportLogSchema = z.object({
  lines: z.array(z.object({
    ts: z.number(), host: z.string(), stream: z.string(), seq: z.number().int(), line: z.string(),
    /** Kinds of the findings (warning and above) and node events around this line. */
    near: z.array(z.string()),
  })),
  /** Earlier lines that were not kept (the tail is bounded). */
  omitted: z.number().int(),
  /** Where the scheduler wrote the job's output (Slurm StdOut / StdErr), when known. */
  output_paths: z.array(z.string()),
});
export type ReportLog = z.infer<typeof reportLogSchema>;

/** A kernel or driver event on the run's hosts while it ran: drawn on the timeline, linked to the findings it caused. */
export const reportEventSchema = z.object({
  ts: z.number(), host: z.string(), kind: z.string(), severity: z.string(), pid: z.number().int().nullable(), comm: z.string(),
  device: z.string(), detail: z.string(), raw: z.string(),
  /** Kinds of the run's findings this event is evidence for. */
  findings: z.array(z.string()),
});
export type ReportEvent = z.infer<typeof reportEventSchema>;

export const runReportSchema = z.object({
  report_version: z.literal(REPORT_VERSION),
  run: z.object({
    run_id: z.string(),
    app: z.string(),
    user: z.string(),
    cmd: z.string(),
    hosts: z.array(z.string()),
    start_ts: z.number(),
    end_ts: z.number().nullable(),
    exit_code: z.number().int().nullable(),
    status: z.string(),
    alloc_cores: z.number(),
    alloc_gpus: z.number().int(),
    job_id: z.string(),
    /** Absent in reports written before it existed. */
    ending: runEndingSchema.optional(),
  }),
  summary: z.object({
    wall_s: z.number(),
    cpu_user_s: z.number(),
    cpu_sys_s: z.number(),
    cpu_cores_mean: z.number(),
    cpu_efficiency: z.number(),
    peak_rss_bytes: z.number(),
    read_bytes: z.number().nullable(),
    write_bytes: z.number().nullable(),
    rchar: z.number().nullable(),
    wchar: z.number().nullable(),
    totals_source: z.enum(['kernel', 'samples']),
    samples: z.number().int(),
    processes: z.number().int(),
    gpu: z.object({ gpus: z.number().int(), util_mean: z.number().nullable(), mem_peak_bytes: z.number().nullable() }).nullable(),
    top_processes: z.array(processSummary),
    /** Per rank, where the ranks reported their time inside MPI; absent otherwise. */
    mpi: z.array(mpiRank).optional(),
    /**
     * What the kernel's totals of the process tree hold and no per-process sample does (processes
     * shorter than a tick, each process's last second), per resource where it is a quarter of the
     * total or more; null for a resource below that. Absent without kernel totals or such a gap.
     */
    unsampled: z.object({ cpu_s: z.number().nullable(), read_bytes: z.number().nullable(), write_bytes: z.number().nullable() }).optional(),
    absent: z.array(z.string()),
  }),
  /** The verdict: what the analyzer found by the run's end, frozen then. */
  findings: z.array(findingSchema),
  /** Learned after the verdict was frozen (late data, a later analysis): shown apart, never merged into it. */
  findings_after_end: z.array(findingSchema).optional(),
  phases: z.array(z.object({
    index: z.number().int(),
    start_ts: z.number(),
    end_ts: z.number(),
    cpu_cores_mean: z.number(),
    io_bytes_per_s_mean: z.number(),
    rss_bytes_mean: z.number(),
    label: z.string(),
  })),
  baseline: z.object({
    app: z.string(),
    runs: z.number().int(),
    wall_s_median: z.number().nullable(),
    cpu_efficiency_median: z.number().nullable(),
    verdict: z.string(),
  }).nullable(),
  timeline: reportTimelineSchema.optional(),
  log: reportLogSchema.optional(),
  events: z.array(reportEventSchema).optional(),
  /** The app's own metrics (run_metrics: `runlens run --metric`, RUNLENS_METRIC_FILE), one summary per name. */
  metrics: z.array(z.object({
    name: z.string(), points: z.number().int(), median: z.number(), mean: z.number(), min: z.number(), max: z.number(), last: z.number(), source: z.string(),
    /** Each value weighted by the time since the one before: for a per-step rate, steps over time. */
    time_mean: z.number().optional(),
  })).optional(),
  /**
   * Where this app's same work ran faster or cheaper on another node type, said only when the
   * recommendation behind it is sure (runlens select), e.g. "on type b this work ran 1.8× faster (5 runs) at 0.6× the cost per run".
   */
  elsewhere: z.array(z.string()).optional(),
});

export type RunReport = z.infer<typeof runReportSchema>;
