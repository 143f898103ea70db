import { describe, expect, it } from 'vitest';
import { leadWithCauses } from './causes.ts';
import { DETECTORS } from './registry.ts';
import { recordedHost } from './testdata/recorded.ts';

const all = (w: ReturnType<typeof recordedHost>) => DETECTORS.flatMap((d) => d.evaluate(w));

describe('one root cause leads', () => {
  // Recorded: the run on this VM while two outside burn.mjs took 1.16 cores; 2 cores allocated.
  const contended = recordedHost('cpu_interference', 'two-burns-outside', 2);

  it('the recording raises both findings on their own: the contradiction this removes', () => {
    expect(all(contended).map((f) => f.kind).sort()).toEqual(['cpu_interference', 'low_cpu_utilization']);
  });

  it('folds low utilisation into the interference that explains it, and never advises fewer cores', () => {
    const verdict = leadWithCauses(all(contended));
    expect(verdict.map((f) => f.kind)).toEqual(['cpu_interference']);
    expect(verdict[0]).toMatchObject({ severity: 'warning', evidence: { explains: 'low_cpu_utilization' } });
    expect(String(verdict[0]?.evidence.explains_detail)).toMatch(/^Low CPU utilisation: /);
    expect(verdict.map((f) => f.advice).join(' ')).not.toMatch(/fewer cores/);
  });

  it('leaves low utilisation alone when nothing explains it (a 50% duty cycle on its own cores)', () => {
    const quietRun = recordedHost('low_cpu_utilization', 'duty-50pct', 1);
    const found = all(quietRun);
    expect(found.map((f) => f.kind)).toContain('low_cpu_utilization');
    expect(leadWithCauses(found)).toEqual(found);
  });
});
