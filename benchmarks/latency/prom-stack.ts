import { freePort } from '@runlens/pipeline/testing/servers';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPORTER_YML, type PromProfile, alertmanagerYml, prometheusYml, ruleFile } from './prom-config.ts';
import { type Started, alive, sleep, startProcess, stopProcess } from './procs.ts';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';
export const EXPORTER_BIN = '/usr/bin/prometheus-process-exporter';
export const NODE_EXPORTER_BIN = '/usr/bin/prometheus-node-exporter';

/**
 * node-exporter's collectors for the kind rules: PSI (`pressure`), CPU, /proc/stat (procs_running),
 * meminfo and vmstat (page faults); the rest are off, to keep a 1 s scrape cheap.
 */
const NODE_COLLECTORS = ['pressure', 'cpu', 'stat', 'meminfo', 'vmstat'];

export interface StackOptions {
  /** The rules file's text; the stopped-process rule (ruleFile) by default. */
  readonly rules?: string;
  /** Also run node-exporter, scraped as job `node`. */
  readonly nodeExporter?: boolean;
}

export interface Arrival {
  readonly groupname: string;
  readonly alertname: string;
  readonly at: number;
}

/** Resolves once `url` answers 200; throws naming the component (with its output) otherwise. */
async function ready(name: string, p: Started, url: string, timeoutMs = 30_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(200)) {
    if (!alive(p.child)) break;
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
  }
  throw new Error(`${name} did not become ready at ${url} (exit ${p.child.exitCode ?? p.child.signalCode ?? 'none yet'})\n${p.tail()}`);
}

/** Webhook receiver: the time each group's first firing notification arrived. */
function webhook(arrivals: Arrival[]): Server {
  return createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => { body += d.toString(); });
    req.on('end', () => {
      const at = Date.now();
      try {
        const msg = JSON.parse(body) as { alerts?: { status?: string; labels?: Record<string, string> }[] };
        for (const a of msg.alerts ?? []) if (a.status === 'firing') arrivals.push({ groupname: a.labels?.groupname ?? '', alertname: a.labels?.alertname ?? '', at });
      } catch {
        /* not a notification */
      }
      res.writeHead(200).end();
    });
  });
}

/** process-exporter → Prometheus → Alertmanager → webhook (this process), on loopback, temp dirs. */
export class PromStack {
  readonly arrivals: Arrival[] = [];
  /** Scrape timestamp → visible to an instant query (ms), per scrape. */
  readonly visibleMs: number[] = [];
  /** Every scrape timestamp seen (epoch ms). */
  readonly scrapes: number[] = [];
  private readonly procs: Started[] = [];
  private server: Server | null = null;
  private polling = false;
  private poll: Promise<void> = Promise.resolve();
  promUrl = '';

  private constructor(readonly profile: PromProfile, readonly dir: string, private readonly opts: StackOptions) {}

  static async start(profile: PromProfile, opts: StackOptions = {}): Promise<PromStack> {
    const s = new PromStack(profile, mkdtempSync(join(tmpdir(), `runlens-latency-prom-${profile.name}-`)), opts);
    try {
      await s.open();
    } catch (e) {
      await s.close();
      throw e;
    }
    return s;
  }

  private async open(): Promise<void> {
    const [exporterPort, amPort, promPort, hookPort, nodePort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    const file = (name: string, text: string): string => { const p = join(this.dir, name); writeFileSync(p, text); return p; };
    this.server = await new Promise<ReturnType<typeof webhook>>((ok, fail) => {
      const srv = webhook(this.arrivals);
      srv.once('error', (e) => fail(new Error(`webhook receiver on 127.0.0.1:${hookPort}: ${String(e)}`)));
      srv.listen(hookPort, '127.0.0.1', () => ok(srv));
    });
    const n = this.profile.name;
    const exporter = startProcess(`process-exporter (${n})`, EXPORTER_BIN, ['-config.path', file('exporter.yml', EXPORTER_YML), '-web.listen-address', `127.0.0.1:${exporterPort}`, '-threads=false', '-gather-smaps=false']);
    const am = startProcess(`alertmanager (${n})`, ALERTMANAGER_BIN, [`--config.file=${file('alertmanager.yml', alertmanagerYml(this.profile, hookPort))}`,
      `--storage.path=${join(this.dir, 'am')}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=']);
    const node = this.opts.nodeExporter ? startProcess(`node-exporter (${n})`, NODE_EXPORTER_BIN, [`--web.listen-address=127.0.0.1:${nodePort}`, '--collector.disable-defaults', ...NODE_COLLECTORS.map((c) => `--collector.${c}`)]) : null;
    const rules = file('rules.yml', this.opts.rules ?? ruleFile(this.profile));
    const prom = startProcess(`prometheus (${n})`, PROMETHEUS_BIN, [`--config.file=${file('prometheus.yml', prometheusYml(this.profile, exporterPort, amPort, rules, node ? nodePort : undefined))}`,
      `--storage.tsdb.path=${join(this.dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`]);
    this.procs.push(exporter, am, prom, ...(node ? [node] : []));
    this.promUrl = `http://127.0.0.1:${promPort}`;
    await ready(`process-exporter (${n})`, exporter, `http://127.0.0.1:${exporterPort}/metrics`);
    await ready(`alertmanager (${n})`, am, `http://127.0.0.1:${amPort}/-/ready`);
    await ready(`prometheus (${n})`, prom, `http://127.0.0.1:${promPort}/-/ready`);
    if (node) await ready(`node-exporter (${n})`, node, `http://127.0.0.1:${nodePort}/metrics`);
    this.polling = true;
    this.poll = this.pollVisible(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent('timestamp(up{job="process"})')}`);
  }

  /** Same method as the RunLens store poller: first query that returns a scrape, minus its timestamp. */
  private async pollVisible(url: string): Promise<void> {
    let last = 0;
    while (this.polling) {
      const t0 = Date.now();
      const body = await fetch(url).then((r) => r.json() as Promise<{ data?: { result?: { value?: [number, string] }[] } }>, () => null);
      const ts = Number(body?.data?.result?.[0]?.value?.[1] ?? 0) * 1000;
      if (ts > last) {
        this.scrapes.push(ts);
        if (last > 0) this.visibleMs.push(t0 - ts); // the first is a scrape from before polling began
        last = ts;
      }
      await sleep(Math.max(0, 100 - (Date.now() - t0)));
    }
  }

  /** Resolves with the time of the `k`-th scrape after `since`; throws after `timeoutMs`. */
  async scrapesAfter(since: number, k: number, timeoutMs: number): Promise<number> {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(50)) {
      const after = this.scrapes.filter((t) => t > since);
      if (after.length >= k) return after[k - 1] ?? 0;
    }
    throw new Error(`prometheus (${this.profile.name}): fewer than ${k} scrapes of process-exporter within ${timeoutMs} ms`);
  }

  /** Arrival times of the alerts for group `tag` (of `alertname` when given). */
  detections(tag: string, alertname?: string): number[] {
    return this.arrivals.filter((a) => a.groupname === tag && (alertname === undefined || a.alertname === alertname)).map((a) => a.at);
  }

  async close(): Promise<void> {
    this.polling = false;
    await this.poll;
    await Promise.all(this.procs.map((p) => stopProcess(p.child, 5000)));
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
