import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** Integration tests start the real servers through the same deploy/ scripts operators use. */
const run = promisify(execFile);
const DEPLOY = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'deploy');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface TestServer {
  readonly url: string;
  readonly dir: string;
  start(): Promise<void>;
  stop(opts?: { kill?: boolean }): Promise<void>;
}

type Kind = 'kafka' | 'clickhouse';

async function server(kind: Kind, portArgs: (ports: number[]) => string[], url: (ports: number[]) => string, autoStart = true): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), `runlens-${kind}-`));
  const ports = [await freePort(), await freePort()];
  const script = (name: string): string => join(DEPLOY, kind, name);
  const s: TestServer = {
    url: url(ports), dir,
    start: async () => { await run(script('start'), ['--dir', dir, ...portArgs(ports)], { timeout: 300_000 }); },
    stop: async (opts) => { await run(script('stop'), ['--dir', dir, ...(opts?.kill ? ['--kill'] : [])], { timeout: 60_000 }); },
  };
  if (autoStart) await s.start();
  return s;
}

export function startClickHouse(): Promise<TestServer> {
  return prepareClickHouse(true);
}

export function startKafka(): Promise<TestServer> {
  return prepareKafka(true);
}

/** A ClickHouse server with its ports and data dir chosen but not running yet (start-order tests). */
export function prepareClickHouse(autoStart = false): Promise<TestServer> {
  return server('clickhouse', ([h, t]) => ['--http-port', String(h), '--tcp-port', String(t)], ([h]) => `http://127.0.0.1:${h}`, autoStart);
}

/** A Kafka broker with its ports and data dir chosen but not running yet (start-order tests). */
export function prepareKafka(autoStart = false): Promise<TestServer> {
  return server('kafka', ([p, c]) => ['--port', String(p), '--controller-port', String(c)], ([p]) => `127.0.0.1:${p}`, autoStart);
}
