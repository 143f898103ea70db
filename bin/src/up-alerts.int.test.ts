import { SIGNATURE_HEADER, signature } from '@runlens/analyzer';
import { sleep } from '@runlens/schemas';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Delivery, receiver } from './testing/alert-receiver.ts';
import { runCli, startCli, tempDir } from './testing/cli-harness.ts';

interface WebhookBody { source: string; alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[] }

/** Issue 12 item 5: `runlens up` forwards alerts like `runlens analyze` when a receiver is configured. */
describe('runlens up with RUNLENS_ALERT_WEBHOOK_URL', () => {
  const dir = tempDir();
  let up: ReturnType<typeof startCli> | null = null;
  let rx: Awaited<ReturnType<typeof receiver>> | null = null;
  afterAll(async () => {
    up?.child.kill('SIGTERM');
    await up?.done;
    rx?.server.close();
  });

  it('posts a run\'s warning finding to the signed webhook, linked to its dashboard, and resolves it when the run ends', async () => {
    rx = await receiver();
    writeFileSync(join(dir, 'hook.secret'), 's3cret\n', { mode: 0o600 });
    const env = {
      RUNLENS_DATA_DIR: join(dir, 'data'), RUNLENS_HTTP_PORT: '0', RUNLENS_ALERT_WEBHOOK_URL: `${rx.url}/hook`,
      RUNLENS_ALERT_WEBHOOK_SECRET_FILE: join(dir, 'hook.secret'), RUNLENS_ALERT_CLEAR_MS: '5000',
    };
    up = startCli(['up'], env);
    let err = '';
    up.child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
    for (let i = 0; i < 450 && !err.includes('"msg":"runlens up"'); i++) await sleep(200);
    expect(err).toContain('"alerting":true');
    // A whole run without progress: the analyzer's idle finding (warning) while it runs.
    const run = await runCli(['run', '--app', 'napper', '--', 'sleep', '15'], env);
    expect(run.code, run.stderr).toBe(0);
    const runId = /run (\S+)/.exec(run.stderr)?.[1] ?? '';
    const bodies = (): { d: Delivery; b: WebhookBody }[] => (rx?.got ?? []).filter((d) => d.path === '/hook').map((d) => ({ d, b: JSON.parse(d.body) as WebhookBody }));
    const ofRun = (status: string) => bodies().find(({ b }) => b.alerts.some((a) => a.labels.run === runId && a.labels.kind === 'idle' && a.status === status));
    const deadline = Date.now() + 90_000;
    while ((!ofRun('firing') || !ofRun('resolved')) && Date.now() < deadline) await sleep(500);
    const firing = ofRun('firing');
    expect(firing, JSON.stringify(bodies().map(({ b }) => b.alerts.map((a) => [a.labels.run, a.labels.kind, a.status])))).toBeDefined();
    const header = String(firing?.d.headers[SIGNATURE_HEADER]);
    expect(header).toBe(signature('s3cret', firing?.d.body ?? '', Number(/t=(\d+)/.exec(header)?.[1])));
    const alert = firing?.b.alerts.find((a) => a.labels.run === runId);
    expect(alert?.labels).toMatchObject({ app: 'napper', severity: 'warning' });
    expect(Object.values(alert?.annotations ?? {}).join(' ')).toMatch(new RegExp(`http://127\\.0\\.0\\.1:\\d+/runs/${runId}`));
    expect(ofRun('resolved')).toBeDefined();
  }, 240_000);
});
