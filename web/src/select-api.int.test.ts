import type { Store } from '@runlens/pipeline';
import { catalogRow as row } from '@runlens/pipeline/testing/catalog-row';
import { TEST_STORES } from '@runlens/pipeline/testing/test-stores';
import { type DashboardContext, createLogger, nodeTypesFileSchema } from '@runlens/schemas';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardHandle } from './dashboard-host.ts';
import { serveApi } from './http-api.ts';

/** GET /api/apps/:app/select on a real chDB store: node types compared on the runs the caller may see. */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
const TOKENS = { ann: 'a'.repeat(40), olga: 'o'.repeat(40) };

async function seed(store: Store): Promise<void> {
  const runs = [
    ...[10, 11, 12].map((w, i) => ({ id: `big${i}`, user: 'ann', host: 'big-1', wall: w })),
    ...[30, 31, 29].map((w, i) => ({ id: `small${i}`, user: i === 0 ? 'ann' : 'bob', host: 'small-1', wall: w })),
  ];
  await store.insertRows('runs', runs.map((r) => row('runs', {
    run_id: r.id, app: 'solver', user: r.user, status: 'finished', start_ts: T0, end_ts: T0 + r.wall * 1000, updated_ts: T0, hosts: [r.host], alloc_cores: 4 })));
  await store.insertRows('run_summaries', runs.map((r) => row('run_summaries', {
    run_id: r.id, app: 'solver', fingerprint: 'solver --steps', scale_cores: 4, hosts: 1, updated_ts: T0, wall_s: r.wall })));
}

describe('GET /api/apps/:app/select', () => {
  let server: Server;
  let port = 0;
  let done: () => Promise<void> = async () => undefined;
  let ctx: DashboardContext | null = null;
  const get = async (path: string, who: keyof typeof TOKENS): Promise<{ status: number; body: Record<string, unknown> }> => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${TOKENS[who]}` } });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runlens-select-api-'));
    writeFileSync(join(dir, 'api-tokens.json'), JSON.stringify([{ token: TOKENS.ann, user: 'ann', role: 'user' }, { token: TOKENS.olga, user: 'olga', role: 'ops' }]));
    const opened = await TEST_STORES[0]![2]();
    done = opened.done;
    await seed(opened.store);
    const nodeTypes = nodeTypesFileSchema.parse({ types: { big: { hosts: ['big-*'], price_per_node_hour: 9 }, small: { hosts: ['small-*'], price_per_node_hour: 1 } } });
    const stand = (c: DashboardContext): DashboardHandle => {
      ctx = c;
      return { state: () => 'building', handle: async (_q, res) => { res.writeHead(503).end(); }, close: () => Promise.resolve() };
    };
    server = serveApi(opened.store, { tokensPath: join(dir, 'api-tokens.json'), port: 0, startDashboard: stand, nodeTypes }, createLogger('error', {}));
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    server?.close();
    await done();
  });

  it('names the fastest and the cheapest type for ops, who see every run, and hands the node types to the dashboard', async () => {
    const r = await get('/api/apps/solver/select', 'olga');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ app: 'solver', fingerprint: 'solver --steps', scale_cores: 4, currency: 'EUR', runs_considered: 6 });
    expect(r.body.recommendation).toMatchObject({ verdict: 'recommended', fastest: { type: 'big', sure: true }, cheapest: { type: 'small', sure: true } });
    expect(ctx?.nodeTypes.types.big?.price_per_node_hour).toBe(9);
  });

  it('judges a plain user on their own runs only, and says the data is insufficient', async () => {
    const r = await get('/api/apps/solver/select?scale=4', 'ann');
    expect(r.body).toMatchObject({ runs_considered: 4, recommendation: { verdict: 'insufficient_data', needs: ['2 more runs on type small'] } });
  });

  it('refuses a bad scale with 400', async () => {
    expect((await get('/api/apps/solver/select?scale=-1', 'olga')).status).toBe(400);
  });
});
