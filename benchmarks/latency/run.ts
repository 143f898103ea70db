/**
 * How fast does RunLens make a sample visible and a fault known, compared with Prometheus +
 * Alertmanager? Sample → store (p50/p95) on the embedded and the Kafka path; SIGSTOP of a
 * run's process → `idle` finding, against process-exporter → Prometheus → Alertmanager →
 * webhook with default and 1 s settings; CPU interference, oversubscription and memory
 * pressure → their findings on the embedded path, against the tuned peer with node-exporter
 * added, both watching the same faults. See README.md.
 *   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/latency/run.ts
 * Env: LATENCY_FAULTS (5), LATENCY_PROM_DEFAULT_FAULTS (3), LATENCY_PROM_DEFAULT_SCRAPES_BEFORE (1),
 *      LATENCY_PATHS (embedded,kafka,prom-tuned,prom-default; also embedded-5s: the analyzer
 *      held to one evaluation per run every 5 s, the old timer's cadence),
 *      LATENCY_FAULT_KINDS (stopped,cpu_interference,oversubscription,memory_pressure; `stopped`
 *      is the SIGSTOP measurement of every path above), LATENCY_KIND_FAULTS (5: faults per other kind).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackage, versionOf } from '../lib/debian.ts';
import { measureEmbedded, removeEmbeddedStore } from './embedded.ts';
import { type KindResult, measureKinds } from './kinds-path.ts';
import type { LatencyKind } from './kinds.ts';
import { measureKafka } from './kafka-path.ts';
import { DEFAULT_PROFILE, TUNED_PROFILE } from './prom-config.ts';
import { measurePrometheus } from './prom-path.ts';
import { ALERTMANAGER_BIN, EXPORTER_BIN, NODE_EXPORTER_BIN, PROMETHEUS_BIN } from './prom-stack.ts';
import { killAll } from './procs.ts';
import { type PathOutcome, renderKinds, renderTable } from './report.ts';

const t0 = Date.now();
const log = (line: string): void => void process.stderr.write(`[latency +${((Date.now() - t0) / 1000).toFixed(0)}s] ${line}\n`);
const int = (name: string, dflt: number): number => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
  return v;
};

const ALL_KINDS = ['stopped', 'cpu_interference', 'oversubscription', 'memory_pressure'] as const;
const list = (name: string, dflt: string): string[] => (process.env[name] ?? dflt).split(',').map((x) => x.trim()).filter(Boolean);

function settings(): { faults: number; promDefaultFaults: number; scrapesBefore: number; kindFaults: number; paths: string[]; kinds: string[] } {
  const kinds = list('LATENCY_FAULT_KINDS', ALL_KINDS.join(','));
  const unknown = kinds.filter((k) => !(ALL_KINDS as readonly string[]).includes(k));
  if (unknown.length) throw new Error(`LATENCY_FAULT_KINDS: unknown ${unknown.join(', ')}; known: ${ALL_KINDS.join(', ')}`);
  return {
    faults: int('LATENCY_FAULTS', 5), promDefaultFaults: int('LATENCY_PROM_DEFAULT_FAULTS', 3), scrapesBefore: int('LATENCY_PROM_DEFAULT_SCRAPES_BEFORE', 1),
    kindFaults: int('LATENCY_KIND_FAULTS', 5), paths: list('LATENCY_PATHS', 'embedded,kafka,prom-tuned,prom-default'), kinds,
  };
}

const attempt = async (path: string, f: () => Promise<PathOutcome>): Promise<PathOutcome> =>
  f().catch((e: unknown) => {
    log(`${path} FAILED: ${e instanceof Error ? e.message : String(e)}`);
    return { kind: 'failed', path, error: e instanceof Error ? e.message : String(e) };
  });

/** The other fault kinds, on the paths selected that can watch them (embedded, prom-tuned). */
async function otherKinds(cfg: ReturnType<typeof settings>): Promise<KindResult[]> {
  const kinds = cfg.kinds.filter((k): k is LatencyKind => k !== 'stopped');
  const runlens = cfg.paths.includes('embedded');
  const prometheus = cfg.paths.includes('prom-tuned');
  if (kinds.length === 0 || (!runlens && !prometheus)) return [];
  // 10 s of warm-up: RunLens knows the run and Prometheus's young-series guard (5 scrapes in 6 s) has
  // held for 4 s, so a rule that fires on the machine's own load fires before the onset: a false alarm.
  return measureKinds(kinds, { faults: cfg.kindFaults, warmupMs: 10_000, deadlineMs: 25_000, runlens, prometheus }, log);
}

async function main(): Promise<number> {
  const cfg = settings();
  const { faults, promDefaultFaults, scrapesBefore, paths } = cfg;
  const stopped = cfg.kinds.includes('stopped');
  ensureDebianPackage('prometheus', PROMETHEUS_BIN);
  ensureDebianPackage('prometheus-alertmanager', ALERTMANAGER_BIN);
  ensureDebianPackage('prometheus-process-exporter', EXPORTER_BIN);
  ensureDebianPackage('prometheus-node-exporter', NODE_EXPORTER_BIN);
  const versions = { prometheus: versionOf(PROMETHEUS_BIN), alertmanager: versionOf(ALERTMANAGER_BIN), process_exporter: versionOf(EXPORTER_BIN, ['-version']), node_exporter: versionOf(NODE_EXPORTER_BIN), node: process.version };
  const outcomes: PathOutcome[] = [];
  // Default Prometheus needs minutes per detection: it runs in the background from the start
  // (one scrape a minute and three light workloads cost little) while the other paths run.
  const interval = DEFAULT_PROFILE.scrapeIntervalS * 1000;
  const promDefault = stopped && paths.includes('prom-default')
    ? attempt('Prometheus (default)', async () => ({ kind: 'prometheus', result: await measurePrometheus(DEFAULT_PROFILE, {
      faults: promDefaultFaults, scrapesBefore, firstMs: interval / promDefaultFaults / 2, staggerMs: interval / promDefaultFaults, deadlineMs: 330_000,
    }, log) }))
    : null;
  const rl = { faults, warmupMs: 6000, staggerMs: 2000, deadlineMs: 60_000 };
  if (stopped && paths.includes('embedded')) outcomes.push(await attempt('RunLens embedded', async () => ({ kind: 'runlens', result: await measureEmbedded(rl, log) })));
  if (stopped && paths.includes('embedded-5s')) outcomes.push(await attempt('RunLens embedded, analyzer at most every 5 s', async () => ({ kind: 'runlens', result: await measureEmbedded(rl, log, 5000) })));
  // Before the embedded store is removed: chDB allows one data directory per process.
  const kinds = await otherKinds(cfg).catch((e: unknown) => {
    log(`fault kinds FAILED: ${e instanceof Error ? e.message : String(e)}`);
    outcomes.push({ kind: 'failed', path: 'fault kinds (embedded + Prometheus tuned)', error: e instanceof Error ? e.message : String(e) });
    return [];
  });
  removeEmbeddedStore();
  if (stopped && paths.includes('kafka')) outcomes.push(await attempt('RunLens via Kafka', async () => ({ kind: 'runlens', result: await measureKafka(rl, log) })));
  if (stopped && paths.includes('prom-tuned')) {
    outcomes.push(await attempt('Prometheus (tuned)', async () => ({ kind: 'prometheus', result: await measurePrometheus(TUNED_PROFILE, {
      faults, scrapesBefore: 12, firstMs: 500, staggerMs: 2000, deadlineMs: 60_000,
    }, log) })));
  }
  if (promDefault) {
    log('waiting for the default-settings Prometheus alerts');
    outcomes.push(await promDefault);
  }
  const wallS = (Date.now() - t0) / 1000;
  const table = [outcomes.length ? renderTable(outcomes) : '', renderKinds(outcomes, kinds)].filter(Boolean).join('\n\n');
  writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify({ when: new Date().toISOString(), wall_s: wallS, versions, settings: cfg, outcomes, kinds }, null, 2)}\n`);
  process.stdout.write(`${table}\n\nwall ${wallS.toFixed(0)} s; ${Object.entries(versions).map(([k, v]) => `${k}: ${v}`).join('; ')}\n`);
  const kindFailed = kinds.some((k) => k.errors.length > 0);
  return outcomes.some((o) => o.kind === 'failed') || kindFailed ? 1 : 0;
}

main().then((code) => process.exit(code), (e: unknown) => {
  killAll();
  process.stderr.write(`latency: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
