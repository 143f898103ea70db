import { describe, expect, it } from 'vitest';
import type { IbTick } from '../../window/run-window.ts';
import { T0, makeWindow } from '../testdata/windows.ts';
import { golden, hostWindow } from '../gpu_bound/testdata/smi-window.ts';
import { ibTicks } from './testdata/ib-ticks.ts';
import { networkBound } from './index.ts';

const alltoall = ibTicks(golden('network_bound', 'hdr-alltoall.ib.csv'));
const PROFILE = { logical_cpus: 64, mem_total_bytes: 512e9, pmu_available: false, ib_link_rate_gbps: 200 };

describe('network_bound', () => {
  it('warns about the 200 Gb/s HDR port carrying 22-24 GB/s with xmit_wait rising, not about the quiet second port', () => {
    const [f, ...rest] = networkBound.evaluate(hostWindow({ ib: alltoall }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'network_bound', severity: 'warning', scope: 'port', scope_id: 'mlx5_0/1', host: 'h1', start_ts: T0 + 1000, end_ts: T0 + 15_000 });
    expect(f?.evidence).toEqual({
      link_rate_bytes_per_s: 25e9, rx_bytes_per_s_mean: 22_939_873_162, tx_bytes_per_s_mean: 23_116_508_826, saturated_tick_share: 1,
      xmit_wait_per_s_mean: 398_394, xmit_wait_tick_share: 1, ticks: 15,
      link_share_threshold: 0.7, xmit_wait_per_s_threshold: 1e5, min_tick_share: 0.5, min_ticks: 5,
    });
    expect(f?.message).toContain('of 200 Gb/s');
    expect(f?.advice).toMatch(/mpiP or IPM.*topology and placement/);
  });

  it('is silent for the same port at 1-2 GB/s with little xmit_wait', () => {
    expect(networkBound.evaluate(hostWindow({ ib: ibTicks(golden('network_bound', 'hdr-light.ib.csv')) }))).toEqual([]);
  });

  it('fires on xmit_wait alone when the bytes stay below 70% of the link', () => {
    const half = alltoall.map((t): IbTick => ({ ...t, rx_bytes_per_s: t.rx_bytes_per_s / 2, tx_bytes_per_s: t.tx_bytes_per_s / 2 }));
    const [f] = networkBound.evaluate(hostWindow({ ib: half }));
    expect(f?.scope_id).toBe('mlx5_0/1');
    expect(f?.evidence).toMatchObject({ saturated_tick_share: 0, xmit_wait_tick_share: 1 });
  });

  it('takes the link rate from the node profile when the port does not report it, and judges nothing without one', () => {
    const unrated = alltoall.map((t): IbTick => ({ ...t, link_rate_gbps: null, xmit_wait_per_s: null }));
    const [f] = networkBound.evaluate(hostWindow({ ib: unrated, profile: PROFILE }));
    expect(f?.evidence).toMatchObject({ link_rate_bytes_per_s: 25e9, saturated_tick_share: 1, xmit_wait_per_s_mean: null });
    expect(networkBound.evaluate(hostWindow({ ib: unrated }))).toEqual([]);
  });

  it('needs 5 samples, and says nothing without host views', () => {
    expect(networkBound.evaluate(hostWindow({ ib: alltoall.filter((t) => t.port === 'mlx5_0/1').slice(0, 4) }))).toEqual([]);
    expect(networkBound.evaluate(makeWindow({ n: 10, tick: () => ({ cpu_cores: 1 }) }))).toEqual([]);
  });

  it('is silent for a port at 8 GB/s that goes down (hardware_fault reports that)', () => {
    expect(networkBound.evaluate(hostWindow({ ib: ibTicks(golden('hardware_fault', 'ib-link-down.ib.csv')) }))).toEqual([]);
  });
});
