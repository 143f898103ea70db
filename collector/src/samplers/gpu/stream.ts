import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from '@runlens/schemas';
import { GPU_QUERY_FIELDS, parseGpuLine } from './parse.ts';
import type { GpuReading } from './parse.ts';

const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 60_000;

const nowS = (): number => performance.now() / 1000;

export function gpuQueryArgs(loopMs?: number): string[] {
  const args = [`--query-gpu=${GPU_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
  return loopMs === undefined ? args : [...args, `-lms`, String(loopMs)];
}

/**
 * A long-running `nvidia-smi -lms` child: one process for the agent's life instead of a
 * fork per tick (nvidia-smi start-up costs tens of ms of driver init). Keeps the latest
 * reading per GPU; restarts the child with exponential backoff and jitter if it dies.
 */
export class GpuStream {
  private child: ChildProcess | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private closed = false;
  private readonly latest = new Map<number, { reading: GpuReading; at_s: number }>();

  constructor(private readonly bin: string, private readonly intervalMs: number, private readonly log: Logger) {}

  seed(readings: readonly GpuReading[]): void {
    for (const r of readings) this.latest.set(r.gpu_index, { reading: r, at_s: nowS() });
  }

  start(): void {
    if (this.closed) return;
    const child = spawn(this.bin, gpuQueryArgs(this.intervalMs), { stdio: ['ignore', 'pipe', 'ignore'] });
    this.child = child;
    child.on('error', () => { /* reported through 'close' */ });
    if (child.stdout) createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line));
    child.on('close', (code, signal) => this.onExit(child, code, signal));
  }

  private onLine(line: string): void {
    const r = parseGpuLine(line);
    if (!r) return;
    this.failures = 0;
    this.latest.set(r.gpu_index, { reading: r, at_s: nowS() });
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = null;
    if (this.closed) return;
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.failures);
    const delay = base / 2 + Math.random() * (base / 2);
    this.failures++;
    this.log.warn('nvidia-smi stream exited; restarting', { code, signal, delay_ms: Math.round(delay) });
    this.timer = setTimeout(() => { this.timer = null; this.start(); }, delay);
  }

  /** Readings no older than `maxAgeS`; an older one means the stream is stuck or restarting. */
  readings(maxAgeS: number): GpuReading[] {
    const cutoff = nowS() - maxAgeS;
    return [...this.latest.values()].filter((x) => x.at_s >= cutoff).map((x) => x.reading);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.child?.kill('SIGTERM');
    this.child = null;
  }
}
