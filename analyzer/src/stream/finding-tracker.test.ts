import { describe, expect, it } from 'vitest';
import type { FindingDraft } from '../detectors/detector.ts';
import { FindingTracker } from './finding-tracker.ts';

const draft = (start: number, end: number, kind: FindingDraft['kind'] = 'cpu_bound'): FindingDraft => ({
  kind, scope: 'run', scope_id: '', host: 'h', start_ts: start, end_ts: end, severity: 'info', confidence: 1, message: 'm', advice: 'a', evidence: {},
});

describe('finding hysteresis', () => {
  it('raises only after two consecutive evaluations fire', () => {
    const t = new FindingTracker(2, 3);
    expect(t.update([draft(0, 5)])).toEqual([]);
    const raised = t.update([draft(2, 10)]);
    expect(raised).toHaveLength(1);
    expect(raised[0]?.start_ts).toBe(0); // the episode keeps its first start, hence its id
  });

  it('does not flap: a value hovering at the threshold keeps one episode', () => {
    const t = new FindingTracker(2, 3);
    t.update([draft(0, 5)]);
    t.update([draft(0, 10)]);
    expect(t.update([])).toEqual([]); // one miss: still open, nothing new to publish
    const again = t.update([draft(20, 25)]);
    expect(again.map((d) => d.start_ts)).toEqual([0]); // same episode, not a new finding
  });

  it('closes after three misses; a later firing is a new episode that must persist again', () => {
    const t = new FindingTracker(2, 3);
    t.update([draft(0, 5)]);
    t.update([draft(0, 10)]);
    t.update([]); t.update([]); t.update([]);
    expect(t.update([draft(40, 45)])).toEqual([]);
    expect(t.update([draft(40, 50)]).map((d) => d.start_ts)).toEqual([40]);
  });

  it('a single blip never becomes a finding', () => {
    const t = new FindingTracker(2, 3);
    expect(t.update([draft(0, 5, 'idle')])).toEqual([]);
    expect(t.update([])).toEqual([]);
    expect(t.update([draft(10, 15, 'idle')])).toEqual([]);
  });

  it('the final whole-run verdict joins the live episode of the same kind', () => {
    const t = new FindingTracker(2, 3);
    t.update([draft(5, 10)]);
    t.update([draft(5, 15)]);
    const [f] = t.final([draft(0, 30)]);
    expect([f?.start_ts, f?.end_ts]).toEqual([0, 30]);
  });
});
