import { ComponentCounters, type Logger, type MetricFamily, renderPrometheus } from '@runlens/schemas';
import { type Server, type ServerResponse, createServer } from 'node:http';
import { z } from 'zod';
import { runlensVersion } from '../cli/version.ts';

/**
 * Where a role serves its Prometheus self-metrics: off unless RUNLENS_METRICS_PORT is set (0
 * picks a free port, logged), because replicas of a role may share a host; each replica gets
 * its own port from its own environment (deploy/systemd, deploy/examples).
 */
export const metricsSchema = {
  RUNLENS_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  RUNLENS_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
};

const START_S = Date.now() / 1000 - process.uptime();

/** What every process exposes: the usual process_* metrics and which role and version it is. */
function processFamilies(role: string, version: string): MetricFamily[] {
  const cpu = process.cpuUsage();
  return [
    { name: 'runlens_build_info', help: 'RunLens version and role of this process (always 1).', type: 'gauge', samples: [{ labels: { version, role }, value: 1 }] },
    { name: 'process_cpu_seconds_total', help: 'User and system CPU time of this process, in seconds.', type: 'counter', samples: [{ value: (cpu.user + cpu.system) / 1e6 }] },
    { name: 'process_resident_memory_bytes', help: 'Resident memory of this process, in bytes.', type: 'gauge', samples: [{ value: process.memoryUsage.rss() }] },
    { name: 'process_start_time_seconds', help: 'When this process started, Unix seconds.', type: 'gauge', samples: [{ value: Math.round(START_S * 1000) / 1000 }] },
  ];
}

export interface MetricsServerOptions {
  readonly port: number | undefined;
  readonly host: string;
  readonly role: string;
}

/** GET /metrics in the text format; `collect` is called per scrape (counters are read, nothing per sample). */
export function serveMetrics(opts: MetricsServerOptions, collect: () => Promise<MetricFamily[]> | MetricFamily[], log: Logger): Server | null {
  if (opts.port === undefined) return null;
  const version = runlensVersion();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(req.method !== 'GET' ? 405 : 404, { 'content-type': 'text/plain' }).end('GET /metrics\n');
      return;
    }
    Promise.resolve(collect()).then((families) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' });
      res.end(renderPrometheus([...processFamilies(opts.role, version), ...families]));
    }, (e: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`${e instanceof Error ? e.message : String(e)}\n`);
    });
  });
  server.on('error', (e) => log.error('metrics endpoint not served', { port: opts.port, error: e.message }));
  server.on('listening', () => {
    const a = server.address();
    log.info('metrics endpoint listening', { url: `http://${opts.host}:${typeof a === 'object' && a ? a.port : opts.port}/metrics` });
  });
  return server.listen(opts.port, opts.host);
}

/** A gauge from a lag reader: -1 when the bus cannot say. */
export async function lagFamily(component: string, lag: () => Promise<number>): Promise<MetricFamily> {
  return { name: 'runlens_consumer_lag_messages', help: 'Messages on the bus the consumer group has not committed yet (-1: unknown).', type: 'gauge',
    samples: [{ labels: { component }, value: await lag().catch(() => -1) }] };
}

/**
 * Counts an HTTP server's requests as a component: received on arrival, sent when answered
 * below 500, an error by status class otherwise (`http_5xx`), without touching its handlers.
 */
export function countRequests(server: Server, component: string): ComponentCounters {
  const counters = new ComponentCounters(component);
  server.on('request', (_req, res: ServerResponse) => {
    counters.received++;
    res.once('finish', () => { if (res.statusCode < 500) counters.sent++; else counters.error('http_5xx'); });
  });
  return counters;
}
