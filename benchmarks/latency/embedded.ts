import { AnalyzerService } from '@runlens/analyzer';
import { Agent, BatchPublisher, SAMPLER_IDS, type SamplerId, createSamplers, readHostFacts } from '@runlens/collector';
import { IngestService, MemoryBus, type Store, openChdbStore } from '@runlens/pipeline';
import { type Row, createLogger } from '@runlens/schemas';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRow } from '../scenarios/scenario.ts';
import { SPIN, startProcess } from './procs.ts';
import { type RunLensResult, type Schedule, measureRunLens } from './runlens-path.ts';

/** `runlens up`'s default samplers and tick (bin/src/config.ts). */
const UP_SAMPLERS = ['process', 'node', 'cgroup', 'gpu', 'ib', 'node_profile'];
const INTERVAL_MS = 1000;
/**
 * AnalyzerService's default, which `runlens up` uses: no spacing, a run is evaluated at each tick
 * complete on all its hosts (the analyze role exposes the spacing as RUNLENS_EVAL_INTERVAL_MS).
 */
export const DEFAULT_EVAL_MS = 0;

let embeddedDir: string | null = null;

/** Deletes the embedded store's directory once no measurement needs it. */
export function removeEmbeddedStore(): void {
  if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
  embeddedDir = null;
}

/** The parts `runlens up` composes, started; `close` stops them in order. */
export interface EmbeddedStack {
  readonly host: string;
  readonly store: Store;
  readonly bus: MemoryBus;
  readonly agent: Agent;
  /** Publishes a `runs` row the way `up` does for `runlens run`. */
  publishRun(row: Row<'runs'>): Promise<void>;
  close(): Promise<void>;
}

/**
 * The embedded path: the parts `runlens up` composes (bin/src/embedded-stack.ts: agent →
 * in-memory bus → ingest → chDB, analyzer on its own consumer group, default settings),
 * composed here because chDB belongs to one process and the poller must read that same
 * store. Runs are registered the way `up` registers `runlens run`: addRun plus a runs row.
 */
export async function openEmbedded(evalIntervalMs = DEFAULT_EVAL_MS): Promise<EmbeddedStack> {
  // chDB allows one data directory per process: every embedded measurement reuses this one.
  const dir = (embeddedDir ??= mkdtempSync(join(tmpdir(), 'runlens-latency-emb-')));
  const warnings = createLogger('warn', { part: 'embedded' });
  const host = hostname();
  const hostCtx = { ...readHostFacts(host), procRoot: '/proc', sysRoot: '/sys', log: warnings };
  const bus = new MemoryBus();
  const store = await openChdbStore({ path: join(dir, 'store') }).catch((e: unknown) => {
    throw new Error(`embedded path: chDB store failed to open in ${dir}: ${String(e)}`);
  });
  const ingest = new IngestService({ bus, store, log: warnings });
  const publisher = new BatchPublisher(bus.producer(), `${host}:${process.pid}`, host);
  const analyzer = new AnalyzerService({ bus, store, log: warnings, agentId: `analyzer:${host}:${process.pid}`, evalIntervalMs });
  const enabled = SAMPLER_IDS.filter((x): x is SamplerId => UP_SAMPLERS.includes(x));
  const { active } = await createSamplers(hostCtx, enabled, {}, warnings);
  const agent = new Agent({ host: hostCtx, samplers: active, publisher, cluster: 'local', intervalMs: INTERVAL_MS, log: warnings });
  await ingest.start();
  await analyzer.start();
  agent.start();
  return {
    host, store, bus, agent,
    publishRun: async (row) => void (await publisher.publish('runs', [row])),
    close: async () => {
      await agent.stop();
      await analyzer.stop();
      await ingest.stop();
      await bus.close();
      await store.close();
    },
  };
}

/** The stopped-process measurement on the embedded stack (see openEmbedded). */
export async function measureEmbedded(s: Schedule, log: (l: string) => void, evalIntervalMs = DEFAULT_EVAL_MS): Promise<RunLensResult> {
  const stack = await openEmbedded(evalIntervalMs);
  const { agent, host } = stack;
  try {
    return await measureRunLens({
      path: evalIntervalMs === DEFAULT_EVAL_MS ? 'RunLens embedded' : `RunLens embedded, analyzer at most every ${evalIntervalMs / 1000} s`,
      storeLabel: 'in-memory bus → chDB', settings: `1 s ticks, ${evalIntervalMs === 0 ? 'analyzer at each complete tick' : `analyzer at most every ${evalIntervalMs / 1000} s`}`,
      store: stack.store, bus: stack.bus,
      startRun: async (i) => {
        const runId = `lat-emb-${i}-${Date.now().toString(36)}`;
        const proc = startProcess(runId, process.execPath, [SPIN, runId, '0.1', '600']);
        agent.addRun({ run_id: runId, root_pid: proc.child.pid ?? 0 });
        await stack.publishRun(runRow(runId, 'latency-solver', `node spin.mjs ${runId}`, 1, [host], Date.now()));
        return { runId, proc };
      },
      describe: () => `embedded stack: agent ticks ${agent.ticks}, sampler errors ${JSON.stringify(Object.fromEntries(agent.counters.errors))}`,
    }, s, log);
  } finally {
    await stack.close();
  }
}
