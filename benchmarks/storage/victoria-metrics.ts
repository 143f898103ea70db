import { sleep } from '@runlens/schemas';
// Debian's victoria-metrics (single-node) on a free loopback port with its own data dir.
import { freePort } from '@runlens/pipeline/testing/servers';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { dirBytes } from './fs-size.ts';

export const VM_BIN = '/usr/bin/victoria-metrics';


export interface VmSize {
  /** Files under data/ (the samples: timestamps and values). */
  readonly data_bytes: number;
  /** Files under indexdb/ (the inverted index from labels to series). */
  readonly index_bytes: number;
  /** VM's own figure: sum of vm_data_size_bytes over every type. */
  readonly reported_bytes: number;
  /** Rows (samples) in storage parts: sum of vm_rows{type="storage/…"}. */
  readonly stored_samples: number;
}

export class VictoriaMetrics {
  /** Every server started and not yet stopped, for cleanup on error or signal. */
  private static readonly live = new Set<VictoriaMetrics>();

  private constructor(readonly url: string, readonly dir: string, private readonly child: ChildProcess) {
    VictoriaMetrics.live.add(this);
  }

  static async stopAll(): Promise<void> {
    for (const vm of [...VictoriaMetrics.live]) await vm.stop();
  }

  /** Starts the server and waits for /health; the log goes to <dir>/vm.log. */
  static async start(dir: string): Promise<VictoriaMetrics> {
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const log = openSync(join(dir, 'vm.log'), 'a');
    const args = [`-storageDataPath=${join(dir, 'storage')}`, `-httpListenAddr=127.0.0.1:${port}`, '-retentionPeriod=1y', '-loggerLevel=WARN'];
    const child = spawn(VM_BIN, args, { stdio: ['ignore', log, log] });
    const vm = new VictoriaMetrics(`http://127.0.0.1:${port}`, dir, child);
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(100)) {
      if (child.exitCode !== null) throw new Error(`victoria-metrics exited ${child.exitCode} at start; see ${join(dir, 'vm.log')}`);
      const ok = await fetch(`${vm.url}/health`).then((r) => r.ok, () => false);
      if (ok) return vm;
    }
    await vm.stop();
    throw new Error(`victoria-metrics: no /health on ${vm.url} within 30 s`);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('victoria-metrics: no pid');
    return this.child.pid;
  }

  /** POST /api/v1/import (JSON lines); VM answers 204 once the rows are in its buffers. */
  async import(body: string): Promise<void> {
    const res = await fetch(`${this.url}/api/v1/import`, { method: 'POST', body });
    if (!res.ok) throw new Error(`victoria-metrics import: ${res.status} ${(await res.text()).slice(0, 300)}`);
    await res.arrayBuffer();
  }

  async metrics(): Promise<Map<string, number>> {
    const res = await fetch(`${this.url}/metrics`);
    if (!res.ok) throw new Error(`victoria-metrics /metrics: ${res.status}`);
    const out = new Map<string, number>();
    for (const line of (await res.text()).split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const sp = line.lastIndexOf(' ');
      out.set(line.slice(0, sp), Number(line.slice(sp + 1)));
    }
    return out;
  }

  /**
   * Settles storage as an operator would before measuring: flush buffered rows
   * (/internal/force_flush), merge every partition to its final parts (/internal/force_merge,
   * which runs in the background), then wait until no force merge is active and sizes hold.
   */
  async settle(): Promise<void> {
    for (const path of ['/internal/force_flush', '/internal/force_merge']) {
      const res = await fetch(`${this.url}${path}`);
      if (!res.ok) throw new Error(`victoria-metrics ${path}: ${res.status} ${await res.text()}`);
    }
    let last = -1;
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(500)) {
      const active = (await this.metrics()).get('vm_active_force_merges') ?? 0;
      const bytes = dirBytes(join(this.dir, 'storage'));
      if (active === 0 && bytes === last) return;
      last = bytes;
    }
    throw new Error('victoria-metrics: force merge did not settle within 120 s');
  }

  async size(): Promise<VmSize> {
    const m = await this.metrics();
    let reported = 0;
    let stored = 0;
    for (const [k, v] of m) {
      if (k.startsWith('vm_data_size_bytes{')) reported += v;
      if (k.startsWith('vm_rows{type="storage/')) stored += v;
    }
    const root = join(this.dir, 'storage');
    return { data_bytes: dirBytes(join(root, 'data')), index_bytes: dirBytes(join(root, 'indexdb')), reported_bytes: reported, stored_samples: stored };
  }

  async version(): Promise<string> {
    const m = await this.metrics();
    const key = [...m.keys()].find((k) => k.startsWith('vm_app_version{'));
    return /short_version="([^"]*)"/.exec(key ?? '')?.[1] ?? /version="([^"]*)"/.exec(key ?? '')?.[1] ?? '';
  }

  /** SIGTERM, then SIGKILL after 15 s. */
  async stop(): Promise<void> {
    VictoriaMetrics.live.delete(this);
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
