import { describe, expect, it } from 'vitest';
import { leadWithCauses } from './causes.ts';
import type { FindingDraft } from './detector.ts';
import { DETECTORS } from './registry.ts';
import { recordedHost } from './testdata/recorded.ts';
import { T0, makeWindow } from './testdata/windows.ts';

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

describe('one root cause leads: serial code, regressions and chains', () => {
  const draft = (kind: FindingDraft['kind'], evidence: FindingDraft['evidence'], severity: FindingDraft['severity'] = 'info'): FindingDraft => ({
    kind, scope: 'run', scope_id: '', host: 'h1', start_ts: T0, end_ts: T0 + 9000, severity, confidence: 1, message: `${kind} message`, advice: `${kind} advice`, evidence,
  });
  const serial = makeWindow({ n: 10, alloc_cores: 2, tick: () => ({ cpu_cores: 0.95, user_cores: 0.95, pegged_cpu_cores: 0.95 }) });

  it('serial code pegging one of two cores: low utilisation leads, its compute-bound core is the evidence', () => {
    expect(all(serial).map((f) => f.kind).sort()).toEqual(['cpu_bound', 'low_cpu_utilization']);
    const verdict = leadWithCauses(all(serial));
    expect(verdict.map((f) => f.kind)).toEqual(['low_cpu_utilization']);
    expect(verdict[0]?.evidence.explains).toBe('cpu_bound');
  });

  it('a run using its whole allocation stays CPU-bound', () => {
    const busy = makeWindow({ n: 10, alloc_cores: 2, tick: () => ({ cpu_cores: 1.9, user_cores: 1.9, pegged_cpu_cores: 1.9 }) });
    expect(leadWithCauses(all(busy)).map((f) => f.kind)).toEqual(['cpu_bound']);
  });

  it('a regression whose cause is CPU is the interference\'s doing; one whose cause is IO stands on its own', () => {
    const interference = draft('cpu_interference', { outside_cores: 1 }, 'warning');
    const cpu = leadWithCauses([interference, draft('regression', { cause: 'cpu' }, 'critical')]);
    expect(cpu.map((f) => [f.kind, f.severity, f.evidence.explains])).toEqual([['cpu_interference', 'critical', 'regression']]);
    const io = leadWithCauses([interference, draft('regression', { cause: 'io' }, 'warning')]);
    expect(io.map((f) => f.kind)).toEqual(['cpu_interference', 'regression']);
  });

  it('a chain folds into the cause at its root: interference explains low utilisation, which explains the busy core', () => {
    const verdict = leadWithCauses([
      draft('cpu_bound', { cpu_cores_mean: 0.9, alloc_cores: 2 }), draft('low_cpu_utilization', {}), draft('cpu_interference', {}, 'warning'),
    ]);
    expect(verdict.map((f) => [f.kind, f.evidence.explains])).toEqual([['cpu_interference', 'cpu_bound,low_cpu_utilization']]);
  });
});
