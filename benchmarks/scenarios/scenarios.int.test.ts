import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from './catalog.ts';
import { ScenarioStack } from './harness.ts';
import { regressionScenario } from './regression.ts';
import { scoreScenario, withoutMachineLoad } from './score.ts';
import { canThrottle, killAll } from './workloads.ts';

/**
 * Onset to finding, bounded generously: the quiet suite (run.ts) measures the latencies (slow_node
 * 7.0 s there); beside a 1-core busy loop slow_node took 15.0 s here, every tick and evaluation
 * waiting for a CPU. A missed fault still fails, and so does one found later than this.
 */
const LATENCY_BOUND_S = 25;

/** Part of the labelled scenario suite, in `npm test`: the analyzer must find each fault, fast, and nothing else. */
const IN_NPM_TEST = ['clean_cpu_1core', 'memory_leak', 'sawtooth_not_leak', 'hung_sigstop', 'cpu_interference', 'oversubscription', 'slow_node'];

describe('labelled scenarios through the streaming analyzer', () => {
  let stack: ScenarioStack;
  beforeAll(async () => {
    stack = await ScenarioStack.open(join(mkdtempSync(join(tmpdir(), 'runlens-scn-')), 'store'));
  });
  afterAll(async () => {
    killAll();
    await stack?.close();
  });

  for (const s of SCENARIOS.filter((x) => IN_NPM_TEST.includes(x.name))) {
    it(`${s.name}: finds ${s.expect.join(', ') || 'nothing'}, within ${LATENCY_BOUND_S} s of onset, and no false alarm`, async (ctx) => {
      if (s.needs === 'cgroup_quota' && !canThrottle()) ctx.skip();
      const id = `it-${s.name}-${Date.now().toString(36)}`;
      // Other users' load on a busy machine (another test, a build) is real interference with the
      // scenario's run, not a false alarm: the quiet suite (run.ts) is where those are counted.
      const [score] = withoutMachineLoad([scoreScenario(s, id, await s.run(stack, id), stack.seen)]);
      if (!score) throw new Error('no score');
      expect(score.missed).toEqual([]);
      const said = stack.seen.filter((f) => f.run_id === id && score.falseAlarms.includes(f.kind)).map((f) => `${f.kind}: ${f.said}`);
      expect(score.falseAlarms, said.join('\n')).toEqual([]);
      expect(score.cleanViolations).toBe(0);
      expect(score.flapped).toEqual([]);
      for (const latency of Object.values(score.latencies)) expect(latency).toBeLessThanOrEqual(LATENCY_BOUND_S);
    }, 120_000);
  }

  // 0.4 cores, not the benchmark's 0.75: on a busy machine (a 1-core stress-ng beside npm test)
  // the clean runs themselves get only ~0.8 of a core, and 0.75 is then within their spread.
  it('a run held to 0.4 cores after 5 clean runs is a regression with cause cpu', async (ctx) => {
    if (!canThrottle()) ctx.skip();
    const r = await regressionScenario(stack, `it-reg-${Date.now().toString(36)}`, 1500, 0.4);
    expect(r.finding?.evidence.cause).toBe('cpu');
    expect(r.slowWallS).toBeGreaterThan(1.2 * Math.min(...r.baselineWallS));
  }, 240_000);
});
