/**
 * How fast does RunLens make a sample visible and a fault known, compared with Prometheus +
 * Alertmanager? Sample → store (p50/p95) on the embedded and the Kafka path; SIGSTOP of a
 * run's process → `idle` finding, against process-exporter → Prometheus → Alertmanager →
 * webhook with default and 1 s settings. See README.md.
 *   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/latency/run.ts
 * Env: LATENCY_FAULTS (5), LATENCY_PROM_DEFAULT_FAULTS (3), LATENCY_PROM_DEFAULT_SCRAPES_BEFORE (1),
 *      LATENCY_PATHS (embedded,kafka,prom-tuned,prom-default; also embedded-5s: the analyzer
 *      held to one evaluation per run every 5 s, the old timer's cadence).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackage, versionOf } from '../lib/debian.ts';
import { measureEmbedded, removeEmbeddedStore } from './embedded.ts';
import { measureKafka } from './kafka-path.ts';
import { DEFAULT_PROFILE, TUNED_PROFILE } from './prom-config.ts';
import { measurePrometheus } from './prom-path.ts';
import { ALERTMANAGER_BIN, EXPORTER_BIN, PROMETHEUS_BIN } from './prom-stack.ts';
import { killAll } from './procs.ts';
import { type PathOutcome, renderTable } from './report.ts';

const t0 = Date.now();
const log = (line: string): void => void process.stderr.write(`[latency +${((Date.now() - t0) / 1000).toFixed(0)}s] ${line}\n`);
const int = (name: string, dflt: number): number => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
  return v;
};

async function main(): Promise<number> {
  const faults = int('LATENCY_FAULTS', 5);
  const promDefaultFaults = int('LATENCY_PROM_DEFAULT_FAULTS', 3);
  const scrapesBefore = int('LATENCY_PROM_DEFAULT_SCRAPES_BEFORE', 1);
  const paths = (process.env.LATENCY_PATHS ?? 'embedded,kafka,prom-tuned,prom-default').split(',').map((s) => s.trim());
  ensureDebianPackage('prometheus', PROMETHEUS_BIN);
  ensureDebianPackage('prometheus-alertmanager', ALERTMANAGER_BIN);
  ensureDebianPackage('prometheus-process-exporter', EXPORTER_BIN);
  const versions = { prometheus: versionOf(PROMETHEUS_BIN), alertmanager: versionOf(ALERTMANAGER_BIN), process_exporter: versionOf(EXPORTER_BIN, ['-version']), node: process.version };
  const outcomes: PathOutcome[] = [];
  const attempt = async (path: string, f: () => Promise<PathOutcome>): Promise<PathOutcome> =>
    f().catch((e: unknown) => {
      log(`${path} FAILED: ${e instanceof Error ? e.message : String(e)}`);
      return { kind: 'failed', path, error: e instanceof Error ? e.message : String(e) };
    });
  // Default Prometheus needs minutes per detection: it runs in the background from the start
  // (one scrape a minute and three light workloads cost little) while the other paths run.
  const interval = DEFAULT_PROFILE.scrapeIntervalS * 1000;
  const promDefault = paths.includes('prom-default')
    ? attempt('Prometheus (default)', async () => ({ kind: 'prometheus', result: await measurePrometheus(DEFAULT_PROFILE, {
      faults: promDefaultFaults, scrapesBefore, firstMs: interval / promDefaultFaults / 2, staggerMs: interval / promDefaultFaults, deadlineMs: 330_000,
    }, log) }))
    : null;
  const rl = { faults, warmupMs: 6000, staggerMs: 2000, deadlineMs: 60_000 };
  if (paths.includes('embedded')) outcomes.push(await attempt('RunLens embedded', async () => ({ kind: 'runlens', result: await measureEmbedded(rl, log) })));
  if (paths.includes('embedded-5s')) outcomes.push(await attempt('RunLens embedded, analyzer at most every 5 s', async () => ({ kind: 'runlens', result: await measureEmbedded(rl, log, 5000) })));
  removeEmbeddedStore();
  if (paths.includes('kafka')) outcomes.push(await attempt('RunLens via Kafka', async () => ({ kind: 'runlens', result: await measureKafka(rl, log) })));
  if (paths.includes('prom-tuned')) {
    outcomes.push(await attempt('Prometheus (tuned)', async () => ({ kind: 'prometheus', result: await measurePrometheus(TUNED_PROFILE, {
      faults, scrapesBefore: 12, firstMs: 500, staggerMs: 2000, deadlineMs: 60_000,
    }, log) })));
  }
  if (promDefault) {
    log('waiting for the default-settings Prometheus alerts');
    outcomes.push(await promDefault);
  }
  const wallS = (Date.now() - t0) / 1000;
  const table = renderTable(outcomes);
  writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify({ when: new Date().toISOString(), wall_s: wallS, versions, settings: { faults, promDefaultFaults, scrapesBefore, paths }, outcomes }, null, 2)}\n`);
  process.stdout.write(`${table}\n\nwall ${wallS.toFixed(0)} s; ${Object.entries(versions).map(([k, v]) => `${k}: ${v}`).join('; ')}\n`);
  return outcomes.some((o) => o.kind === 'failed') ? 1 : 0;
}

main().then((code) => process.exit(code), (e: unknown) => {
  killAll();
  process.stderr.write(`latency: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
