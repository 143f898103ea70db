import { type TestServer, freePort, startClickHouse, startKafka, startSideBySide } from '@runlens/pipeline/testing/servers';
import { sleep } from '@runlens/schemas';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './testing/cli-harness.ts';
import { RoleProcess } from './testing/role-process.ts';

/**
 * Every role serves Prometheus self-metrics on RUNLENS_METRICS_PORT: the cluster roles over real
 * Kafka and ClickHouse 18.16, and `runlens up`. Each page passes Debian's `promtool check metrics`
 * (names in base units, _total on counters), and the counters move with the data: the agent's
 * published rows are the rows ingest reports written.
 */
const PROMTOOL = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).stdout.trim();

async function scrape(port: number): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(r.headers.get('content-type')).toContain('text/plain; version=0.0.4');
  return r.text();
}

function promtool(text: string): { code: number | null; out: string } {
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The value of one sample line, e.g. `runlens_sent_total{component="ingest"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** The node flags bin/runlens gives ROLE (bin/ROLE.node-flags), and those its node process has, before the bundle. */
function nodeFlags(role: string, pid: number): { file: string[]; process: string[] } {
  const path = join(import.meta.dirname, '..', `${role}.node-flags`);
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const main = args.findIndex((a) => a.endsWith('/dist/current/main.js'));
  return { file: existsSync(path) ? readFileSync(path, 'utf8').split(/\s+/).filter(Boolean) : [], process: args.slice(1, main) };
}

async function until(f: () => Promise<boolean>, what: string, timeoutMs = 180_000, state?: () => Promise<string>): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await f()); await sleep(1000)) {
    if (Date.now() > deadline) throw new Error(`never: ${what}\n${state ? await state() : ''}`);
  }
}

describe.runIf(PROMTOOL !== '')('Prometheus self-metrics on every role, checked by promtool', () => {
  let kafka: TestServer;
  let clickhouse: TestServer;
  const roles: RoleProcess[] = [];
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    [kafka, clickhouse] = await startSideBySide([startKafka(), startClickHouse()] as const);
  }, 300_000);
  afterAll(async () => {
    await Promise.all(roles.map((r) => r.stop()));
    await Promise.all([kafka?.stop(), clickhouse?.stop()]);
  }, 120_000);

  const start = async (role: string, env: Record<string, string>): Promise<void> => {
    ports[role] = await freePort();
    roles.push(new RoleProcess(role, { RUNLENS_METRICS_PORT: String(ports[role]), RUNLENS_LOG_LEVEL: 'info', ...env }));
  };

  it('agent, ingest, analyze and dashboard: promtool accepts each page, and rows published are rows written', async () => {
    const cluster = { RUNLENS_KAFKA_BROKERS: kafka.url, RUNLENS_CLICKHOUSE_URL: clickhouse.url, RUNLENS_CLICKHOUSE_DATABASE: `t_${randomBytes(4).toString('hex')}` };
    // As an operator does (docs/install-cluster.md): the schema and the topics first.
    expect((await runCli(['migrate'], cluster)).code).toBe(0);
    await start('ingest', cluster);
    await (roles[0] as RoleProcess).waitFor('ingest started', 180_000);
    await start('agent', { ...cluster, RUNLENS_SAMPLERS: 'node', RUNLENS_INTERVAL_MS: '500', RUNLENS_SPOOL_DIR: tempDir('runlens-spool-'), RUNLENS_AGENT_SOCKET: 'none' });
    // The agent's node rows reach the store: its publisher's sent count shows up as ingest's.
    await until(async () => (sample(await scrape(ports.ingest as number), 'runlens_sent_total{component="ingest"}') ?? 0) >= 3,
      'ingest wrote the agent\'s rows', 300_000, async () => `${await scrape(ports.agent as number)}\n${await scrape(ports.ingest as number)}\n${roles.map((r) => r.lines.map((l) => JSON.stringify(l)).join('\n')).join('\n')}`);
    // Started after the data flowed: a first dashboard start builds the web app, which can starve the rest for minutes.
    await start('analyze', cluster);
    await start('dashboard', { ...cluster, RUNLENS_HTTP_PORT: String(await freePort()), RUNLENS_DATA_DIR: tempDir('runlens-dash-') });
    for (const role of ['agent', 'ingest', 'analyze', 'dashboard']) {
      await until(async () => (await fetch(`http://127.0.0.1:${ports[role]}/metrics`).then((r) => r.ok, () => false)), `${role} serves /metrics`);
      const text = await scrape(ports[role] as number);
      expect(promtool(text), `${role}:\n${text}`).toEqual({ code: 0, out: '' });
      expect(sample(text, `runlens_build_info{version="0.1.0",role="${role}"}`)).toBe(1);
      expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
      expect(text).not.toMatch(/_ms\b/);
    }
    // Each role runs under the V8 flags of its own file, where it has one: the agent's, sized for a job's node.
    const flags = new Map(roles.map((r) => [r.role, nodeFlags(r.role, r.child.pid ?? 0)]));
    for (const [role, f] of flags) expect(f.process, role).toEqual(f.file);
    expect(flags.get('agent')?.process).toContain('--single-threaded');
    expect(flags.get('dashboard')?.process).toEqual([]);
    const agent = await scrape(ports.agent as number);
    expect(sample(agent, 'runlens_sent_total{component="publisher"}')).toBeGreaterThanOrEqual(3);
    expect(agent).toContain('runlens_spool_backlog_batches ');
    const ingest = await scrape(ports.ingest as number);
    expect(sample(ingest, 'runlens_ingest_batch_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(ingest).toMatch(/^runlens_consumer_lag_messages\{component="ingest"\} \d+$/m);
  }, 540_000);

  it('runlens up serves the embedded stack\'s counters on its own port', async () => {
    await start('up', { RUNLENS_DATA_DIR: tempDir('runlens-up-'), RUNLENS_HTTP_PORT: String(await freePort()), RUNLENS_SAMPLERS: 'node', RUNLENS_INTERVAL_MS: '500' });
    await until(async () => (sample(await scrape(ports.up as number).catch(() => ''), 'runlens_sent_total{component="ingest"}') ?? 0) >= 2, 'up ingested its own samples');
    const text = await scrape(ports.up as number);
    expect(promtool(text), text).toEqual({ code: 0, out: '' });
    for (const c of ['agent', 'publisher', 'ingest', 'analyzer', 'http']) expect(text).toContain(`runlens_received_total{component="${c}"}`);
  }, 240_000);
});
