import { rmSync } from 'node:fs';
import { once } from 'node:events';
import type { EmbeddedConfig } from '../config.ts';
import { acquireOwnership, dataPaths, releaseOwnership } from '../data-dir.ts';
import { openEmbeddedStack } from '../embedded-stack.ts';
import { serveApi } from '@runlens/web';
import { serveSocket } from '../local-socket.ts';
import { loadNodeTypes } from '../node-types-file.ts';
import { startUpRuns } from '../up-runs.ts';
import { closeHealth } from '../health/health-server.ts';
import { countRequests, serveMetrics } from '../health/metrics-server.ts';
import { counterFamilies } from '@runlens/schemas';
import type { AlertForwarder } from '@runlens/analyzer';
import { alertForwarder, alertHealth } from '../roles/alert-config.ts';

/** `runlens up`: agent + bus + ingest + chDB + local API, until SIGINT/SIGTERM. */
export async function upCommand(cfg: EmbeddedConfig): Promise<number> {
  const nodeTypes = loadNodeTypes(cfg.nodeTypesFile);
  const paths = dataPaths(cfg.dataDir);
  const owner = acquireOwnership(paths);
  if (owner !== null) {
    process.stderr.write(`runlens up is already running for ${cfg.dataDir} (pid ${owner})\n`);
    return 1;
  }
  const stack = await openEmbeddedStack(cfg, paths.store);
  stack.agent.start();
  rmSync(paths.socket, { force: true });
  let dashboardUrl: string | null = null;
  const runs = await startUpRuns(stack, cfg, () => dashboardUrl);
  const sock = serveSocket(paths.socket, runs.handle);
  let alerts: AlertForwarder | null = null;
  // /readyz carries the alert forwarder's queues; a failing receiver says "degraded" without taking the API down.
  const health = () => ({ live: true as const, ready: true, waiting_for: [], ...alertHealth(alerts) });
  const api = serveApi(stack.store, { tokensPath: paths.tokens, port: cfg.httpPort, allowedHosts: cfg.httpAllowedHosts, nodeTypes, health }, stack.log);
  const http = countRequests(api, 'http');
  const parts = [stack.agent.counters, stack.publisher.counters, stack.ingest.counters, stack.analyzer.counters, ...(stack.otlp ? [stack.otlp.service.counters] : []), http];
  const metrics = serveMetrics({ port: cfg.metricsPort, host: cfg.metricsHost, role: 'up' },
    () => [...counterFamilies(alerts ? [...parts, alerts.counters] : parts), ...(alerts?.families() ?? [])], stack.log);
  await once(api, 'listening');
  const addr = api.address();
  dashboardUrl = typeof addr === 'object' && addr ? `http://127.0.0.1:${addr.port}` : null;
  alerts = alertForwarder({ ...cfg.alerts, RUNLENS_DASHBOARD_URL: cfg.alerts.RUNLENS_DASHBOARD_URL ?? dashboardUrl ?? 'http://127.0.0.1:7070' },
    { bus: stack.bus, store: stack.store, log: stack.log });
  await alerts?.start();
  stack.log.info('runlens up', { api: dashboardUrl ?? addr, tokens: paths.tokens, socket: paths.socket, absent: stack.absent, alerting: alerts !== null });

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  stack.log.info('shutting down', { signal });
  runs.stop();
  sock.close();
  api.close();
  closeHealth(metrics);
  await alerts?.stop();
  await stack.close();
  rmSync(paths.socket, { force: true });
  releaseOwnership(paths);
  return 0;
}
