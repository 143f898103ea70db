import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from '@runlens/schemas';
import { freePort } from './servers.ts';

const BUILD = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'deploy', 'otelcol', 'build');

/** The collector binary (built once by deploy/otelcol/build), or why there is none: the test says it when it skips. */
export function otelcolBinary(): { readonly bin: string } | { readonly skip: string } {
  if (spawnSync('sh', ['-c', 'command -v go'], { stdio: 'ignore' }).status !== 0) return { skip: 'no Go toolchain to build the OpenTelemetry Collector' };
  const r = spawnSync(BUILD, [], { encoding: 'utf8', timeout: 1_500_000 });
  const bin = r.stdout.trim();
  return r.status === 0 && existsSync(bin) ? { bin } : { skip: `deploy/otelcol/build failed: ${r.stderr.slice(-500)}` };
}

export interface TestOtelCollector {
  /** OTLP/HTTP base URL, as RUNLENS_OTLP_ENDPOINT takes it. */
  readonly endpoint: string;
  /** Every line the file exporters wrote so far: OTLP JSON export requests. */
  metrics(): unknown[];
  logs(): unknown[];
  stop(): Promise<void>;
}

const config = (port: number, dir: string): string => `
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${port}
exporters:
  file/metrics:
    path: ${join(dir, 'metrics.jsonl')}
    flush_interval: 100ms
  file/logs:
    path: ${join(dir, 'logs.jsonl')}
    flush_interval: 100ms
service:
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
  pipelines:
    metrics: { receivers: [otlp], exporters: [file/metrics] }
    logs: { receivers: [otlp], exporters: [file/logs] }
`;

function lines(file: string): unknown[] {
  if (!existsSync(file)) return [];
  // The last piece is '' or a line the exporter is still writing.
  return readFileSync(file, 'utf8').split('\n').slice(0, -1).filter(Boolean).map((l) => JSON.parse(l) as unknown);
}

const listening = (port: number): Promise<boolean> => new Promise((resolve) => {
  const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); }).on('error', () => resolve(false));
});

/** A real OpenTelemetry Collector on a loopback port (free unless given), writing what it receives to JSON-lines files. */
export async function startOtelCollector(bin: string, port?: number): Promise<TestOtelCollector> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-otelcol-'));
  const p = port ?? (await freePort());
  writeFileSync(join(dir, 'config.yaml'), config(p, dir));
  let stderr = '';
  const child: ChildProcess = spawn(bin, ['--config', join(dir, 'config.yaml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const deadline = Date.now() + 60_000;
  while (!(await listening(p))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`otelcol did not listen on ${p}: ${stderr}`);
    }
    await sleep(100);
  }
  return {
    endpoint: `http://127.0.0.1:${p}`,
    metrics: () => lines(join(dir, 'metrics.jsonl')),
    logs: () => lines(join(dir, 'logs.jsonl')),
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
