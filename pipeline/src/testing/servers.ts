import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { KafkaBus, TopicLayout } from '../bus/kafka/index.ts';

/** Integration tests start the real servers through the same deploy/ scripts operators use. */
const run = promisify(execFile);
const DEPLOY = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'deploy');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface TestServer {
  readonly url: string;
  readonly dir: string;
  start(): Promise<void>;
  stop(opts?: { kill?: boolean }): Promise<void>;
}

type Kind = 'kafka' | 'clickhouse';

async function server(kind: Kind, portArgs: (ports: number[]) => string[], url: (ports: number[]) => string, autoStart = true): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), `runlens-${kind}-`));
  const ports = [await freePort(), await freePort()];
  const script = (name: string): string => join(DEPLOY, kind, name);
  const s: TestServer = {
    url: url(ports), dir,
    start: async () => { await run(script('start'), ['--dir', dir, ...portArgs(ports)], { timeout: 300_000 }); },
    stop: async (opts) => { await run(script('stop'), ['--dir', dir, ...(opts?.kill ? ['--kill'] : [])], { timeout: 60_000 }); },
  };
  if (autoStart) await startOrStop(s);
  return s;
}

/** Starts a server; one that fails to start is stopped (killed) before the failure is thrown, so nothing half-started is left running. */
export async function startOrStop<S extends { start(): Promise<void>; stop(opts?: { kill?: boolean }): Promise<void> }>(s: S): Promise<S> {
  try {
    await s.start();
    return s;
  } catch (e) {
    await s.stop({ kill: true }).catch(() => undefined);
    throw e;
  }
}

interface Stoppable { stop(opts?: { kill?: boolean }): Promise<void> }

/**
 * Starts servers side by side (a test's beforeAll). If one fails, those that did start are stopped
 * before its failure is thrown: `Promise.all` would drop them, and afterAll, which never got them,
 * could not stop them.
 */
export async function startSideBySide<T extends readonly Stoppable[]>(starts: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(starts as readonly Promise<Stoppable>[]);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (!failed) return settled.map((r) => (r as PromiseFulfilledResult<Stoppable>).value) as unknown as T;
  await Promise.all(settled.map((r) => (r.status === 'fulfilled' ? r.value.stop({ kill: true }).catch(() => undefined) : undefined)));
  throw failed.reason;
}

export function startClickHouse(): Promise<TestServer> {
  return prepareClickHouse(true);
}

export function startKafka(): Promise<TestServer> {
  return prepareKafka(true);
}

/** A ClickHouse server with its ports and data dir chosen but not running yet (start-order tests). */
export function prepareClickHouse(autoStart = false): Promise<TestServer> {
  return server('clickhouse', ([h, t]) => ['--http-port', String(h), '--tcp-port', String(t)], ([h]) => `http://127.0.0.1:${h}`, autoStart);
}

/** A Kafka broker with its ports and data dir chosen but not running yet (start-order tests). */
export function prepareKafka(autoStart = false): Promise<TestServer> {
  return server('kafka', ([p, c]) => ['--port', String(p), '--controller-port', String(c)], ([p]) => `127.0.0.1:${p}`, autoStart);
}

/** A Kafka cluster of `deploy/kafka/start-cluster`: every node broker + controller. */
export interface KafkaClusterTestServer extends TestServer {
  /** host:port of each node's client listener, node id i + 1 at index i. */
  readonly brokers: readonly string[];
  /** Starts the nodes that are down (all, the first time) and waits until every node serves. */
  start(): Promise<void>;
  stopNode(nodeId: number, opts?: { kill?: boolean }): Promise<void>;
  /** Each running node's JVM pid (node id i + 1 at index i), from the pid file start-cluster wrote: benchmarks read their CPU. */
  pids(): number[];
  /** Leaders, replicas and ISR of existing topics, as the cluster's admin API reports them now. */
  layout(topics: readonly string[]): Promise<TopicLayout[]>;
  /** Creates topics as the roles do (replicas as the brokers alive now allow), and reports shortfalls, through RunLens's bus. */
  bus(): Promise<Pick<KafkaBus, 'ensureTopics' | 'replicationShortfalls'>>;
}

/** Why a Kafka cluster cannot start here, or null: tests skip with this reason. */
export function kafkaClusterMissing(): string | null {
  const which = spawnSync('sh', ['-c', 'command -v java'], { stdio: 'ignore' });
  if (which.status !== 0) return 'no java on PATH (Kafka needs Java 17)';
  const libs = join(DEPLOY, 'kafka', 'libs');
  const jars = existsSync(libs) ? readdirSync(libs).filter((f) => f.startsWith('kafka_2.13-')) : [];
  return jars.length === 0 ? `no Kafka jars in ${libs} (deploy/kafka/pom.xml fetches them)` : null;
}

/**
 * A started cluster on free ports. A port free when asked can be taken before a node binds it
 * (another test's client, a JVM's own socket: seen once in the full test run, a controller port
 * "Address already in use" and the node gone); then the nodes are stopped and it starts again on
 * new ports, at most three times.
 */
export async function startKafkaCluster(nodes = 3): Promise<KafkaClusterTestServer> {
  for (let attempt = 1; ; attempt++) {
    const s = kafkaClusterOnFreePorts(nodes, await freePorts(2 * nodes));
    try {
      await s.start();
      return s;
    } catch (e) {
      const raced = bindRaced(s.dir, nodes);
      await s.stop({ kill: true }).catch(() => undefined);
      if (!raced || attempt >= 3) throw e;
      rmSync(s.dir, { recursive: true, force: true });
    }
  }
}

async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < n; i++) ports.push(await freePort());
  return ports;
}

/** Whether a node of the cluster in `dir` failed because one of its ports was taken. */
function bindRaced(dir: string, nodes: number): boolean {
  for (let i = 1; i <= nodes; i++) {
    for (const log of ['stdout.log', 'server.log']) {
      const file = join(dir, `node-${i}`, log);
      if (existsSync(file) && readFileSync(file, 'utf8').includes('Address already in use')) return true;
    }
  }
  return false;
}

function kafkaClusterOnFreePorts(nodes: number, ports: readonly number[]): KafkaClusterTestServer {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-kafka-cluster-'));
  const client = ports.slice(0, nodes);
  const script = (name: string): string => join(DEPLOY, 'kafka', name);
  const stop = async (args: string[]): Promise<void> => { await run(script('stop-cluster'), ['--dir', dir, ...args], { timeout: 120_000 }); };
  let admin: KafkaBus | null = null;
  const bus = async (): Promise<KafkaBus> => {
    const { KafkaBus: Bus } = await import('../bus/kafka/index.ts');
    admin ??= new Bus({ brokers: client.map((p) => `127.0.0.1:${p}`), clientId: 'kafka-cluster-layout' });
    return admin;
  };
  const s: KafkaClusterTestServer = {
    url: client.map((p) => `127.0.0.1:${p}`).join(','), dir, brokers: client.map((p) => `127.0.0.1:${p}`),
    start: async () => {
      await run(script('start-cluster'), ['--dir', dir, '--ports', client.join(','), '--controller-ports', ports.slice(nodes).join(','), '--wait', '300'], { timeout: 330_000 });
    },
    stop: async (opts) => {
      await admin?.close();
      admin = null;
      await stop(opts?.kill ? ['--kill'] : []);
    },
    stopNode: async (nodeId, opts) => stop(['--node', String(nodeId), ...(opts?.kill ? ['--kill'] : [])]),
    pids: () => client.map((_, i) => Number(readFileSync(join(dir, `node-${i + 1}`, 'kafka.pid'), 'utf8').trim())),
    layout: async (topics) => (await bus()).topicLayout(topics),
    bus,
  };
  return s;
}
