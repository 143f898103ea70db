import { expect } from 'vitest';

/**
 * An agent's tick loop against the clock: ticks ≈ elapsed / interval. A stalled loop (a hung
 * sampler, a blocked publish) shows as too few ticks; the slack (−20 %, +5 % + 3) holds on a
 * loaded 2-core machine, where timers fire late but are not skipped.
 */
export function expectTicksMatchElapsed(agent: string, ticks: number, elapsedMs: number, intervalMs: number): number {
  const expected = elapsedMs / intervalMs;
  const ratio = Number((ticks / expected).toFixed(3));
  console.log(`[ticks] ${JSON.stringify({ agent, ticks, elapsed_s: Math.round(elapsedMs / 1000), interval_ms: intervalMs, ratio })}`);
  expect(ticks, `${agent}: ${ticks} ticks in ${elapsedMs} ms`).toBeGreaterThanOrEqual(Math.floor(expected * 0.8));
  expect(ticks, `${agent}: ${ticks} ticks in ${elapsedMs} ms`).toBeLessThanOrEqual(Math.ceil(expected * 1.05) + 3);
  return ratio;
}
