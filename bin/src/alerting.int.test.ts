import { AlertForwarder, type AlertSink, SIGNATURE_HEADER, alertmanagerSink, signature, webhookSink } from '@runlens/analyzer';
import { MemoryBus } from '@runlens/pipeline';
import { type OpenedStore, TEST_STORES, catalogRow, hasAlertmanager, startAlertmanager } from '@runlens/pipeline/testing/index';
import { MessageEncoder, type Row, type TableName, createLogger, sleep } from '@runlens/schemas';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Delivery, receiver } from './testing/alert-receiver.ts';
import { until } from './testing/until.ts';

interface Notification { status: string; groupLabels: Record<string, string>; alerts: { status: string; labels: Record<string, string> }[] }

const AM_CONFIG = (rx: string): string => `
route:
  receiver: users
  group_by: [cause, host]
  group_wait: 5s
  group_interval: 2s
  repeat_interval: 1h
  routes:
    - matchers: ['audience="ops"']
      receiver: ops
receivers:
  - name: users
    webhook_configs: [{ url: '${rx}/users', send_resolved: true }]
  - name: ops
    webhook_configs: [{ url: '${rx}/ops', send_resolved: true }]
`;

const RUNS = ['r1', 'r2', 'r3', 'r4', 'r5'];
const log = createLogger('error', { test: 'alerting' });
const encoder = new MessageEncoder('test-analyzer');

async function publish<N extends TableName>(bus: MemoryBus, table: N, rows: Row<N>[], key: string): Promise<void> {
  const m = encoder.encode(table, rows, key);
  await bus.producer().send(m.topic, [m]);
}

/** The same finding the analyzer re-publishes at each live evaluation while it holds. */
const interference = (runId: string, now: number): Row<'findings'> => catalogRow('findings', {
  run_id: runId, finding_id: `cpu_interference|host|n1|${runId}`, kind: 'cpu_interference', severity: 'warning', scope: 'host', scope_id: 'n1', host: 'n1',
  start_ts: now - 10_000, end_ts: now, updated_ts: now, confidence: 0.9, message: 'outside processes took 1.1 of your cores', advice: 'ask operations who shares node n1', evidence: '{}',
});

const notifications = (got: Delivery[], path: string): Notification[] => got.filter((d) => d.path === path).map((d) => JSON.parse(d.body) as Notification);

describe.skipIf(!hasAlertmanager())('alerting through a real Alertmanager', () => {
  let opened: OpenedStore;
  let rx: Awaited<ReturnType<typeof receiver>>;
  let am: Awaited<ReturnType<typeof startAlertmanager>>;

  beforeAll(async () => {
    const chdb = TEST_STORES[0];
    if (!chdb) throw new Error('no chdb store kind');
    opened = await chdb[2]();
    rx = await receiver();
    am = await startAlertmanager(AM_CONFIG(rx.url));
    const now = Date.now();
    await opened.store.insertRows('runs', RUNS.map((run_id) => catalogRow('runs', {
      run_id, app: 'lammps', user: 'alice', cluster: 'c1', status: 'running', start_ts: now - 60_000, end_ts: null, updated_ts: now, hosts: ['n1'],
    })));
  });
  afterAll(async () => {
    await am?.stop();
    rx?.server.close();
    await opened?.done();
  });

  it('groups 5 runs that share a cause into one notification, sends no second one for the same findings, and resolves when the cause clears', async () => {
    const bus = new MemoryBus(4);
    const fwd = new AlertForwarder({ bus, store: opened.store, sinks: [alertmanagerSink(am.url)], log, dashboardUrl: 'http://dash.example:3000', cluster: 'c1', clearMs: 6000, resendMs: 3000, eventHoldMs: 600_000, maxAlerts: 1000, tickMs: 500 });
    await fwd.start();
    // Live evaluations every 1.5 s for 12 s: the same five findings again and again.
    for (let t = 0; t < 8; t++) {
      for (const r of RUNS) await publish(bus, 'findings', [interference(r, Date.now())], r);
      await sleep(1500);
    }
    const firing = notifications(rx.got, '/users').filter((n) => n.status === 'firing');
    expect(firing).toHaveLength(1);
    expect(firing[0]?.groupLabels).toEqual({ cause: 'cpu_interference', host: 'n1' });
    expect(firing[0]?.alerts.map((a) => a.labels.run).sort()).toEqual(RUNS);
    expect(firing[0]?.alerts[0]?.labels).toMatchObject({ user: 'alice', app: 'lammps', cluster: 'c1', severity: 'warning' });
    // The findings stop: after clearMs the forwarder resolves them and Alertmanager says so once.
    const resolved = await until('the resolved notification', () => notifications(rx.got, '/users').find((n) => n.status === 'resolved'));
    expect(resolved.alerts.map((a) => a.labels.run).sort()).toEqual(RUNS);
    expect(resolved.alerts.every((a) => a.status === 'resolved')).toBe(true);
    await fwd.stop();
    expect(fwd.counters.errors.size).toBe(0);
  });

  it('sends a node event to operations and resolves it on recovery', async () => {
    const bus = new MemoryBus(4);
    const fwd = new AlertForwarder({ bus, store: opened.store, sinks: [alertmanagerSink(am.url)], log, dashboardUrl: 'http://dash.example:3000', cluster: 'c1', clearMs: 6000, resendMs: 3000, eventHoldMs: 600_000, maxAlerts: 1000, tickMs: 500 });
    await fwd.start();
    const ev = (kind: string, seq: number): Row<'node_events'> => catalogRow('node_events', { ts: Date.now(), host: 'n2', seq, kind, severity: kind === 'link_down' ? 'critical' : 'info', device: 'ib0', detail: `ib0 ${kind}`, raw: `mlx5_core 0000:3b:00.0 ib0: ${kind}` });
    await publish(bus, 'node_events', [ev('link_down', 1)], 'n2');
    const down = await until('the ops notification', () => notifications(rx.got, '/ops').find((n) => n.status === 'firing'));
    expect(down.alerts[0]?.labels).toMatchObject({ kind: 'link_down', host: 'n2', device: 'ib0', audience: 'ops', severity: 'critical' });
    await publish(bus, 'node_events', [ev('link_up', 2)], 'n2');
    await until('the link to resolve', () => notifications(rx.got, '/ops').find((n) => n.status === 'resolved'));
    await fwd.stop();
  });

  it('signs direct webhook deliveries and retries a failing receiver', async () => {
    rx.fail.n = 2;
    const before = rx.got.length;
    const sink: AlertSink = webhookSink({ url: `${rx.url}/hook`, secret: 'k3y', attempts: 5, baseDelayMs: 50 });
    const bus = new MemoryBus(4);
    const fwd = new AlertForwarder({ bus, store: opened.store, sinks: [sink], log, dashboardUrl: 'http://dash.example:3000', cluster: 'c1', clearMs: 60_000, resendMs: 60_000, eventHoldMs: 600_000, maxAlerts: 1000, tickMs: 500 });
    await fwd.start();
    await publish(bus, 'findings', [interference('r1', Date.now())], 'r1');
    const d = await until('the webhook delivery', () => rx.got.slice(before).find((x) => x.path === '/hook'));
    expect(rx.fail.n).toBe(0);
    const header = String(d.headers[SIGNATURE_HEADER]);
    const t = Number(/t=(\d+)/.exec(header)?.[1]);
    expect(header).toBe(signature('k3y', d.body, t));
    expect(JSON.parse(d.body)).toMatchObject({ source: 'runlens', alerts: [{ status: 'firing', labels: { run: 'r1', kind: 'cpu_interference' } }] });
    await fwd.stop();
  });

  it('ships an example route that amtool accepts', () => {
    const example = fileURLToPath(new URL('../../deploy/alertmanager/alertmanager.yml', import.meta.url));
    expect(execFileSync('amtool', ['check-config', example], { encoding: 'utf8' })).toMatch(/SUCCESS/);
  });
});
