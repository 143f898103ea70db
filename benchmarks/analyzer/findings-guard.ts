/**
 * Findings guard: a mixed scenario replayed through the real AnalyzerService, printing every
 * published finding field for field (times relative to the scenario's start, `updated_ts` left
 * out). A change that must not move findings (a faster analyzer) prints the same on the old
 * and the new code:
 *   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/analyzer/findings-guard.ts > new.json
 * Scenario (4 hosts, 9 runs, 110 ticks, agent-shaped messages: one per host and tick with its
 * runs' processes and processes outside any run): compute-bound ranks, multi-host ranks with one
 * light rank, a leak, low utilisation, interference from an outside process and from other runs,
 * a run that goes idle, a CPU burst, storage waits, oversubscription; all finished at the end.
 */
import { ANALYZE_GROUP, AnalyzerService, ROUTE_GROUP } from '@runlens/analyzer';
import { MemoryBus, type Store } from '@runlens/pipeline';
import { ANALYZER_HOSTS_TOPIC, ANALYZER_RUNS_TOPIC, type Row, encodeMessage, readRows, silentLogger, topicFor } from '@runlens/schemas';

const noStore = { kind: 'chdb', query: async () => [], insertRows: async () => {}, insertArrow: async () => {} } as unknown as Store;
const TICKS = 110;
const HOSTS = ['g0', 'g1', 'g2', 'g3'];

/** Deterministic noise in [0, 1): the same scenario on every run of the guard. */
function noise(...k: number[]): number {
  let h = 2166136261;
  for (const x of k) h = Math.imul(h ^ (x * 2654435761), 16777619) >>> 0;
  return (h % 10007) / 10007;
}

interface Proc { host: string; run: string; rank: number | null; pid: number; comm: string; at: (t: number) => Partial<Row<'process_samples'>> }

const busy = (cores: number, t: number, pid: number): Partial<Row<'process_samples'>> => ({ cpu_user_cores: cores * (0.95 + 0.05 * noise(t, pid)), cpu_sys_cores: 0.02, state: 'R' });

const PROCS: Proc[] = [
  ...[0, 1, 2, 3].map((r): Proc => ({ host: 'g0', run: 'r-cpu', rank: r, pid: 100 + r, comm: 'solver', at: (t) => busy(0.98, t, 100 + r) })),
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((r): Proc => ({ host: r < 4 ? 'g1' : 'g2', run: 'r-imb', rank: r, pid: 200 + r, comm: 'mpi_app', at: (t) => busy(r === 1 ? 0.4 : r === 5 && t >= 40 ? 0.3 : 0.97, t, 200 + r) })),
  ...[0, 1].map((r): Proc => ({ host: 'g0', run: 'r-leak', rank: r, pid: 300 + r, comm: 'leaky', at: (t) => ({ ...busy(0.5, t, 300 + r), rss_bytes: 3e8 + (t > 20 ? (t - 20) * 3 * 1048576 : 0) + noise(t, r) * 4096 }) })),
  { host: 'g3', run: 'r-low', rank: 0, pid: 400, comm: 'serial', at: (t) => busy(1, t, 400) },
  ...[0, 1].map((r): Proc => ({ host: 'g3', run: 'r-intf', rank: r, pid: 500 + r, comm: 'worker', at: (t) => ({ ...busy(t >= 30 && t < 60 ? 0.6 : 0.97, t, 500 + r), run_delay_cores: t >= 30 && t < 60 ? 0.4 : 0.01 }) })),
  { host: 'g3', run: '', rank: null, pid: 900, comm: 'hog', at: (t) => (t >= 30 && t < 60 ? busy(3, t, 900) : { cpu_user_cores: 0.01, state: 'S' }) },
  ...[0, 1].map((r): Proc => ({ host: 'g1', run: 'r-idle', rank: r, pid: 600 + r, comm: 'waiter', at: (t) => (t < 25 ? busy(0.9, t, 600 + r) : { cpu_user_cores: 0, cpu_sys_cores: 0, state: 'S', write_bytes_per_s: 0, rchar_per_s: 0, wchar_per_s: 0 }) })),
  { host: 'g2', run: 'r-spike', rank: 0, pid: 700, comm: 'bursty', at: (t) => busy(t >= 50 && t < 54 ? 3 : 1, t, 700) },
  ...[0, 1].map((r): Proc => ({ host: 'g2', run: 'r-io', rank: r, pid: 800 + r, comm: 'writer', at: (t) => ({ cpu_user_cores: 0.1, cpu_sys_cores: 0.1, state: noise(t, r) < 0.6 ? 'D' : 'S', write_bytes_per_s: 5e7 * (0.8 + 0.4 * noise(t, 800 + r)), wchar_per_s: 5e7 }) })),
  ...[0, 1, 2].map((r): Proc => ({ host: 'g0', run: 'r-over', rank: null, pid: 1000 + r, comm: 'threads', at: (t) => ({ ...busy(0.9, t, 1000 + r), run_delay_cores: 0.6 }) })),
  ...HOSTS.map((host, i): Proc => ({ host, run: '', rank: null, pid: 50 + i, comm: 'sshd', at: (t) => ({ cpu_user_cores: 0.01 * noise(t, i), state: 'S' }) })),
];

const ALLOC: Record<string, number> = { 'r-cpu': 4, 'r-imb': 4, 'r-leak': 2, 'r-low': 8, 'r-intf': 2, 'r-idle': 2, 'r-spike': 4, 'r-io': 2, 'r-over': 1 };

function processRow(p: Proc, ts: number, t: number): Row<'process_samples'> {
  return {
    ts, host: p.host, run_id: p.run, rank: p.rank, local_rank: p.rank, pid: p.pid, ppid: 1, start_ticks: 1, comm: p.comm, state: 'S', interval_s: 1,
    cpu_user_cores: 0, cpu_sys_cores: 0.01, run_delay_cores: 0.01, rss_bytes: 2e8 + noise(t, p.pid, 7) * 65536, hwm_bytes: 2e8, vm_bytes: 1e9, threads: 1, busy_threads: null,
    read_bytes_per_s: 0, write_bytes_per_s: 1e4, rchar_per_s: 1e5, wchar_per_s: 1e5, syscr_per_s: 100 + 50 * noise(t, p.pid, 3), syscw_per_s: 10,
    vol_ctxsw_per_s: 10, invol_ctxsw_per_s: 1, minflt_per_s: 0, majflt_per_s: 0, last_cpu: 0, ...p.at(t),
  };
}

function nodeRow(host: string, ts: number, t: number): Row<'node_samples'> {
  const io = host === 'g2';
  return {
    ts, host, interval_s: 1, cpu_user_cores: 0, cpu_system_cores: 0, cpu_iowait_cores: io ? 0.5 : 0.01, cpu_irq_cores: 0, cpu_steal_cores: 0, cpu_idle_cores: 0,
    online_cpus: 8, mem_total_bytes: 16 * 2 ** 30, mem_available_bytes: 8 * 2 ** 30, mem_cached_bytes: 0, swap_used_bytes: 0, load1: 0, procs_running: 0,
    procs_blocked: 0, ctxsw_per_s: 0, psi_cpu_some: host === 'g3' && t >= 30 && t < 60 ? 0.3 : 0.01, psi_io_some: io ? 0.3 : 0, psi_io_full: null,
    psi_memory_some: 0, psi_memory_full: null,
  };
}

function runRow(runId: string, t0: number): Row<'runs'> {
  const hosts = [...new Set(PROCS.filter((p) => p.run === runId).map((p) => p.host))];
  return {
    run_id: runId, app: 'guard', user: 'test', cluster: 'guard', job_id: '', sluid: '', step: '', cmd: '', status: 'running',
    start_ts: t0, end_ts: null, updated_ts: t0, exit_code: null, hosts, ranks: 0, alloc_cores: ALLOC[runId] ?? 1, alloc_gpus: 0,
    tags: [], cpu_user_s: null, cpu_sys_s: null, read_bytes: null, write_bytes: null, rchar: null, wchar: null,
  };
}

/** Everything sent so far is routed, applied by both of the replica's readers, and evaluated. */
async function settle(bus: MemoryBus, analyzer: AnalyzerService): Promise<void> {
  const lag = async (): Promise<number> => (await bus.lag(ROUTE_GROUP, [topicFor('process_samples'), topicFor('node_samples'), topicFor('runs')]))
    + (await bus.lag(ANALYZE_GROUP, [ANALYZER_RUNS_TOPIC])) + (await bus.lag(`${ANALYZE_GROUP}-hosts.guard`, [ANALYZER_HOSTS_TOPIC]));
  while ((await lag()) > 0) await new Promise((res) => setImmediate(res));
  await analyzer.drained();
}

async function main(): Promise<void> {
  const bus = new MemoryBus();
  const analyzer = new AnalyzerService({ bus, store: noStore, log: silentLogger, agentId: 'guard' });
  await analyzer.start();
  const published: Record<string, unknown>[] = [];
  const sub = await bus.subscribe({ group: 'guard', topics: [topicFor('findings')], eachBatch: async (b) => {
    for (const m of b.messages) published.push(...readRows(m, 'findings'));
  } });
  const producer = bus.producer();
  const t0 = Math.floor(Date.now() / 1000) * 1000 - TICKS * 1000;
  const runs = Object.keys(ALLOC);
  await producer.send(topicFor('runs'), runs.map((r) => encodeMessage('runs', [runRow(r, t0)], { agentId: 'guard', seq: 0 }, r)));
  // Run rows first, so every tick is aggregated against the run's allocation.
  await settle(bus, analyzer);
  for (let t = 0; t < TICKS; t++) {
    const ts = t0 + t * 1000;
    // Node rows of the tick before its processes: what a window holds does not depend on how two topics interleave.
    await producer.send(topicFor('node_samples'), HOSTS.map((h) => encodeMessage('node_samples', [nodeRow(h, ts, t)], { agentId: h, seq: t }, h)));
    await settle(bus, analyzer);
    // r-idle's processes on g1 end at tick 90: the run's host leaves, its other runs go on.
    const rows = (h: string): Row<'process_samples'>[] => PROCS.filter((p) => p.host === h && !(p.run === 'r-idle' && t >= 90)).map((p) => processRow(p, ts, t));
    await producer.send(topicFor('process_samples'), HOSTS.map((h) => encodeMessage('process_samples', rows(h), { agentId: h, seq: t }, h)));
    await settle(bus, analyzer);
  }
  for (const r of runs) await analyzer.finishNow(r);
  await settle(bus, analyzer);
  while ((await bus.lag('guard', [topicFor('findings')])) > 0) await new Promise((res) => setImmediate(res));
  await sub.stop();
  await analyzer.stop();
  await bus.close();
  const rel = (v: unknown): unknown => (typeof v === 'number' && v >= t0 - 3_600_000 ? v - t0 : v);
  // Every field but updated_ts (the wall clock of publication); times relative to the scenario's start.
  const field = ([k, v]: [string, unknown]): [string, unknown] => [k, k === 'finding_id' ? String(v).replace(/:(\d{12,})/g, (_m, n: string) => `:${Number(n) - t0}`) : rel(v)];
  const out = published.map((f) => Object.fromEntries(Object.entries(f).filter(([k]) => k !== 'updated_ts').map(field)));
  // Runs are evaluated in the order their ticks complete; within a run, in publication order.
  out.sort((a, b) => String(a.run_id).localeCompare(String(b.run_id)));
  process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
  process.stderr.write(`${out.length} findings published, ${new Set(out.map((f) => `${f.run_id} ${f.kind}`)).size} run/kind pairs\n`);
}

main().then(() => process.exit(0), (e: unknown) => { process.stderr.write(`${String(e)}\n`); process.exit(1); });
