import { describe, expect, it } from 'vitest';
import type { FindingDraft } from './detector.ts';
import { stampFinding } from './stamp.ts';

const draft = (start_ts: number, kind: FindingDraft['kind'] = 'low_cpu_utilization'): FindingDraft => ({
  kind, scope: 'run', scope_id: '', host: 'h1', start_ts, end_ts: start_ts + 5000, severity: 'info', confidence: 0.5, message: 'm', advice: 'a', evidence: {},
});

describe('finding ids', () => {
  it('an episode keeps its id whether its first tick reads as one host stamped it or as the hosts\' sum per second', () => {
    // One host's first tick, then the same tick summed with the second host's, to the nearest second.
    expect(stampFinding('r', draft(1_796_592_578_722)).finding_id).toBe(stampFinding('r', draft(1_796_592_579_000)).finding_id);
    expect(stampFinding('r', draft(1_796_592_578_722)).finding_id).toBe('low_cpu_utilization:run::1796592579000');
    // The stored range stays as judged.
    expect(stampFinding('r', draft(1_796_592_578_722)).start_ts).toBe(1_796_592_578_722);
  });

  it('episodes a second or more apart, other kinds and findings after the verdict keep ids of their own', () => {
    const ids = [draft(1_796_592_578_400), draft(1_796_592_579_000), draft(1_796_592_580_000), draft(1_796_592_579_000, 'cpu_bound')].map((d) => stampFinding('r', d).finding_id);
    expect(new Set(ids).size).toBe(4);
    expect(stampFinding('r', draft(1_796_592_579_000), true).finding_id).toBe('low_cpu_utilization:run::1796592579000:after_end');
  });
});
