import { describe, expect, it } from 'vitest';
import type { FindingDraft, Hysteresis } from '../detectors/detector.ts';
import type { Finding } from '@runlens/schemas';
import { stampFinding } from '../detectors/stamp.ts';
import { FindingTracker } from './finding-tracker.ts';
import { hysteresisOf } from './live-eval.ts';

const draft = (start: number, end: number, kind: FindingDraft['kind'] = 'cpu_bound'): FindingDraft => ({
  kind, scope: 'run', scope_id: '', host: 'h', start_ts: start, end_ts: end, severity: 'info', confidence: 1, message: 'm', advice: 'a', evidence: {},
});
const S = 1000;
const policy = (h: Hysteresis) => (): Hysteresis => h;

describe('finding hysteresis counted in ticks', () => {
  it('raises only once the finding has held for minTicks ticks, and keeps the episode start (hence its id)', () => {
    const t = new FindingTracker(policy({ minTicks: 3, clearTicks: 5 }));
    expect(t.update([draft(0, 5 * S)], 5 * S)).toEqual([]);
    expect(t.update([draft(1 * S, 6 * S)], 6 * S)).toEqual([]);
    const raised = t.update([draft(2 * S, 7 * S)], 7 * S);
    expect(raised.map((d) => d.start_ts)).toEqual([0]);
  });

  it('counts ticks by their times, not evaluations: a batch that skipped ticks still counts them', () => {
    const t = new FindingTracker(policy({ minTicks: 3, clearTicks: 5 }));
    expect(t.update([draft(0, 5 * S)], 5 * S)).toEqual([]);
    expect(t.update([draft(0, 7 * S)], 7 * S)).toHaveLength(1); // ticks 5, 6, 7
  });

  it('a kind whose detector already demands a duration is raised at its first firing', () => {
    const t = new FindingTracker(policy({ minTicks: 1, clearTicks: 5 }));
    expect(t.update([draft(0, 3 * S, 'idle')], 3 * S)).toHaveLength(1);
  });

  it('does not flap: a value hovering at the threshold keeps one episode until clearTicks quiet ticks', () => {
    const t = new FindingTracker(policy({ minTicks: 2, clearTicks: 3 }));
    t.update([draft(0, 5 * S)], 5 * S);
    t.update([draft(0, 6 * S)], 6 * S);
    expect(t.update([], 7 * S)).toEqual([]);
    expect(t.update([], 8 * S)).toEqual([]);
    expect(t.update([draft(9 * S, 9 * S)], 9 * S)).toEqual([]); // 2 quiet ticks: same episode, nothing new to say yet
    expect(t.update([draft(9 * S, 12 * S)], 12 * S).map((d) => [d.start_ts, d.end_ts])).toEqual([[0, 12 * S]]); // extended, same id
    t.update([], 13 * S); t.update([], 14 * S); t.update([], 15 * S); // 3 quiet ticks: closed
    expect(t.update([draft(16 * S, 16 * S)], 16 * S)).toEqual([]); // a new episode must persist again
    expect(t.update([draft(16 * S, 17 * S)], 17 * S).map((d) => d.start_ts)).toEqual([16 * S]);
  });

  it('an open finding is re-published when its severity changes, otherwise only every few ticks', () => {
    const t = new FindingTracker(policy({ minTicks: 1, clearTicks: 5 }));
    const warn = (end: number): FindingDraft => ({ ...draft(0, end), severity: 'warning' });
    expect(t.update([draft(0, 1 * S)], 1 * S)).toHaveLength(1);
    expect(t.update([draft(0, 2 * S)], 2 * S)).toEqual([]);
    expect(t.update([warn(3 * S)], 3 * S).map((d) => d.severity)).toEqual(['warning']);
    for (let i = 4; i <= 7; i++) expect(t.update([warn(i * S)], i * S)).toEqual([]);
    expect(t.update([warn(8 * S)], 8 * S).map((d) => d.end_ts)).toEqual([8 * S]); // 5 ticks after the last publication
  });

  it('at the end, a live warning the whole-run evaluation does not confirm is restated as info under its id', () => {
    const t = new FindingTracker(policy({ minTicks: 1, clearTicks: 2 }));
    t.update([{ ...draft(0, 5 * S, 'memory_leak'), severity: 'warning' }], 5 * S);
    t.update([], 6 * S); t.update([], 7 * S); // closed: still in the store, so still restated
    t.update([draft(8 * S, 9 * S)], 9 * S);
    const [leak, ...rest] = t.unconfirmed([draft(0, 20 * S)]); // the whole run confirms cpu_bound only
    expect(rest).toEqual([]);
    expect(leak).toMatchObject({ kind: 'memory_leak', severity: 'info', start_ts: 0, evidence: { live_only: true, live_severity: 'warning' } });
    expect(leak?.message).toMatch(/^Seen live for 5 s, not over the whole run: /);
  });

  it('a blip that misses one tick before its minimum never becomes a finding', () => {
    const t = new FindingTracker(policy({ minTicks: 3, clearTicks: 5 }));
    expect(t.update([draft(0, 1 * S)], 1 * S)).toEqual([]);
    expect(t.update([draft(0, 2 * S)], 2 * S)).toEqual([]);
    expect(t.update([], 3 * S)).toEqual([]);
    expect(t.update([draft(4 * S, 4 * S)], 4 * S)).toEqual([]);
  });

  it('the final whole-run verdict joins the live episode of the same kind', () => {
    const t = new FindingTracker(policy({ minTicks: 2, clearTicks: 3 }));
    t.update([draft(5 * S, 10 * S)], 10 * S);
    t.update([draft(5 * S, 11 * S)], 11 * S);
    const [f] = t.final([draft(0, 30 * S)]);
    expect([f?.start_ts, f?.end_ts]).toEqual([0, 30 * S]);
    // Under the live episode's id: the whole run reaching further back does not make it a second finding.
    expect(stampFinding('r', f as FindingDraft).finding_id).toBe('cpu_bound:run::5000');
  });

  it('the registry gives each kind its own minimum: idle, interference, oversubscription and pressure at once, cpu_bound after 3 ticks', () => {
    for (const k of ['idle', 'cpu_interference', 'oversubscription', 'memory_pressure'] as const) expect(hysteresisOf(draft(0, 0, k)).minTicks).toBe(1);
    expect(hysteresisOf(draft(0, 0, 'cpu_bound')).minTicks).toBe(3);
  });

  it('an episode keeps its id through every version, whatever start a later window reports', () => {
    const t = new FindingTracker(policy({ minTicks: 1, clearTicks: 3 }));
    const first = t.update([draft(5 * S, 10 * S)], 10 * S);
    const later = t.update([draft(2 * S, 20 * S)], 20 * S);
    expect([...first, ...later].map((d) => stampFinding('r', d).finding_id)).toEqual(['cpu_bound:run::5000', 'cpu_bound:run::5000']);
    expect(later[0]?.start_ts).toBe(2 * S);
  });
});

describe('a run taken over from another replica', () => {
  const published = (d: FindingDraft, id: string): Finding => ({ ...d, finding_id: id, run_id: 'r', phase: null, after_end: 0 });

  it('continues the episodes the other replica published under their ids, at once, and so does the verdict', () => {
    const t = new FindingTracker(policy({ minTicks: 3, clearTicks: 5 }));
    t.adopt([published({ ...draft(0, 20 * S), severity: 'warning' }, 'cpu_bound:run::0'), published(draft(0, 8 * S, 'idle'), 'idle:run::0')]);
    // Judged from a later tick, with a window starting later: the same episode, raised without waiting.
    const [again] = t.update([{ ...draft(15 * S, 30 * S), severity: 'warning' }], 30 * S);
    expect(stampFinding('r', again as FindingDraft).finding_id).toBe('cpu_bound:run::0');
    expect(again?.start_ts).toBe(0);
    const verdict = t.final([draft(0, 40 * S), draft(0, 40 * S, 'idle')]).map((d) => stampFinding('r', d).finding_id);
    expect(verdict).toEqual(['cpu_bound:run::0', 'idle:run::0']);
  });

  it('an episode that ended long before is not continued, and a warning the verdict does not confirm is restated under its id', () => {
    const t = new FindingTracker(policy({ minTicks: 1, clearTicks: 5 }));
    t.adopt([published({ ...draft(0, 10 * S, 'memory_leak'), severity: 'warning' }, 'memory_leak:run::0'), published(draft(0, 10 * S), 'cpu_bound:run::0')]);
    const [fresh] = t.update([draft(60 * S, 70 * S)], 70 * S);
    expect(stampFinding('r', fresh as FindingDraft).finding_id).toBe('cpu_bound:run::60000');
    const restated = t.unconfirmed([draft(0, 90 * S)]).map((d) => [stampFinding('r', d).finding_id, d.severity]);
    expect(restated).toEqual([['memory_leak:run::0', 'info']]);
  });

  it('findings learned after the verdict are not adopted', () => {
    const t = new FindingTracker(policy({ minTicks: 3, clearTicks: 5 }));
    t.adopt([{ ...published(draft(0, 20 * S), 'cpu_bound:run::0:after_end'), after_end: 1 }]);
    expect(t.update([draft(0, 21 * S)], 21 * S)).toEqual([]);
  });

});
