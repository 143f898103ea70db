import { AlertForwarder, webhookSink } from '@runlens/analyzer';
import { MemoryBus } from '@runlens/pipeline';
import { type OpenedStore, TEST_STORES, catalogRow } from '@runlens/pipeline/testing/index';
import { MessageEncoder, type Row, counterFamilies, createLogger, renderPrometheus } from '@runlens/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiver } from './testing/alert-receiver.ts';
import { tempDir } from './testing/cli-harness.ts';
import { until } from './testing/until.ts';

const log = createLogger('error', { test: 'alert-forwarder-spool' });
const encoder = new MessageEncoder('test-agent');

const linkDown = (seq: number): Row<'node_events'> => catalogRow('node_events', {
  ts: Date.now(), host: 'n7', seq, kind: 'link_down', severity: 'critical', device: `ib${seq}`, detail: `ib${seq} link down`, raw: `mlx5_core 0000:3b:00.0 ib${seq}: link down`,
});

/** The forwarder's bounded spool and its state, against a real HTTP receiver that fails, then heals. */
describe('alert forwarder: bounded spool, drops counted, degraded state', () => {
  let opened: OpenedStore;
  let rx: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    const chdb = TEST_STORES[0];
    if (!chdb) throw new Error('no chdb store kind');
    opened = await chdb[2]();
    rx = await receiver();
  });
  afterAll(async () => {
    rx?.server.close();
    await opened?.done();
  });

  it('keeps the newest alerts within its bound, counts the dropped ones on /metrics, says degraded, and recovers', async () => {
    rx.fail.n = 1_000_000;
    const bus = new MemoryBus(4);
    const fwd = new AlertForwarder({
      bus, store: opened.store, sinks: [webhookSink({ url: `${rx.url}/hook`, secret: 'k', attempts: 1 })], log, dashboardUrl: 'http://dash:3000', cluster: 'c1',
      clearMs: 60_000, resendMs: 600_000, eventHoldMs: 600_000, maxAlerts: 1000, tickMs: 300, spoolDir: tempDir('runlens-fwd-spool-'), spoolMaxCount: 3, degradedAfterMs: 1000,
    });
    await fwd.start();
    expect(fwd.state()).toMatchObject({ status: 'ok', degraded: [], sinks: [{ sink: 'webhook', queue_depth: 0, durable: true, failing_since: null }] });
    for (const seq of [1, 2, 3, 4, 5]) {
      const m = encoder.encode('node_events', [linkDown(seq)], 'n7');
      await bus.producer().send(m.topic, [m]);
    }
    const degraded = await until('degraded', () => { const s = fwd.state(); return s.status === 'degraded' ? s : undefined; });
    expect(degraded.sinks[0]).toMatchObject({ queue_depth: 3, dropped: 2, last_delivery: null });
    expect(degraded.sinks[0]?.last_error).toMatch(/HTTP 500/);
    const text = renderPrometheus([...counterFamilies([fwd.counters]), ...fwd.families()]);
    expect(text).toContain('runlens_discarded_total{component="alert_forwarder",reason="webhook_spool_full"} 2');
    expect(text).toContain('runlens_alert_queue_alerts{sink="webhook"} 3');
    expect(text).toContain('runlens_alert_delivery_failing{sink="webhook"} 1');
    rx.fail.n = 0;
    await until('the queue to empty', () => (fwd.state().sinks[0]?.queue_depth === 0 ? true : undefined));
    expect(fwd.state()).toMatchObject({ status: 'ok', degraded: [], sinks: [{ failing_since: null, queue_depth: 0, oldest_undelivered_age_s: 0 }] });
    await fwd.stop();
    const devices = rx.got.flatMap((d) => (JSON.parse(d.body) as { alerts: { labels: { device: string } }[] }).alerts.map((a) => a.labels.device));
    expect(devices.sort()).toEqual(['ib3', 'ib4', 'ib5']);
    expect(renderPrometheus(counterFamilies([fwd.counters]))).not.toMatch(/condition="webhook_delivery_failing"/);
  }, 120_000);
});
