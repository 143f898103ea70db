import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Measured } from './proc-meter.ts';

export const EXPORTER_BIN = '/usr/bin/prometheus-process-exporter';
/** Per-thread metrics off (RunLens samples processes, not threads); smaps off (RunLens reads no smaps). */
export const EXPORTER_FLAGS = ['-threads=false', '-gather-smaps=false'];
const EXPORTER_CONFIG = "process_names:\n  - name: '{{.Comm}}'\n    cmdline: ['.+']\n";
const REPO_ROOT = resolve(import.meta.dirname, '../..');

export interface RunningAgent extends Measured {
  stop(): Promise<void>;
}

/** Installs Debian's process-exporter if it is missing; `apt-get update` only if the first try fails. */
export function ensureExporterInstalled(log: (line: string) => void): void {
  if (existsSync(EXPORTER_BIN)) return;
  const install = (): void => void execFileSync('apt-get', ['install', '-y', 'prometheus-process-exporter'], { stdio: 'inherit' });
  log('installing prometheus-process-exporter with apt-get');
  try {
    install();
  } catch {
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    install();
  }
  if (!existsSync(EXPORTER_BIN)) throw new Error(`${EXPORTER_BIN} still missing after apt-get install`);
}

export function exporterVersion(): string {
  return execFileSync(EXPORTER_BIN, ['-version'], { encoding: 'utf8' }).split('\n')[0]?.trim() ?? '';
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Starts process-exporter on a loopback port and scrapes /metrics at 1 Hz from this process. */
export async function startExporter(): Promise<RunningAgent> {
  const port = await freePort();
  const configPath = join(tmpdir(), `runlens-bench-pe-${process.pid}.yml`);
  writeFileSync(configPath, EXPORTER_CONFIG);
  const args = ['-config.path', configPath, '-web.listen-address', `127.0.0.1:${port}`, ...EXPORTER_FLAGS];
  const child = spawn(EXPORTER_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.resume();
  const url = `http://127.0.0.1:${port}/metrics`;
  let scrapes = 0;
  let failures = 0;
  let lastBytes = 0;
  const durations: number[] = [];
  const scrape = async (): Promise<boolean> => {
    const t0 = performance.now();
    try {
      const res = await fetch(url);
      const body = await res.text();
      if (!res.ok) return false;
      lastBytes = body.length;
      durations.push(performance.now() - t0);
      return true;
    } catch {
      return false;
    }
  };
  for (let i = 0; !(await scrape()); i++) {
    if (i > 100) throw new Error(`process-exporter did not answer on ${url}`);
    await sleep(100);
  }
  let running = true;
  const loop = (async () => {
    // Fixed 1 Hz grid; a scrape slower than 1 s delays the next one rather than overlapping it.
    for (let next = performance.now() + 1000; running; next += 1000) {
      await sleep(Math.max(0, next - performance.now()));
      if (!running) break;
      if (await scrape()) scrapes++;
      else failures++;
    }
  })();
  return {
    pid: child.pid ?? -1,
    ticks: async () => scrapes,
    extra: async () => ({ scrape_failures: failures, last_body_bytes: lastBytes, scrape_ms_median: medianOf(durations) }),
    stop: async () => {
      running = false;
      await loop;
      await stopChild(child);
    },
  };
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** Starts runlens-agent.ts through tsx, as bin/runlens runs production code; extra node flags optional. */
export async function startRunlens(maxDurationS: number, nodeFlags: readonly string[] = []): Promise<RunningAgent> {
  const loader = join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs');
  const entry = join(import.meta.dirname, 'runlens-agent.ts');
  const args = [...nodeFlags, '--import', loader, entry, String(maxDurationS)];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const waiters: ((line: Record<string, unknown>) => void)[] = [];
  let last: Record<string, unknown> = {};
  createInterface({ input: child.stdout! }).on('line', (text) => {
    last = JSON.parse(text) as Record<string, unknown>;
    waiters.shift()?.(last);
  });
  const nextLine = (ms: number): Promise<Record<string, unknown>> => new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('runlens agent did not answer')), ms);
    waiters.push((l) => { clearTimeout(timer); ok(l); });
  });
  await nextLine(30_000); // {"ready":true}
  const counters = async (): Promise<Record<string, unknown>> => {
    const line = nextLine(5000);
    child.kill('SIGUSR2');
    return line;
  };
  return {
    pid: child.pid ?? -1,
    ticks: async () => Number((await counters()).ticks),
    extra: async () => counters(),
    stop: () => stopChild(child),
  };
}
