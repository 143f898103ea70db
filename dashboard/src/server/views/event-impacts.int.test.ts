import type { Store } from '@runlens/pipeline';
import { catalogRow as row } from '@runlens/pipeline/testing/catalog-row';
import { seededStore } from '@runlens/pipeline/testing/seeded-store';
import { TEST_STORES } from '@runlens/pipeline/testing/test-stores';
import { nodeHealth } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { eventImpacts } from './event-impacts.ts';

/**
 * Cross-layer causes on the ops page: a link flap on n1 touched the three runs live there (two
 * of them slowed afterwards), a segfault touched only the run whose process it was, and a run on
 * another host or one that ended before the flap is never named.
 */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;
const FLAP = T0 + 120_000;
const CRASH = T0 + 200_000;

async function seed(store: Store): Promise<void> {
  const run = (run_id: string, hosts: string[], start: number, end: number | null) => row('runs', {
    run_id, app: `app_${run_id}`, user: 'ann', status: end === null ? 'running' : 'finished', start_ts: start, end_ts: end, updated_ts: start, hosts });
  await store.insertRows('runs', [
    run('a', ['n1', 'n2'], T0, null), run('b', ['n1'], T0 + 60_000, null), run('c', ['n1'], T0, T0 + 300_000),
    run('early', ['n1'], T0 - 60_000, T0 + 30_000), run('elsewhere', ['n3'], T0, null),
  ]);
  const ev = (seq: number, ts: number, kind: string, severity: string, extra: Record<string, unknown> = {}) => row('node_events', {
    ts, host: 'n1', seq, kind, severity, detail: `${kind} detail`, raw: kind, ...extra });
  // The agent publishes at least once: the flap arrives twice and must count once.
  const flap = ev(10, FLAP, 'link_down', 'critical', { device: 'ib0' });
  await store.insertRows('node_events', [flap, flap, ev(11, FLAP + 5000, 'link_up', 'info', { device: 'ib0' }), ev(12, CRASH, 'segfault', 'warning', { pid: 4242, comm: 'solver' })]);
  await store.insertRows('process_samples', [0, 1].map((i) => row('process_samples', { ts: CRASH - 5000 + i * 1000, host: 'n1', run_id: 'b', pid: 4242, start_ticks: 7, interval_s: 1, comm: 'solver' })));
  const f = (run_id: string, kind: string, start: number, end: number) => row('findings', {
    run_id, finding_id: `${kind}|${run_id}`, kind, severity: 'warning', scope: 'host', scope_id: 'n1', host: 'n1', start_ts: start, end_ts: end, updated_ts: end, confidence: 0.9, message: kind, evidence: '{}' });
  await store.insertRows('findings', [f('a', 'network_bound', FLAP + 10_000, FLAP + 70_000), f('b', 'slow_node', FLAP, FLAP + 30_000), f('a', 'cpu_bound', T0, T0 + 10_000)]);
}

describe.each(TEST_STORES)('event impacts on %s', (_name, available, open) => {
  const db = seededStore(available, open, seed);

  it.runIf(available)('links each event to the runs it touched, with their findings since, ranked by runs and time lost', async () => {
    const impacts = await eventImpacts(db.store, T0 - 3_600_000, T0 + 590_000);
    expect(impacts.map((i) => [i.event.kind, i.runs.map((r) => r.run_id).sort()])).toEqual([
      ['link_down', ['a', 'b', 'c']],
      ['segfault', ['b']],
    ]);
    const flap = impacts[0]!;
    expect(flap.runs.find((r) => r.run_id === 'a')).toMatchObject({ kinds: ['network_bound'], degraded_s: 60 });
    expect(flap.runs.find((r) => r.run_id === 'b')).toMatchObject({ kinds: ['slow_node'], degraded_s: 30 });
    expect(flap.runs.find((r) => r.run_id === 'c')).toMatchObject({ kinds: [], degraded_s: 0 });
    expect(flap.degraded_s).toBe(90);
    expect(impacts[1]?.event).toMatchObject({ pid: 4242, comm: 'solver', severity: 'warning' });
  });

  it.runIf(available)('shows the events in node health, counted once', async () => {
    const health = await nodeHealth(db.store, T0 - 3_600_000);
    expect(health.filter((h) => h.source.startsWith('event:')).map((h) => [h.source, h.count]).sort()).toEqual([['event:link_down', 1], ['event:segfault', 1]]);
  });
});
