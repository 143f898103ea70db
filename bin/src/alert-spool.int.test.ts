import { AlertSpool, type ForwarderState, SIGNATURE_HEADER, signature } from '@runlens/analyzer';
import { SAMPLER_IDS } from '@runlens/collector';
import { freePort } from '@runlens/pipeline/testing/index';
import { sleep } from '@runlens/schemas';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { receiver } from './testing/alert-receiver.ts';
import { runCli, startCli, tempDir } from './testing/cli-harness.ts';
import { type Probe, probe } from './testing/health-probe.ts';
import { until } from './testing/until.ts';

interface WebhookBody { alerts: { status: string; labels: Record<string, string> }[] }
type Up = ReturnType<typeof startCli> & { apiPort: number };

/** Starts `runlens up` and waits until it answers and its dashboard is up (a Next build would starve the run of CPU). */
async function startUp(env: Record<string, string>): Promise<Up> {
  const up = startCli(['up'], env);
  let err = '';
  up.child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  const port = Number(await until('runlens up to start', () => /"msg":"runlens up".*?"api":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(err)?.[1], 120_000));
  await until('the dashboard', async () => {
    const state = (await probe(port))?.body.dashboard;
    return state === 'ready' || state === 'failed' ? state : undefined;
  }, 300_000);
  return { ...up, apiPort: port };
}

const t0 = Date.now();
const progress = (what: string): void => { process.stderr.write(`[alert-spool.int +${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}\n`); };
const alerting = (p: Probe | null): ForwarderState | undefined => (p?.body.alerting ?? undefined) as ForwarderState | undefined;
const labelKey = (l: Record<string, string>): string => JSON.stringify(Object.entries(l).sort(([a], [b]) => a.localeCompare(b)));

/**
 * Issue 12: the direct webhook loses nothing to a restart. The receiver fails every delivery,
 * `runlens up` is killed -9 with the notifications undelivered, restarted, and the receiver
 * (now healthy) gets each of them exactly once, signed. /readyz and /metrics say what waits.
 */
describe('runlens up: undelivered alerts survive kill -9', () => {
  const dir = tempDir('runlens-spool-');
  const ups: Up[] = [];
  let rx: Awaited<ReturnType<typeof receiver>> | null = null;
  afterAll(async () => {
    for (const u of ups) u.child.kill('SIGTERM');
    await Promise.all(ups.map((u) => u.done));
    rx?.server.close();
  });

  it('spools while the receiver fails, reports degraded, and after a restart delivers each notification once', async () => {
    rx = await receiver();
    rx.fail.n = 1_000_000;
    writeFileSync(join(dir, 'hook.secret'), 's3cret\n', { mode: 0o600 });
    const metricsPort = await freePort();
    const env = {
      RUNLENS_DATA_DIR: join(dir, 'data'), RUNLENS_HTTP_PORT: '0', RUNLENS_ALERT_WEBHOOK_URL: `${rx.url}/hook`,
      RUNLENS_ALERT_WEBHOOK_SECRET_FILE: join(dir, 'hook.secret'), RUNLENS_ALERT_CLEAR_MS: '5000', RUNLENS_ALERT_DEGRADED_AFTER_MS: '2000',
      RUNLENS_METRICS_PORT: String(metricsPort),
      // The machine's kernel log is shared with other tests: only this test's run raises alerts.
      RUNLENS_SAMPLERS: SAMPLER_IDS.filter((s) => s !== 'kernel_events').join(','),
    };
    const first = await startUp(env);
    ups.push(first);
    progress('up started');
    const journal = join(dir, 'data', 'alert-spool', 'webhook.jsonl');
    const journaled = (): string => (existsSync(journal) ? readFileSync(journal, 'utf8') : '');
    // A run without progress raises the analyzer's idle finding (warning) while it runs. On a
    // starved machine a run may end before a live evaluation saw it idle: then run another.
    const runIds: string[] = [];
    for (let attempt = 0; attempt < 4 && !runIds.some((id) => journaled().includes(`"run":"${id}"`)); attempt++) {
      const run = await runCli(['run', '--app', 'napper', '--', 'sleep', '30'], env);
      expect(run.code, run.stderr).toBe(0);
      const runId = /^runlens: run (\S+)/m.exec(run.stderr)?.[1];
      expect(runId && !run.stderr.includes('private store'), `runlens run did not register with up: ${run.stderr.slice(0, 2000)}`).toBe(true);
      runIds.push(runId ?? '');
      progress(`run ${runId} ended`);
      await until('the run\'s alert in the journal', () => (journaled().includes(`"run":"${runId}"`) ? true : undefined), 30_000).catch(() => undefined);
    }
    let last = '';
    // The run's alert is journaled, and delivery has failed for longer than the bound.
    const failing = await until('the spooled alert and a degraded /readyz', async () => {
      const p = await probe(first.apiPort);
      const a = alerting(p);
      last = `runs ${runIds.join(' ')}; /readyz ${JSON.stringify(p?.body)}; journal ${journaled().slice(-2000)}`;
      return runIds.some((id) => journaled().includes(`"run":"${id}"`)) && p && a?.status === 'degraded' ? { p, a } : undefined;
    }, 60_000, () => last);
    progress('spooled and degraded');
    expect(failing.p.status).toBe(200);
    expect(failing.p.body).toMatchObject({ ready: true, status: 'degraded' });
    expect(failing.p.body.degraded).toEqual(['alert delivery to webhook failing for more than 2 s']);
    expect(failing.a.sinks[0]).toMatchObject({ sink: 'webhook', durable: true, last_delivery: null });
    expect(failing.a.sinks[0]?.queue_depth).toBeGreaterThanOrEqual(1);
    expect(failing.a.sinks[0]?.last_error).toMatch(/HTTP 500/);
    expect(failing.a.sinks[0]?.oldest_undelivered_age_s).toBeGreaterThanOrEqual(2);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/^runlens_alert_queue_alerts\{sink="webhook"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^runlens_alert_oldest_undelivered_seconds\{sink="webhook"\} [1-9]\d*$/m);
    expect(metrics).toContain('runlens_condition{component="alert_forwarder",condition="webhook_delivery_failing",reason="receiver_unavailable"} 1');
    expect(metrics).toMatch(/^runlens_errors_total\{component="alert_forwarder",stage="webhook"\} [1-9]\d*$/m);
    expect(rx.got).toHaveLength(0);

    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    // What the killed process had accepted: the journal, read as the next process will read it.
    const owed = new AlertSpool({ file: journal, maxCount: 10_000, maxBytes: 32 * 1024 * 1024 }).entries().map((e) => e.alert);
    owed.forEach((a) => expect(runIds).toContain(a.labels.run));
    expect(owed.some((a) => a.labels.kind === 'idle')).toBe(true);

    rx.fail.n = 0;
    const second = await startUp(env);
    ups.push(second);
    progress('up restarted');
    await until('the restarted forwarder to empty its queue', async () => {
      const a = alerting(await probe(second.apiPort));
      return a?.status === 'ok' && a.sinks[0]?.queue_depth === 0 ? a : undefined;
    });
    await sleep(5000); // two more delivery ticks: a second copy would arrive now
    const deliveries = rx.got.filter((d) => d.path === '/hook');
    for (const d of deliveries) {
      const header = String(d.headers[SIGNATURE_HEADER]);
      expect(header).toBe(signature('s3cret', d.body, Number(/t=(\d+)/.exec(header)?.[1])));
    }
    const got = deliveries.flatMap((d) => (JSON.parse(d.body) as WebhookBody).alerts).filter((a) => runIds.includes(a.labels.run ?? ''));
    const counts = new Map<string, number>();
    for (const a of got) counts.set(labelKey(a.labels), (counts.get(labelKey(a.labels)) ?? 0) + 1);
    const lost = owed.filter((a) => !counts.has(labelKey(a.labels)));
    const doubled = [...counts].filter(([, n]) => n > 1);
    expect({ lost: lost.length, doubled: doubled.length, delivered: got.length }).toEqual({ lost: 0, doubled: 0, delivered: owed.length });
  }, 600_000);
});
