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
    expect(f?.evidence).toEqual({ peer_ratio: 0.39, slow_ratio_threshold: 0.75, throttled_ratio: 0.871, steal_cores: 0.001, outside_cores: 1.323, peers: 3 });
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

  it('needs two hosts with 5 ticks', () => {
    expect(slowNode.evaluate(throttled)).toEqual([]);
  });
});
