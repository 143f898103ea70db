import { describe, expect, it } from 'vitest';
import { SlicePacer } from './slice-pacer.ts';

describe('slice pacer: slices small enough that the heartbeat keeps the group membership', () => {
  it('starts at the configured maximum and keeps it while slices stall less than the budget', () => {
    const p = new SlicePacer(2000, 5000, 3000);
    expect(p.current).toBe(2000);
    expect(p.observe(2000, 3100)).toBe(2000);
  });

  it('a slice that stalled past the budget shrinks the next ones in proportion, aiming at half the budget', () => {
    const p = new SlicePacer(2000, 5000, 3000);
    // The router's 2,000-message slice on a starved CPU: 40 s without a heartbeat.
    expect(p.observe(2000, 40_000)).toBe(125);
    // Still too slow: shrinks again, never below one message.
    expect(p.observe(125, 20_000)).toBe(15);
    expect(p.observe(1, 60_000)).toBe(1);
  });

  it('grows back by doubling when full slices run quick, up to the maximum', () => {
    const p = new SlicePacer(2000, 5000, 3000);
    p.observe(2000, 40_000);
    expect(p.observe(125, 400)).toBe(250);
    // A short last slice of a batch says nothing about a full one: no growth.
    expect(p.observe(10, 10)).toBe(250);
    for (let i = 0; i < 10; i++) p.observe(p.current, 400);
    expect(p.current).toBe(2000);
  });

  it('watch measures a synchronous stall the heartbeat timer could not interrupt, and beats while the loop is free', async () => {
    const p = new SlicePacer(100, 5000, 20);
    let beats = 0;
    const stop = p.watch(() => { beats++; });
    await new Promise((r) => setTimeout(r, 100));
    const until = performance.now() + 300;
    while (performance.now() < until) { /* a handler decoding synchronously */ }
    await new Promise((r) => setTimeout(r, 50));
    const stall = stop();
    expect(stall).toBeGreaterThanOrEqual(290);
    expect(beats).toBeGreaterThanOrEqual(3);
    const after = beats;
    await new Promise((r) => setTimeout(r, 60));
    expect(beats).toBe(after);
  });
});
