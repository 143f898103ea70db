import { describe, expect, it } from 'vitest';
import { ReapedChildren, type ScannedProcess } from './reaped-children.ts';

/* Hand-made edge cases; the real captures are replayed through the sampler in reap-replay.test.ts. */

/** A process with one IO counter (bytes) and its fault counters. */
function proc(pid: number, ppid: number, bytes: number | null, minflt = 100, cminflt = 0): ScannedProcess {
  return { key: `${pid}:1`, pid, ppid, io: bytes === null ? null : [bytes], minflt, cminflt };
}

describe('ReapedChildren', () => {
  it('subtracts a reaped child\'s last-seen IO from the parent\'s next delta once its cminflt shows the reap', () => {
    const r = new ReapedChildren();
    r.scan([proc(10, 1, 0), proc(11, 10, 500)]);
    r.scan([proc(10, 1, 0, 100, 120)]);
    expect(r.correct('10:1', 120, [600])).toEqual([100]); // 100 bytes the child wrote after its last sample
    expect(r.correct('10:1', 120, [50])).toEqual([50]); // used up
  });

  it('leaves the parent alone when the child was auto-reaped (SIGCHLD ignored): no cminflt growth', () => {
    const r = new ReapedChildren();
    r.scan([proc(10, 1, 0, 100, 7), proc(11, 10, 500)]);
    r.scan([proc(10, 1, 0, 100, 7)]);
    expect(r.correct('10:1', 7, [400])).toEqual([400]);
    r.scan([proc(10, 1, 0, 100, 7)]);
    r.scan([proc(10, 1, 0, 100, 7)]);
    // Gone after 3 scans: a later, unrelated reap does not eat the parent's own IO.
    r.scan([proc(10, 1, 0, 100, 900)]);
    expect(r.correct('10:1', 900, [400])).toEqual([400]);
  });

  it('waits for a reap that lands just after the parent was read, and never goes below zero', () => {
    const r = new ReapedChildren();
    r.scan([proc(10, 1, 0), proc(11, 10, 500)]);
    r.scan([proc(10, 1, 0)]); // child gone, but the parent was read before the reap
    expect(r.correct('10:1', 0, [30])).toEqual([30]);
    r.scan([proc(10, 1, 0, 100, 100)]);
    expect(r.correct('10:1', 100, [300])).toEqual([0]); // 200 of the 500 still due
    r.scan([proc(10, 1, 0, 100, 100)]);
    expect(r.correct('10:1', 100, [250])).toEqual([50]);
  });

  it('passes a grandchild\'s IO up when its parent was reaped in the same interval', () => {
    const r = new ReapedChildren();
    r.scan([proc(10, 1, 0), proc(11, 10, 40, 50), proc(12, 11, 500, 60)]);
    r.scan([proc(10, 1, 0, 100, 110)]);
    // The sh's counters now hold 11's and 12's whole lives (11 had reaped 12 first).
    expect(r.correct('10:1', 110, [560])).toEqual([20]);
  });

  it('credits nobody when the child was reparented to a reaper that is not sampled, or its IO was unreadable', () => {
    const r = new ReapedChildren();
    r.scan([proc(10, 1, 0), proc(11, 77, 500), proc(12, 10, null)]);
    r.scan([proc(10, 1, 0, 100, 999)]);
    expect(r.correct('10:1', 999, [700])).toEqual([700]);
  });

  it('keeps a reused pid apart: the credit goes to the parent it was, not to a new process with its pid', () => {
    const r = new ReapedChildren();
    r.scan([proc(10, 1, 0), proc(11, 10, 500)]);
    const reborn = { ...proc(10, 1, 0, 100, 999), key: '10:2' };
    r.scan([reborn]);
    expect(r.correct('10:2', 999, [700])).toEqual([700]);
  });

  it('holds at most 256 credits per parent, however many children vanish in one interval', () => {
    const r = new ReapedChildren();
    const kids = Array.from({ length: 1000 }, (_, i) => proc(100 + i, 10, 1, 1));
    r.scan([proc(10, 1, 0), ...kids]);
    r.scan([proc(10, 1, 0, 100, 1000)]);
    expect(r.correct('10:1', 1000, [1000])).toEqual([1000 - 256]);
  });
});
