import type { Row, RunRecord } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { isFiring } from './alert.ts';
import { AlertBook } from './alert-book.ts';

const T0 = Date.parse('2026-12-05T10:00:00Z');
const run: RunRecord = {
  run_id: 'r1', app: 'lammps', user: 'alice', cluster: 'c1', job_id: '42', sluid: '', step: '', cmd: 'lmp', status: 'running',
  start_ms: T0 - 60_000, end_ms: null, exit_code: null, hosts: ['n1'], ranks: 4, alloc_cores: 4, alloc_gpus: 0, tags: [],
  cpu_user_s: null, cpu_sys_s: null, read_bytes: null, write_bytes: null, rchar: null, wchar: null,
} as RunRecord;

function finding(over: Partial<Row<'findings'>> = {}): Row<'findings'> {
  return {
    run_id: 'r1', finding_id: 'cpu_interference|host|n1|1', kind: 'cpu_interference', severity: 'warning', scope: 'host', scope_id: 'n1', host: 'n1',
    start_ts: T0 - 10_000, end_ts: T0, updated_ts: T0, confidence: 0.9, message: 'outside processes took 1.2 cores', advice: 'ask ops', evidence: '{"stolen_cores":1.2}', phase: null,
    ...over,
  } as Row<'findings'>;
}

function event(over: Partial<Row<'node_events'>> = {}): Row<'node_events'> {
  return {
    ts: T0, host: 'n1', seq: 7, kind: 'link_down', severity: 'critical', priority: 3, pid: null, comm: '', device: 'ib0', code: null,
    cgroup: '', rss_bytes: null, limit_bytes: null, detail: 'ib0 link down', raw: 'mlx5_core: ib0 link down', ...over,
  } as Row<'node_events'>;
}

const book = (): AlertBook => new AlertBook({ dashboardUrl: 'http://dash:3000/', cluster: 'c1', clearMs: 20_000, resendMs: 60_000, eventHoldMs: 600_000, maxAlerts: 3 });

describe('AlertBook', () => {
  it('opens a firing alert once, labelled for routing, and does not re-send an unchanged refresh', () => {
    const b = book();
    b.finding(finding(), run, T0);
    const first = [...b.takeChanged().values()];
    expect(first).toHaveLength(1);
    expect(first[0]?.labels).toMatchObject({ alertname: 'runlens_cpu_interference', kind: 'cpu_interference', severity: 'warning', run: 'r1', app: 'lammps', user: 'alice', host: 'n1', cluster: 'c1', cause: 'cpu_interference', audience: 'user' });
    expect(first[0]?.annotations.dashboard).toBe('http://dash:3000/runs/r1');
    expect(isFiring(first[0]!, T0)).toBe(true);
    b.finding(finding({ updated_ts: T0 + 5000 }), run, T0 + 5000);
    expect(b.takeChanged().size).toBe(0);
  });

  it('ignores info findings and re-sends when the severity changes', () => {
    const b = book();
    b.finding(finding({ severity: 'info' }), run, T0);
    expect(b.takeChanged().size).toBe(0);
    b.finding(finding(), run, T0);
    b.takeChanged();
    b.finding(finding({ severity: 'critical' }), run, T0 + 1000);
    expect([...b.takeChanged().values()][0]?.labels.severity).toBe('critical');
  });

  it('resolves a finding that is no longer re-published, and everything of a run that ended', () => {
    const b = book();
    b.finding(finding(), run, T0);
    b.finding(finding({ finding_id: 'other', kind: 'memory_pressure' }), run, T0);
    b.takeChanged();
    b.finding(finding(), run, T0 + 15_000);
    b.sweep(T0 + 25_000);
    const cleared = [...b.takeChanged().values()];
    expect(cleared.map((a) => a.labels.kind)).toEqual(['memory_pressure']);
    expect(isFiring(cleared[0]!, T0 + 25_000)).toBe(false);
    b.runEnded('r1', T0 + 26_000);
    expect([...b.takeChanged().values()].every((a) => !isFiring(a, T0 + 26_000))).toBe(true);
    expect(b.firing()).toBe(0);
  });

  it('re-sends firing alerts every resend interval with a later end', () => {
    const b = book();
    b.finding(finding(), run, T0);
    const first = [...b.takeChanged().values()][0]!;
    for (let t = T0 + 10_000; t <= T0 + 70_000; t += 10_000) {
      b.finding(finding(), run, t);
      b.sweep(t);
    }
    const again = [...b.takeChanged().values()];
    expect(again).toHaveLength(1);
    expect(Date.parse(again[0]!.endsAt)).toBeGreaterThan(Date.parse(first.endsAt));
  });

  it('turns a kernel event into an ops alert that its recovery resolves', () => {
    const b = book();
    b.event(event(), T0);
    const down = [...b.takeChanged().values()];
    expect(down[0]?.labels).toMatchObject({ alertname: 'runlens_node_link_down', audience: 'ops', host: 'n1', device: 'ib0', cause: 'link_down', cluster: 'c1' });
    b.event(event(), T0 + 1000);
    expect(b.takeChanged().size).toBe(0);
    b.event(event({ kind: 'link_up', seq: 8, severity: 'info', ts: T0 + 30_000 }), T0 + 30_000);
    const up = [...b.takeChanged().values()];
    expect(up).toHaveLength(1);
    expect(isFiring(up[0]!, T0 + 30_000)).toBe(false);
  });

  it('keeps at most maxAlerts, evicting the oldest', () => {
    const b = book();
    for (let i = 0; i < 5; i++) b.event(event({ seq: i, kind: 'segfault' }), T0);
    expect(b.firing()).toBe(3);
    expect(b.evicted).toBe(2);
  });
});
