import type { Config } from './config.ts';
import { runCpuJob } from './cpu-job.ts';
import { type Failure, errorText, log, orderFor, waitForDrop, withAgent } from './harness.ts';
import { startLoad } from './load.ts';
import { sleep } from './peers/child.ts';
import type { AgentName } from './peers/peer.ts';
import { cpuSeconds, hostCpu, liveProcesses, processTree } from './proc-meter.ts';

export type Condition = AgentName | 'none';

/** One timed run of the CPU job, alone ('none') or beside one agent. */
export interface SlowdownRecord {
  readonly condition: Condition;
  readonly repeat: number;
  readonly order: number;
  readonly wall_s: number;
  /** Agent tree CPU and completed collections while the job ran (null without an agent). */
  readonly agent_cpu_s: number | null;
  readonly agent_ticks: number | null;
  /** This harness's own CPU while the job ran: the 1 Hz scrapes and stdout draining live here. */
  readonly harness_cpu_s: number;
  /** The job's own usr+sys over both workers, from stress-ng's metrics. */
  readonly job_cpu_s: number;
  /**
   * Host busy CPU (/proc/stat) not accounted to the job, the agent or the harness: other
   * sessions sharing this kernel. The noise indicator for the wall time.
   */
  readonly others_cpu_s: number;
  readonly steal_s: number;
  readonly live_processes: number;
}

const JOB_TIMEOUT_MS = 300_000;

async function timeJob(condition: Condition, cfg: Config): Promise<Omit<SlowdownRecord, 'repeat' | 'order'>> {
  const job = async (agent: { pid: number; ticks(): Promise<number> } | null): Promise<Omit<SlowdownRecord, 'repeat' | 'order'>> => {
    const tree = agent ? processTree(agent.pid) : [];
    const cpu0 = cpuSeconds(tree);
    const ticks0 = agent ? await agent.ticks() : 0;
    const live_processes = liveProcesses();
    const self0 = process.cpuUsage();
    const host0 = hostCpu();
    const { wall_s, job_cpu_s } = await runCpuJob(cfg.BENCH_SLOWDOWN_CPU_OPS, cfg.BENCH_SLOWDOWN_CPU_METHOD, JOB_TIMEOUT_MS);
    const host1 = hostCpu();
    const self = process.cpuUsage(self0);
    const harness_cpu_s = (self.user + self.system) / 1e6;
    const agent_cpu_s = agent ? cpuSeconds(tree) - cpu0 : null;
    return {
      condition, wall_s, live_processes, harness_cpu_s, job_cpu_s, agent_cpu_s,
      others_cpu_s: host1.busy_s - host0.busy_s - job_cpu_s - harness_cpu_s - (agent_cpu_s ?? 0),
      steal_s: host1.steal_s - host0.steal_s,
      agent_ticks: agent ? (await agent.ticks()) - ticks0 : null,
    };
  };
  if (condition === 'none') return job(null);
  const maxS = cfg.BENCH_WARMUP_S + JOB_TIMEOUT_MS / 1000 + 60;
  return withAgent(condition, cfg, maxS, async (a) => {
    await sleep(cfg.BENCH_WARMUP_S * 1000); // startup CPU (module loading, Go runtime) stays out of the job
    return job(a);
  });
}

/**
 * The same fixed 2-thread CPU job, timed with no agent and beside each agent at 1 Hz, with
 * `BENCH_SLOWDOWN_PROCESSES` processes present; conditions alternate order across repeats.
 */
export async function runSlowdown(agents: readonly AgentName[], cfg: Config, out: SlowdownRecord[], failures: Failure[]): Promise<void> {
  const before = liveProcesses();
  const load = await startLoad(cfg.BENCH_SLOWDOWN_PROCESSES);
  log(`slowdown: ${load.sleepers} sleepers added to ${before} processes, now ${liveProcesses()}`);
  const conditions: Condition[] = ['none', ...agents];
  try {
    for (let repeat = 0; repeat < cfg.BENCH_SLOWDOWN_REPEATS; repeat++) {
      for (const [order, condition] of orderFor(repeat, conditions).entries()) {
        const tag = `slowdown repeat ${repeat + 1}/${cfg.BENCH_SLOWDOWN_REPEATS} ${condition}`;
        try {
          const r = await timeJob(condition, cfg);
          out.push({ ...r, repeat, order });
          log(`${tag}: job ${r.wall_s.toFixed(2)} s (cpu ${r.job_cpu_s.toFixed(2)} s), agent cpu ${r.agent_cpu_s?.toFixed(2) ?? '-'} s `
            + `over ${r.agent_ticks ?? '-'} ticks, harness cpu ${r.harness_cpu_s.toFixed(2)} s, others ${r.others_cpu_s.toFixed(2)} s, steal ${r.steal_s.toFixed(2)} s`);
        } catch (e) {
          failures.push({ phase: 'slowdown', agent: condition, target_processes: cfg.BENCH_SLOWDOWN_PROCESSES, repeat, error: errorText(e) });
          log(`ERROR ${tag}: ${errorText(e)}; going on with the other conditions`);
        }
      }
    }
  } finally {
    load.kill();
    await waitForDrop(before + 5);
  }
}
