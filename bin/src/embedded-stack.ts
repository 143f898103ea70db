import { Agent, BatchPublisher, type SamplerId, SAMPLER_IDS, createSamplers, readHostFacts } from '@runlens/collector';
import { IngestService, MemoryBus, type OtlpExport, type Store, openChdbStore, openOtlpExport } from '@runlens/pipeline';
import { type Logger, type NodeTypesConfig, type Row, createLogger } from '@runlens/schemas';
import { AnalyzerService, buildReport } from '@runlens/analyzer';
import type { RunReport } from '@runlens/schemas';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmbeddedConfig } from './config.ts';
import { mpiReportDir } from './mpi-setup.ts';
import { loadNodeTypes } from './node-types-file.ts';

export interface EmbeddedStack {
  readonly agent: Agent;
  readonly store: Store;
  readonly publisher: BatchPublisher;
  /** The in-memory bus, for other readers of its topics (the alert forwarder). */
  readonly bus: MemoryBus;
  readonly ingest: IngestService;
  readonly analyzer: AnalyzerService;
  /** The OTLP export of series and findings, when RUNLENS_OTLP_ENDPOINT is set. */
  readonly otlp: OtlpExport | null;
  readonly absent: readonly string[];
  /** RUNLENS_NODE_TYPES_FILE: the analyzer's models and the report's "elsewhere" use it. */
  readonly nodeTypes: NodeTypesConfig;
  readonly log: Logger;
  /** Waits until ingest has written everything published so far. */
  drain(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** One process: agent → in-memory bus → ingest → chDB. The same parts as the cluster path. */
export async function openEmbeddedStack(cfg: EmbeddedConfig, storePath: string, log = createLogger(cfg.logLevel)): Promise<EmbeddedStack> {
  const facts = readHostFacts(cfg.host);
  const host = { ...facts, procRoot: '/proc', sysRoot: '/sys', log };
  const bus = new MemoryBus();
  const store = await openChdbStore({ path: storePath });
  const ingest = new IngestService({ bus, store, log });
  await ingest.start();
  const publisher = new BatchPublisher(bus.producer(), `${cfg.host}:${process.pid}`, cfg.host);
  const nodeTypes = loadNodeTypes(cfg.nodeTypesFile);
  const analyzer = new AnalyzerService({ bus, store, log, agentId: `analyzer:${cfg.host}:${process.pid}`, nodeTypes });
  await analyzer.start();
  const otlp = cfg.otlpEndpoint ? await openOtlpExport({ bus, endpoint: cfg.otlpEndpoint, service: 'runlens', log }) : null;
  await otlp?.service.start();
  const enabled = SAMPLER_IDS.filter((s): s is SamplerId => cfg.samplers.includes(s));
  const { active, absent } = await createSamplers(host, enabled, { mpi: { dir: mpiReportDir(cfg.dataDir) } }, log);
  const agent = new Agent({ host, samplers: active, publisher, cluster: cfg.cluster, intervalMs: cfg.intervalMs, log });
  const drain = async (timeoutMs = 30_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while ((await ingest.lag()) > 0) {
      if (Date.now() > deadline) throw new Error(`ingest did not drain within ${timeoutMs} ms`);
      await sleep(20);
    }
  };
  return {
    agent, store, publisher, bus, ingest, analyzer, otlp, absent, log, drain, nodeTypes,
    close: async () => {
      await agent.stop();
      await analyzer.stop();
      await drain().catch((e: unknown) => log.error('data not ingested at shutdown', { error: String(e) }));
      await ingest.stop();
      await otlp?.service.stop();
      await otlp?.shutdown();
      await bus.close();
      await store.close();
    },
  };
}

/** One last sample, the final row, the analyzer's verdict, drain, then the report from the store. */
export async function finishRun(stack: EmbeddedStack, run: Row<'runs'>, logs: Row<'run_logs'>[] = []): Promise<RunReport> {
  await stack.agent.tick();
  stack.agent.removeRun(run.run_id);
  if (logs.length > 0) await stack.publisher.publish('run_logs', logs);
  await stack.publisher.publish('runs', [run]);
  // The app's metric points published before the end are stored before the run's model is built.
  await stack.drain().catch((e: unknown) => stack.log.warn('data not yet stored at run end', { run_id: run.run_id, error: String(e) }));
  await stack.analyzer.finishNow(run.run_id);
  await stack.drain();
  const report = await buildReport(stack.store, run.run_id, Date.now(), stack.nodeTypes);
  if (!report) throw new Error(`run ${run.run_id} is not in the store`);
  // The samplers this process could not open, then what the analyzer could not judge (build-report.ts).
  return { ...report, summary: { ...report.summary, absent: [...stack.absent, ...report.summary.absent] } };
}
