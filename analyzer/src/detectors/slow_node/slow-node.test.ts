import { describe, expect, it } from 'vitest';
import type { HostView, RunWindow } from '../../window/run-window.ts';
import { recordedWindow } from '../testdata/recorded.ts';
import { QUIET, T0 } from '../testdata/windows.ts';
import { slowNode } from './index.ts';

/** Host 'c': duty.mjs 0.5 captured under a 0.2-core CFS quota (testdata/), one rank of a three-host run. */
const throttled = recordedWindow([{ host: 'c', dir: 'slow_node', name: 'duty-quota-0.2' }], 1);

/** A HAND-MADE peer: the same 15 ticks as host c, `user` cores of progress, nothing on the host to blame. */
function peer(host: string, user: number): HostView {
  const ticks = (throttled.hosts?.[0]?.ticks ?? []).map((t) => ({ ...QUIET, ts: t.ts, cpu_cores: user, user_cores: user }));
  return { host, ticks, node: [], background: [], cgroup: [], gpus: [], ib: [], profile: null };
}

function run(peerUser: number, slow: HostView | undefined = throttled.hosts?.[0]): RunWindow {
  return { ...throttled, hosts: [peer('a', peerUser), peer('b', peerUser), ...(slow ? [slow] : [])] };
}

describe('slow_node', () => {
  it('calls host c critical: 0.2 cores of progress beside peers at 0.5, throttled in 87% of CFS periods', () => {
    const [f, ...rest] = slowNode.evaluate(run(0.5));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'slow_node', severity: 'critical', scope: 'host', scope_id: 'c', host: 'c', confidence: 0.86, start_ts: T0, end_ts: T0 + 14_035 });
    expect(f?.evidence).toEqual({ peer_ratio: 0.39, slow_ratio_threshold: 0.75, working_user_cores: 0.195, working_floor_cores: 0.05, throttled_ratio: 0.871, steal_cores: 0.001, outside_cores: 1.323, peers: 3 });
    expect(f?.message).toContain('CPU quota throttling in 87% of periods');
    expect(f?.advice).toContain('--exclude=c');
  });

  it('is silent when the peers progress at 0.25 cores: host c is at 0.78 of the median, above 0.75', () => {
    expect(slowNode.evaluate(run(0.25))).toEqual([]);
  });

  it('is a warning, not critical, between half and three quarters of the median', () => {
    expect(slowNode.evaluate(run(0.3))[0]?.severity).toBe('warning');
  });

  it('is silent for a slow host with nothing on it to blame (that is load_imbalance)', () => {
    const h = throttled.hosts?.[0];
    const clean = h ? { ...h, cgroup: [], background: [] } : undefined;
    expect(slowNode.evaluate(run(0.5, clean))).toEqual([]);
  });

  it('judges speed while working: a peer that finished its share and then waits (the batch host) is not slow', () => {
    // Same work per host: peers at 0.5 cores finish in 6 of the 15 ticks; peer a, the batch
    // host, keeps the idle launcher in the run to the end (0.002 cores), as `srun` in a job does.
    const finishedEarly = (h: HostView, tail: boolean): HostView => ({
      ...h, ticks: h.ticks.flatMap((t, i) => (i < 6 ? [t] : tail ? [{ ...t, cpu_cores: 0.002, user_cores: 0.002 }] : [])),
    });
    const w = run(0.5);
    const hosts = w.hosts ?? [];
    const [a, b, c] = [hosts[0], hosts[1], hosts[2]];
    if (!a || !b || !c) throw new Error('three hosts');
    const found = slowNode.evaluate({ ...w, hosts: [finishedEarly(a, true), finishedEarly(b, false), c] });
    expect(found.map((f) => f.scope_id)).toEqual(['c']);
    expect(found[0]?.evidence).toMatchObject({ peer_ratio: 0.39 });
  });

  it('keeps the slow ticks of a host that slows down mid-run, even after a busy spike (the bar is the peers\')', () => {
    const h = throttled.hosts?.[0];
    if (!h) throw new Error('host c');
    // HAND-MADE from host c: 5 ticks at full speed (one spiking to 0.9 cores), then its throttled ticks.
    const slowedDown = { ...h, ticks: h.ticks.map((t, i) => (i < 5 ? { ...t, cpu_cores: i === 2 ? 0.9 : 0.5, user_cores: i === 2 ? 0.9 : 0.5 } : t)) };
    const [f, ...rest] = slowNode.evaluate(run(0.5, slowedDown));
    expect(rest).toEqual([]);
    expect(f?.scope_id).toBe('c');
    expect(f?.evidence.peer_ratio).toBeLessThan(0.75);
  });

  it('needs two hosts with 5 ticks', () => {
    expect(slowNode.evaluate(throttled)).toEqual([]);
  });
});
