import { median } from './proc-meter.ts';
import type { Condition, SlowdownRecord } from './slowdown.ts';

export interface SlowdownSummary {
  readonly condition: Condition;
  readonly repeats: number;
  readonly wall_s: number;
  /** Median wall ÷ the no-agent median: 1.05 means the job took 5 % longer beside this agent. */
  readonly vs_no_agent: number;
  readonly added_s: number;
  /** RunLens's median wall ÷ this condition's; below 1 means the job ran faster beside RunLens. */
  readonly runlens_over_this: number;
  readonly agent_cpu_s: number;
  /**
   * 1 + agent CPU ÷ job CPU, median over runs: the slowdown the agent's CPU alone predicts when
   * the job keeps both cores busy. Other sessions' load cancels out of it, unlike the wall time.
   */
  readonly cpu_model: number;
  readonly agent_ticks: number;
  readonly harness_cpu_s: number;
  readonly job_cpu_s: number;
  readonly others_cpu_s: number;
}

/** Medians per condition over the repeats, and ratios against no agent and against RunLens. */
export function summariseSlowdown(runs: readonly SlowdownRecord[]): SlowdownSummary[] {
  const conditions = [...new Set(runs.map((r) => r.condition))];
  const wallOf = (c: Condition): number => median(runs.filter((r) => r.condition === c).map((r) => r.wall_s));
  const base = wallOf('none');
  const rl = wallOf('runlens');
  return conditions.map((condition) => {
    const group = runs.filter((r) => r.condition === condition);
    const wall_s = wallOf(condition);
    return {
      condition, repeats: group.length, wall_s, vs_no_agent: wall_s / base, added_s: wall_s - base,
      runlens_over_this: rl / wall_s,
      agent_cpu_s: median(group.map((r) => r.agent_cpu_s ?? Number.NaN)),
      cpu_model: median(group.map((r) => 1 + (r.agent_cpu_s ?? 0) / r.job_cpu_s)),
      agent_ticks: median(group.map((r) => r.agent_ticks ?? Number.NaN)),
      harness_cpu_s: median(group.map((r) => r.harness_cpu_s)),
      job_cpu_s: median(group.map((r) => r.job_cpu_s)),
      others_cpu_s: median(group.map((r) => r.others_cpu_s)),
    };
  });
}

const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

export function slowdownMarkdown(rows: readonly SlowdownSummary[]): string {
  return [
    '| agent beside the job | runs | job wall median s | × no agent | added s | RunLens ÷ this (wall) | CPU model × | agent CPU s | agent ticks | harness CPU s | job CPU s | others\' CPU s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((s) => `| ${s.condition === 'none' ? 'none (baseline)' : s.condition} | ${s.repeats} | ${f(s.wall_s)} | ${f(s.vs_no_agent, 3)} | ${f(s.added_s)} | ${f(s.runlens_over_this, 3)} | ${f(s.cpu_model, 3)} | ${f(s.agent_cpu_s)} | ${f(s.agent_ticks, 0)} | ${f(s.harness_cpu_s)} | ${f(s.job_cpu_s)} | ${f(s.others_cpu_s)} |`),
    '',
    'CPU columns are medians over the job\'s run: the agent\'s process tree, this harness (scrapes, stdout draining), the job itself, and other sessions on the shared kernel (host busy minus the rest; the noise). '
      + '"CPU model ×" = 1 + agent CPU ÷ job CPU: the slowdown the agent\'s CPU alone predicts, insensitive to the other sessions.',
  ].join('\n');
}
