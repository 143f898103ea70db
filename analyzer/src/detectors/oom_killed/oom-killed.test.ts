import { describe, expect, it } from 'vitest';
import { eventRows, eventWindow } from '../testdata/node-events.ts';
import { oomKilled } from './index.ts';

const memcg = eventRows('oom_killed', 'real-memcg-oom.rows.json');
const global = eventRows('oom_killed', 'documented-global-oom.rows.json');
const KILL_TS = 1_795_004_221_601;

describe('oom_killed', () => {
  it('reports the real memcg OOM kill of a run pid with its RSS against the 64 MiB limit and concrete advice', () => {
    const found = oomKilled.evaluate(eventWindow({ events: memcg, from: KILL_TS - 5000, to: KILL_TS - 400, pids: [12209] }));
    expect(found.map((f) => [f.kind, f.severity, f.scope, f.scope_id, f.host, f.start_ts])).toEqual([['oom_killed', 'critical', 'pid', '12209', 'node07', KILL_TS]]);
    expect(found[0]?.evidence).toMatchObject({ pid: 12209, comm: 'python3', rss_bytes: 73_617_408, limit_bytes: 64 << 20, rss_of_limit: 1.097, oom: 'memcg', attributed_by: 'pid' });
    expect(found[0]?.message).toContain('against its cgroup limit of 64 MiB');
    expect(found[0]?.advice).toMatch(/--mem=1G.*leak/);
  });

  it('attributes by memory cgroup when the pid was never sampled (killed between two samples), also below the run cgroup', () => {
    const w = eventWindow({ events: memcg, from: KILL_TS - 5000, to: KILL_TS - 400, pids: [1], cgroups: ['/rl_golden_cap'] });
    expect(oomKilled.evaluate(w).map((f) => f.evidence.attributed_by)).toEqual(['cgroup']);
    const parent = eventWindow({ events: memcg.map((r) => ({ ...r, cgroup: '/slurm/job_7/step_0/task_0' })), from: KILL_TS - 5000, to: KILL_TS, cgroups: ['/slurm/job_7'] });
    expect(oomKilled.evaluate(parent)).toHaveLength(1);
  });

  it('says a global OOM kill had no cgroup limit and the node ran out of memory', () => {
    const ts = global[0]?.ts ?? 0;
    const [f] = oomKilled.evaluate(eventWindow({ events: global, from: ts - 3000, to: ts, pids: [48213] }));
    expect(f?.evidence).toMatchObject({ oom: 'global', limit_bytes: null, rss_bytes: 93_425_238_016 });
    expect(f?.advice).toMatch(/whole node ran out of memory.*--mem/);
  });

  it('ignores another process\'s kill, the root cgroup, and a reused pid killed long after the run', () => {
    expect(oomKilled.evaluate(eventWindow({ events: memcg, from: KILL_TS - 5000, to: KILL_TS, pids: [4242], cgroups: ['/', '/other'] }))).toEqual([]);
    expect(oomKilled.evaluate(eventWindow({ events: memcg, from: KILL_TS - 60_000, to: KILL_TS - 30_000, pids: [12209] }))).toEqual([]);
  });
});
