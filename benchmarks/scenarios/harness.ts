import { AnalyzerService, buildReport } from '@runlens/analyzer';
import { Agent, BatchPublisher, type SamplerId, createSamplers, readHostFacts } from '@runlens/collector';
import { IngestService, MemoryBus, type Store, openChdbStore } from '@runlens/pipeline';
import { type Finding, type FindingKind, type Row, readRows, silentLogger, topicFor } from '@runlens/schemas';

export interface Seen {
  readonly run_id: string;
  readonly kind: FindingKind;
  readonly severity: Finding['severity'];
  readonly at: number;
  readonly finding_id: string;
  readonly scope_id: string;
  readonly after_end: boolean;
  /** The finding's message and evidence, for a failing test to say what the analyzer saw. */
  readonly said: string;
}

/**
 * The embedded stack a scenario runs in: agents → memory bus → ingest → chDB, and the
 * streaming analyzer on its own consumer group. A capture group records when each finding
 * first appeared on the bus (detection latency).
 */
export class ScenarioStack {
  readonly seen: Seen[] = [];
  private readonly agents = new Map<string, Agent>();
  private readonly publisher: BatchPublisher;

  private constructor(
    readonly bus: MemoryBus, readonly store: Store, readonly ingest: IngestService, readonly analyzer: AnalyzerService, private readonly storageCache?: string,
  ) {
    this.publisher = new BatchPublisher(bus.producer(), 'scenarios', 'scenarios');
  }

  /** `evalIntervalMs`: least time between two evaluations of a run; by default every tick complete on all its hosts. */
  /** `storageCache`: measure the disks (the agent's opt-in fio probe) and keep the result in this file. */
  static async open(dir: string, evalIntervalMs?: number, storageCache?: string): Promise<ScenarioStack> {
    const bus = new MemoryBus();
    const store = await openChdbStore({ path: dir });
    const ingest = new IngestService({ bus, store, log: silentLogger });
    await ingest.start();
    const analyzer = new AnalyzerService({ bus, store, log: silentLogger, agentId: 'scenario-analyzer', evalIntervalMs });
    await analyzer.start();
    const stack = new ScenarioStack(bus, store, ingest, analyzer, storageCache);
    await bus.subscribe({ group: 'scenario-capture', topics: [topicFor('findings')], eachBatch: async (b) => {
      for (const m of b.messages) {
        for (const f of readRows(m, 'findings')) stack.seen.push({
          run_id: f.run_id, kind: f.kind as FindingKind, severity: f.severity as Finding['severity'], at: Date.now(),
          finding_id: f.finding_id, scope_id: f.scope_id, after_end: f.after_end === 1, said: `${f.message} ${f.evidence}`.slice(0, 600),
        });
      }
    } });
    return stack;
  }

  /** An agent for a (simulated) host. Simulated hosts sample only their run's processes. */
  async agent(host: string, simulated: boolean): Promise<Agent> {
    const existing = this.agents.get(host);
    if (existing) return existing;
    const ctx = { ...readHostFacts(host), procRoot: '/proc', sysRoot: '/sys', log: silentLogger };
    const ids: SamplerId[] = ['process', 'node', 'cgroup', 'node_profile'];
    const storage = this.storageCache ? { storage: { probe: true, cache_file: this.storageCache } } : {};
    const { active } = await createSamplers(ctx, ids, { process: { include: simulated ? 'runs' : 'all' }, node_profile: storage }, silentLogger);
    const agent = new Agent({ host: ctx, samplers: active, publisher: new BatchPublisher(this.bus.producer(), host, host), cluster: 'scenarios', intervalMs: 1000, log: silentLogger });
    agent.start();
    this.agents.set(host, agent);
    return agent;
  }

  async publishRun(row: Row<'runs'>): Promise<void> {
    await this.publisher.publish('runs', [row]);
  }

  /** Ends a run: final samples, the end row, the analyzer's final verdict, stored findings. */
  async finish(row: Row<'runs'>): Promise<Finding[]> {
    for (const a of this.agents.values()) {
      await a.tick();
      a.removeRun(row.run_id);
    }
    await this.publishRun(row);
    await this.analyzer.finishNow(row.run_id);
    for (let i = 0; i < 500 && (await this.ingest.lag()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    return (await buildReport(this.store, row.run_id))?.findings ?? [];
  }

  async close(): Promise<void> {
    for (const a of this.agents.values()) await a.stop();
    await this.analyzer.stop();
    await this.ingest.stop();
    await this.bus.close();
    await this.store.close();
  }
}
