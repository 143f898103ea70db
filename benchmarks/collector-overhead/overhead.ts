import type { Config } from './config.ts';
import { type Failure, errorText, log, orderFor, waitForDrop, withAgent } from './harness.ts';
import { startLoad } from './load.ts';
import type { AgentName } from './peers/peer.ts';
import { liveProcesses, measureWindow } from './proc-meter.ts';
import type { RunRecord } from './report.ts';

const MIB = 2 ** 20;

/**
 * One process level: tops the host up to `n` processes, then runs every agent in turn against
 * the same sleepers, `BENCH_REPEATS` times, alternating the order. A peer that fails is
 * recorded in `failures` and the others still run.
 */
export async function runLevel(n: number, agents: readonly AgentName[], cfg: Config, out: RunRecord[], failures: Failure[]): Promise<void> {
  const before = liveProcesses();
  const load = await startLoad(n);
  log(`N=${n}: ${load.sleepers} sleepers added to ${before} processes, now ${liveProcesses()}`);
  try {
    for (let repeat = 0; repeat < cfg.BENCH_REPEATS; repeat++) {
      for (const [order, agent] of orderFor(repeat, agents).entries()) {
        const tag = `N=${n} repeat ${repeat + 1}/${cfg.BENCH_REPEATS} ${agent}`;
        try {
          const maxS = cfg.BENCH_WARMUP_S + cfg.BENCH_DURATION_S + 60;
          const w = await withAgent(agent, cfg, maxS, (a) => measureWindow(a, cfg.BENCH_WARMUP_S, cfg.BENCH_DURATION_S));
          if (w.ticks <= 0) throw new Error(`${agent} completed no collection in the ${cfg.BENCH_DURATION_S} s window`);
          out.push({ ...w, target_processes: n, repeat, order, agent });
          log(`${tag}: cpu ${w.cpu_s.toFixed(2)} s over ${w.ticks} ticks, ${w.cpu_us_per_process_sample.toFixed(2)} µs/process-sample, `
            + `rss ${(w.rss_median_bytes / MIB).toFixed(1)} MiB, hwm ${(w.hwm_bytes / MIB).toFixed(1)} MiB, live ${w.live_processes}`);
        } catch (e) {
          failures.push({ phase: 'overhead', agent, target_processes: n, repeat, error: errorText(e) });
          log(`ERROR ${tag}: ${errorText(e)}; going on with the other agents`);
        }
      }
    }
  } finally {
    load.kill();
    await waitForDrop(before + 5);
  }
}
