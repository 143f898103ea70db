import { describe, expect, it } from 'vitest';
import type { Seen } from './harness.ts';
import { flappedKinds, warningsOfRun } from './score.ts';

const seen = (over: Partial<Seen>): Seen => ({
  run_id: 'r1', kind: 'cpu_interference', severity: 'warning', at: 0, finding_id: 'f1', scope_id: 'h1', after_end: false, said: '', ...over,
});

describe('scoring a run', () => {
  it('counts a live warning the verdict restated as info: whoever watched the run saw it', () => {
    const verdict = [{ kind: 'cpu_interference' as const, scope_id: 'h1', severity: 'info' as const }];
    expect(warningsOfRun('r1', verdict, [seen({})])).toEqual(['cpu_interference']);
  });

  it('counts one warning per kind and scope, and not other runs\', info, or what came after the end', () => {
    const verdict = [{ kind: 'cpu_bound' as const, scope_id: '', severity: 'warning' as const }];
    const live = [
      seen({ kind: 'cpu_bound', scope_id: '' }), seen({ run_id: 'r2' }), seen({ severity: 'info' }), seen({ after_end: true }),
    ];
    expect(warningsOfRun('r1', verdict, live)).toEqual(['cpu_bound']);
  });

  it('calls a kind with two episode ids on one scope flapped', () => {
    expect(flappedKinds('r1', [seen({}), seen({ finding_id: 'f2' })])).toEqual(['cpu_interference']);
    expect(flappedKinds('r1', [seen({}), seen({})])).toEqual([]);
  });
});
