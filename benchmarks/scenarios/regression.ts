import type { Finding } from '@runlens/schemas';
import { join } from 'node:path';
import type { ScenarioStack } from './harness.ts';
import { oneHostRun } from './scenario.ts';
import { GENERATORS, exited, start, throttle } from './workloads.ts';

export interface RegressionResult {
  readonly baselineWallS: number[];
  readonly slowWallS: number;
  readonly finding: Finding | null;
}

/**
 * Five clean runs of a fixed-work app (12-13 s each on this quiet VM), then one held to `quota` cores
 * (0.75 by default) by a CFS quota: a third slower, well over the one second a regression needs.
 */
export async function regressionScenario(stack: ScenarioStack, prefix: string, millions = 3000, quota = 0.75): Promise<RegressionResult> {
  const cmd = `node burn.mjs ${millions}`;
  const once = async (i: number, quota: number | null): Promise<{ wall: number; findings: Finding[] }> => {
    const t0 = Date.now();
    const o = await oneHostRun(stack, `${prefix}-${i}`, 'burn', cmd, 1, async (track) => {
      const c = start('node', [join(GENERATORS, 'burn.mjs'), String(millions)]);
      track(c.pid ?? 0);
      const release = quota === null ? null : throttle(c.pid ?? 0, quota, 'regression');
      await exited(c);
      release?.();
      return {};
    });
    return { wall: (Date.now() - t0) / 1000, findings: o.findings };
  };
  const baselineWallS: number[] = [];
  for (let i = 0; i < 5; i++) baselineWallS.push((await once(i, null)).wall);
  const slow = await once(5, quota);
  return { baselineWallS, slowWallS: slow.wall, finding: slow.findings.find((f) => f.kind === 'regression') ?? null };
}
