import { describe, expect, it } from 'vitest';
import type { IbTick } from '../../window/run-window.ts';
import { T0, makeWindow } from '../testdata/windows.ts';
import { golden, gpuTicks, hostWindow } from '../gpu_bound/testdata/smi-window.ts';
import { ibTicks } from '../network_bound/testdata/ib-ticks.ts';
import { hardwareFault } from './index.ts';

const SICK = 'GPU-3f6b1c2e-8a4d-4e71-b9c0-52d7e1a4f806';
const gpus = golden('hardware_fault', 'hw-slowdown-ecc.query-gpu.csv');
const apps = golden('hardware_fault', 'hw-slowdown-ecc.compute-apps.csv');
const linkDown = ibTicks(golden('hardware_fault', 'ib-link-down.ib.csv'));

describe('hardware_fault', () => {
  it('reports ECC 0→2 as critical and 5 samples of hw_slowdown as a warning, on the sick GPU only', () => {
    const found = hardwareFault.evaluate(hostWindow({ gpus: gpuTicks(gpus, apps, [7301, 7302]), alloc_gpus: 2 }));
    expect(found.map((f) => [f.kind, f.severity, f.scope, f.scope_id, f.host])).toEqual([
      ['hardware_fault', 'critical', 'gpu', SICK, 'h1'],
      ['hardware_fault', 'warning', 'gpu', SICK, 'h1'],
    ]);
    const [ecc, throttle] = found;
    expect([ecc?.start_ts, ecc?.end_ts]).toEqual([T0 + 7000, T0 + 11_000]);
    expect(ecc?.evidence).toEqual({ ecc_uncorrected_first: 0, ecc_uncorrected_last: 2, ecc_increase: 2, min_increase: 1 });
    expect(ecc?.advice).toMatch(/drain.*nvidia-smi -q -d ECC/);
    expect([throttle?.start_ts, throttle?.end_ts]).toEqual([T0 + 4000, T0 + 8000]);
    expect(throttle?.evidence).toEqual({ hw_throttle_ticks: 5, ticks: 12, reasons: 'hw_slowdown', min_ticks: 3 });
  });

  it('reports ECC on any GPU, but hardware throttling only on GPUs the run uses', () => {
    const found = hardwareFault.evaluate(hostWindow({ gpus: gpuTicks(gpus, apps, [7302]) }));
    expect(found.map((f) => [f.severity, f.scope_id, f.evidence.ecc_increase])).toEqual([['critical', SICK, 2]]);
  });

  it('reports the IB port going ACTIVE→DOWN (link_downed 0→1) as critical and the symbol errors before it as a warning', () => {
    const found = hardwareFault.evaluate(hostWindow({ ib: linkDown }));
    expect(found.map((f) => [f.severity, f.scope, f.scope_id])).toEqual([['critical', 'port', 'mlx5_0/1'], ['warning', 'port', 'mlx5_0/1']]);
    const [down, errors] = found;
    expect(down?.start_ts).toBe(T0 + 8000);
    expect(down?.evidence).toEqual({ link_downed_increase: 1, state_before: 'ACTIVE', state_after: 'DOWN', min_link_downed_increase: 1 });
    expect(down?.advice).toMatch(/ibstat.*reseat.*drain/);
    expect([errors?.start_ts, errors?.end_ts]).toEqual([T0 + 4000, T0 + 7000]);
    expect(errors?.evidence).toEqual({ longest_error_run_ticks: 4, error_ticks: 4, errors_per_s_max: 22, min_consecutive_ticks: 3 });
    expect(errors?.advice).toContain('perfquery');
  });

  it('is silent on clean data: a power-capped saturated H100 (sw_power_cap is policy) and a quiet HDR port', () => {
    const busy = gpuTicks(golden('gpu_bound', 'matmul-saturated.query-gpu.csv'), golden('gpu_bound', 'matmul-saturated.compute-apps.csv'), [48213]);
    expect(busy.some((t) => t.throttle_reasons.includes('sw_power_cap'))).toBe(true);
    const ib = ibTicks(golden('network_bound', 'hdr-light.ib.csv'));
    expect(hardwareFault.evaluate(hostWindow({ gpus: busy, ib, alloc_gpus: 1 }))).toEqual([]);
  });

  it('takes a falling ECC counter for a driver reload and [N/A] for no reading', () => {
    const reset = gpuTicks(gpus.replace(/0x0000000000000008/g, '0x0000000000000000'), apps, [7301, 7302])
      .map((t, i) => ({ ...t, ecc_uncorrected: i < 6 ? 2 : 0 }));
    expect(hardwareFault.evaluate(hostWindow({ gpus: reset }))).toEqual([]);
    const na = gpuTicks(gpus.replace(/(0x[0-9A-F]{16}), \d+, No/g, '$1, [N/A], No'), apps, [7301, 7302]);
    expect(hardwareFault.evaluate(hostWindow({ gpus: na })).map((f) => f.evidence.reasons)).toEqual(['hw_slowdown']);
  });

  it('needs 3 consecutive error samples, and a port that was never ACTIVE has not gone down', () => {
    const twoErrors = linkDown.slice(0, 7).map((t, i): IbTick => ({ ...t, errors_per_s: i === 3 || i === 5 || i === 6 ? 5 : 0 }));
    expect(hardwareFault.evaluate(hostWindow({ ib: twoErrors }))).toEqual([]);
    const neverUp = linkDown.map((t): IbTick => ({ ...t, state: 'POLLING', link_downed: 3, errors_per_s: 0 }));
    expect(hardwareFault.evaluate(hostWindow({ ib: neverUp }))).toEqual([]);
  });

  it('reports nothing without host views', () => {
    expect(hardwareFault.evaluate(makeWindow({ n: 10, tick: () => ({ cpu_cores: 1 }) }))).toEqual([]);
  });
});
