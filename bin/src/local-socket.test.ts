import { statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES, type SocketRequest, callSocket, serveSocket } from './local-socket.ts';
import { tempDir } from './testing/cli-harness.ts';

/** Issue 11 item 8: hostile input on the local socket, bounded. */
const PING = JSON.stringify({ op: 'ping' });

async function serve(idleTimeoutMs = 10_000): Promise<{ path: string; calls: SocketRequest[]; close: () => void }> {
  const path = join(tempDir(), 'runlens.sock');
  const calls: SocketRequest[] = [];
  const server = serveSocket(path, async (req) => { calls.push(req); return { pong: true }; }, { idleTimeoutMs });
  await once(server, 'listening');
  return { path, calls, close: () => server.close() };
}

/** Writes `parts` (with a pause between them), returns everything the server sends before closing. */
async function exchange(path: string, parts: readonly (string | Buffer)[]): Promise<string> {
  const sock = createConnection(path);
  const closed = once(sock, 'close');
  await once(sock, 'connect');
  let reply = '';
  sock.on('data', (d: Buffer) => { reply += d.toString(); });
  sock.on('error', () => undefined); // the server may close while we still write
  for (const p of parts) {
    if (sock.destroyed) break;
    sock.write(p);
    await new Promise((r) => setTimeout(r, 20));
  }
  await closed;
  return reply;
}

describe('serveSocket', () => {
  let close = (): void => undefined;
  afterEach(() => close());

  it('is mode 0600 as soon as it can be connected to', async () => {
    const s = await serve();
    close = s.close;
    expect(statSync(s.path).mode & 0o777).toBe(0o600);
    expect(await callSocket(s.path, { op: 'ping' }, 5000)).toEqual({ pong: true });
  });

  it('handles a line followed by more chunks exactly once', async () => {
    const s = await serve();
    close = s.close;
    const reply = await exchange(s.path, [`${PING}\n`, `${PING}\n`, 'garbage', `${PING}\n`]);
    expect(JSON.parse(reply)).toEqual({ ok: true, value: { pong: true } });
    expect(s.calls).toHaveLength(1);
  });

  it('assembles a request split over many chunks', async () => {
    const s = await serve();
    close = s.close;
    const reply = await exchange(s.path, [...`${PING}\n`]);
    expect(JSON.parse(reply)).toMatchObject({ ok: true });
    expect(s.calls).toHaveLength(1);
  });

  it('refuses a line over MAX_REQUEST_BYTES (1 MiB) with an error and closes, without calling the handler', async () => {
    const s = await serve();
    close = s.close;
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    const reply = await exchange(s.path, Array.from({ length: 72 }, () => chunk)); // 1.125 MiB, no newline
    expect(JSON.parse(reply)).toMatchObject({ ok: false, error: expect.stringContaining(String(MAX_REQUEST_BYTES)) });
    expect(s.calls).toHaveLength(0);
  });

  it('answers bad JSON and invalid requests with an error, not a crash', async () => {
    const s = await serve();
    close = s.close;
    for (const bad of ['{not json\n', '\n', '{"op":"register","run_id":""}\n', `{"op":"finish","run_id":"r","exit_code":1.5,"end_ts":0,"totals":null}\n`]) {
      expect(JSON.parse(await exchange(s.path, [bad]))).toMatchObject({ ok: false, error: expect.stringContaining('bad request') });
    }
    expect(s.calls).toHaveLength(0);
    expect(await callSocket(s.path, { op: 'ping' }, 5000)).toEqual({ pong: true });
  });

  it('closes a connection that sends nothing', async () => {
    const s = await serve(300);
    close = s.close;
    const sock = createConnection(s.path);
    const closed = once(sock, 'close');
    await expect(Promise.race([closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('open'), 15_000))])).resolves.toBe('closed');
  });
});
