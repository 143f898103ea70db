import { z } from 'zod';
import { AGENT_NAMES } from './peers/registry.ts';
import type { AgentName } from './peers/peer.ts';

const csv = (s: string): string[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '');

/** Every knob, from the environment (≈ 10 min with the defaults on 2 cores; see the README's Command). */
export const Config = z.object({
  BENCH_DURATION_S: z.coerce.number().int().min(5).default(15),
  BENCH_REPEATS: z.coerce.number().int().min(1).default(2),
  /**
   * An agent runs for days, so the window measures its steady state: 8 s keeps start-up and
   * the JIT compilation of the first ticks (V8's compiler threads count in the agent's CPU) out.
   */
  BENCH_WARMUP_S: z.coerce.number().int().min(0).default(8),
  BENCH_PROCESSES: z.string().default('1000,3000')
    .transform((s) => csv(s).map(Number))
    .pipe(z.array(z.number().int().positive()).min(1)),
  /** Which agents to run, in forward order; RunLens is the reference for every ratio. */
  BENCH_AGENTS: z.string().default(AGENT_NAMES.join(','))
    .transform(csv)
    .pipe(z.array(z.enum(AGENT_NAMES as [AgentName, ...AgentName[]])).min(1)),
  /** Repeats of the slowdown job per condition (no agent + each agent); 0 skips the slowdown part. */
  BENCH_SLOWDOWN_REPEATS: z.coerce.number().int().min(0).default(3),
  /** Processes on the host while the slowdown job runs. */
  BENCH_SLOWDOWN_PROCESSES: z.coerce.number().int().positive().default(1000),
  /** Total stress-ng bogo-ops over the 2 workers: the fixed amount of work (≈ 5.5 s on 2 idle cores of the dev VM, 2-3× that when others load it). */
  BENCH_SLOWDOWN_CPU_OPS: z.coerce.number().int().positive().default(18000),
  BENCH_SLOWDOWN_CPU_METHOD: z.string().regex(/^[a-z0-9_]+$/).default('matrixprod'),
  /**
   * Where the RunLens agent publishes: `memory`, an in-process bus that keeps 2 messages per
   * partition (the agent's own work alone), or `kafka`, a real broker this run starts on
   * loopback, through the Kafka client and codec production uses (the agent as deployed).
   */
  BENCH_BUS: z.enum(['memory', 'kafka']).default('memory'),
  /** When set, the RunLens agent also runs with --cpu-prof into this directory. */
  BENCH_CPU_PROF_DIR: z.string().optional(),
  /** Extra node flags for the RunLens agent (space-separated), to try V8 settings side by side. */
  BENCH_RUNLENS_NODE_FLAGS: z.string().default('').transform((s) => s.split(/\s+/).filter((x) => x !== ''))
    .pipe(z.array(z.string().regex(/^--[\w-]+(=[\w./-]+)?$/))),
});
export type Config = z.infer<typeof Config>;

/** Parses the environment once; every problem is reported together, with the variable names. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = Config.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`bad benchmark config: ${problems}`);
  }
  return parsed.data;
}
