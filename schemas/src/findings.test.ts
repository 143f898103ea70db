import { describe, expect, it } from 'vitest';
import { findingOfRow } from './findings.ts';

const row = {
  run_id: 'r1', finding_id: 'load_imbalance:run::1000', kind: 'load_imbalance', severity: 'warning', scope: 'run', scope_id: '', host: 'a',
  start_ts: 1000, end_ts: 61_000, confidence: 0.9, message: 'Load imbalance', advice: 'Profile rank 3', evidence: '{"max_min_ratio":4.5,"heavy_ranks":"3"}',
  phase: null, after_end: 0, updated_ts: 62_000,
};

describe('findingOfRow', () => {
  it('reads a findings row as a Finding: evidence parsed, its version left out', () => {
    const f = findingOfRow(row);
    expect(f).toMatchObject({ finding_id: 'load_imbalance:run::1000', kind: 'load_imbalance', evidence: { max_min_ratio: 4.5, heavy_ranks: '3' } });
    expect(f && 'updated_ts' in f).toBe(false);
  });

  it('refuses rows that are not findings: evidence not JSON, an unknown kind, a confidence past 1, no run', () => {
    for (const bad of [{ evidence: '{not json' }, { evidence: 7 }, { kind: 'made_up' }, { confidence: 1.5 }, { run_id: '' }, { evidence: '{"nested":{"a":1}}' }]) {
      expect(findingOfRow({ ...row, ...bad })).toBeNull();
    }
  });
});
