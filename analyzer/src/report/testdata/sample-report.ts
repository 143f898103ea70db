import { type Finding, REPORT_VERSION, type RunReport, runReportSchema } from '@runlens/schemas';

/** A 2-minute run on one host with 4 cores: a leak and outside load, for the renderers' tests. */
const T0 = Date.UTC(2026, 11, 5, 9, 0, 0);
const ticks = Array.from({ length: 120 }, (_, i) => T0 + i * 1000);
const series = (f: (i: number) => number | null): { host: string; points: { ts: number; value: number | null }[] }[] =>
  [{ host: 'n1', points: ticks.map((ts, i) => ({ ts, value: f(i) })) }];

const finding = (kind: Finding['kind'], severity: Finding['severity'], from: number, to: number, evidence: Finding['evidence'], message: string, advice: string): Finding => ({
  run_id: 'r-sample', finding_id: `${kind}-n1-${from}`, kind, severity, scope: 'host', scope_id: 'n1', host: 'n1',
  start_ts: T0 + from * 1000, end_ts: T0 + to * 1000, confidence: 0.8, message, advice, evidence, phase: null,
});

export const SAMPLE_REPORT: RunReport = runReportSchema.parse({
  report_version: REPORT_VERSION,
  run: { run_id: 'r-sample', app: 'solver', user: 'ann', cmd: './solver --n 4', hosts: ['n1'], start_ts: T0, end_ts: T0 + 120_000, exit_code: 0,
    status: 'finished', alloc_cores: 4, alloc_gpus: 0, job_id: '' },
  summary: { wall_s: 120, cpu_user_s: 40, cpu_sys_s: 8, cpu_cores_mean: 0.4, cpu_efficiency: 0.1, peak_rss_bytes: 3.5 * 2 ** 30, read_bytes: 2 ** 20,
    write_bytes: 512 * 2 ** 20, rchar: 2 ** 21, wchar: 513 * 2 ** 20, totals_source: 'kernel', samples: 120, processes: 3, gpu: null,
    top_processes: [
      { pid: 4242, comm: 'solver', host: 'n1', rank: null, cpu_s: 45, peak_rss_bytes: 3.4 * 2 ** 30, write_bytes: 512 * 2 ** 20, read_bytes: 2 ** 20 },
      { pid: 4243, comm: 'gzip|<b>', host: 'n1', rank: null, cpu_s: 3, peak_rss_bytes: 2 ** 20, write_bytes: 0, read_bytes: 0 },
    ], absent: [] },
  findings: [
    finding('memory_leak', 'critical', 20, 119, { slope_bytes_per_s: 30_210_000, growth_bytes: 3 * 2 ** 30, min_slope_bytes_per_s: 1_048_576 },
      'RSS grows by 28.8 MiB/s and never returns', 'Run the solver under heaptrack on one rank.'),
    finding('cpu_interference', 'warning', 60, 90, { outside_cores_mean: 2.5, alloc_cores: 4, min_outside_share: 0.25 },
      'Other processes took 2.5 of the 4 allocated cores', 'Ask for exclusive nodes.'),
  ],
  phases: [],
  baseline: { app: 'solver', runs: 5, wall_s_median: 100, cpu_efficiency_median: 0.4, verdict: '20% slower than the median of 5 earlier runs (efficiency 10%)' },
  timeline: {
    bucket_ms: 1000,
    cpu: series((i) => (i === 50 ? null : 0.4)),
    outside_cpu: series((i) => (i >= 60 && i < 90 ? 2.5 : 0.05)),
    memory: series((i) => 2 ** 27 + i * 30_210_000),
    io: series((i) => (i < 10 ? 50 * 2 ** 20 : 0)),
    gpu: [],
  },
});
