import { rmSync } from 'node:fs';
import { once } from 'node:events';
import type { EmbeddedConfig } from '../config.ts';
import { acquireOwnership, dataPaths, releaseOwnership } from '../data-dir.ts';
import { finishRun, openEmbeddedStack } from '../embedded-stack.ts';
import { serveApi } from '@runlens/web';
import { type SocketRequest, serveSocket } from '../local-socket.ts';
import { runRow } from './run.ts';

/** `runlens up`: agent + bus + ingest + chDB + local API, until SIGINT/SIGTERM. */
export async function upCommand(cfg: EmbeddedConfig): Promise<number> {
  const paths = dataPaths(cfg.dataDir);
  const owner = acquireOwnership(paths);
  if (owner !== null) {
    process.stderr.write(`runlens up is already running for ${cfg.dataDir} (pid ${owner})\n`);
    return 1;
  }
  const stack = await openEmbeddedStack(cfg, paths.store);
  stack.agent.start();
  rmSync(paths.socket, { force: true });
  const sock = serveSocket(paths.socket, (req) => handle(req));
  const api = serveApi(stack.store, { tokensPath: paths.tokens, port: cfg.httpPort, allowedHosts: cfg.httpAllowedHosts }, stack.log);
  await once(api, 'listening');
  const addr = api.address();
  stack.log.info('runlens up', { api: typeof addr === 'object' && addr ? `http://127.0.0.1:${addr.port}` : addr, tokens: paths.tokens, socket: paths.socket, absent: stack.absent });

  async function handle(req: SocketRequest): Promise<unknown> {
    switch (req.op) {
      case 'ping':
        return { pid: process.pid };
      case 'register': {
        stack.agent.addRun({ run_id: req.run_id, root_pid: req.root_pid });
        await stack.publisher.publish('runs', [runRow(req, cfg.host, cfg.cluster)]);
        return { run_id: req.run_id };
      }
      case 'finish': {
        const meta = await stack.store.query<{ app: string; user: string; cmd: string; alloc_cores: number; start_ms: number; job_id: string }>(
          `SELECT app, user, cmd, alloc_cores, ${stack.store.sql.ms('start_ts')} AS start_ms, job_id FROM runs FINAL WHERE run_id = {id:String}`, { id: req.run_id });
        const m = meta[0];
        if (!m) throw new Error(`unknown run ${req.run_id}`);
        const row = runRow({ ...m, run_id: req.run_id, start_ts: Number(m.start_ms) }, cfg.host, cfg.cluster, req);
        return finishRun(stack, row);
      }
    }
  }

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  stack.log.info('shutting down', { signal });
  sock.close();
  api.close();
  await stack.close();
  rmSync(paths.socket, { force: true });
  releaseOwnership(paths);
  return 0;
}
