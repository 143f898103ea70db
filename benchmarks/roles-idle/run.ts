// The cluster roles (agent, ingest, analyze) on a real Kafka of 3 brokers with almost nothing to
// do: one agent publishing this VM's samples once a second. What each role's process costs then,
// this build against a base build, alternated round by round on the same brokers.
import { clusterTopics } from '@runlens/schemas';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuSeconds, median, sleep } from '../ingest/proc.ts';
import { collectJsonLines } from '../lib/json-log.ts';
import { startBenchKafka } from '../scale/kafka-shape.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const ROLES = ['agent', 'ingest', 'analyze'] as const;
type Role = (typeof ROLES)[number];
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 30);
const SETTLE_S = Number(process.env.BENCH_SETTLE_S ?? 15);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
for (const [name, v] of Object.entries({ BENCH_WINDOW_S: WINDOW_S, BENCH_SETTLE_S: SETTLE_S, BENCH_ROUNDS: ROUNDS })) {
  if (!Number.isInteger(v) || v < (name === 'BENCH_SETTLE_S' ? 0 : 1)) throw new Error(`${name} must be a whole number${name === 'BENCH_SETTLE_S' ? '' : ' ≥ 1'}, got ${v}`);
}

const log = (m: string): void => { process.stderr.write(`[roles-idle ${new Date().toISOString().slice(11, 19)}] ${m}\n`); };

interface Started { readonly role: Role; readonly child: ChildProcess; readonly lines: Record<string, unknown>[] }

function startRole(main: string, role: Role, brokers: string, dir: string): Started {
  const env = {
    ...process.env, RUNLENS_KAFKA_BROKERS: brokers, RUNLENS_LOG_LEVEL: 'info', RUNLENS_STORE: 'chdb', RUNLENS_CHDB_PATH: join(dir, `chdb-${role}`),
    RUNLENS_SPOOL_DIR: join(dir, 'spool'), RUNLENS_AGENT_SOCKET: 'none', RUNLENS_SCONTROL: 'none',
  };
  // BENCH_CPU_PROF_DIR: a V8 profile of each role's whole life, written when it exits.
  const prof = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${join(process.env.BENCH_CPU_PROF_DIR, role)}`] : [];
  const child = spawn(process.execPath, [...prof, main, role], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  return { role, child, lines: collectJsonLines(child.stderr) };
}

async function untilStarted(roles: readonly Started[]): Promise<void> {
  for (const deadline = Date.now() + 120_000; ;) {
    if (roles.every((r) => r.lines.some((l) => l.msg === `${r.role} started`))) return;
    const dead = roles.find((r) => r.child.exitCode !== null);
    if (dead || Date.now() > deadline) throw new Error(`${dead?.role ?? 'a role'} did not start: ${JSON.stringify((dead ?? roles[0])?.lines.slice(-5))}`);
    await sleep(100);
  }
}

/** SIGTERM to each role still running (SIGKILL after 30 s), and waits until each has closed. */
async function stopAll(roles: readonly Started[]): Promise<void> {
  await Promise.all(roles.map(async ({ child }) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const closed = new Promise((r) => child.once('close', r));
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await closed;
    clearTimeout(kill);
  }));
}

/** One round of one build: the three roles together, their CPU over the window after they settled. */
async function round(main: string, brokers: string, dir: string): Promise<Record<Role, number>> {
  const roles = ROLES.map((r) => startRole(main, r, brokers, dir));
  try {
    await untilStarted(roles);
    await sleep(SETTLE_S * 1000);
    const before = roles.map((r) => cpuSeconds(r.child.pid ?? 0));
    await sleep(WINDOW_S * 1000);
    const dead = roles.find((r) => r.child.exitCode !== null || r.child.signalCode !== null);
    if (dead) throw new Error(`${dead.role} exited during the window: ${JSON.stringify(dead.lines.slice(-5))}`);
    const out = Object.fromEntries(roles.map((r, i) => [r.role, (cpuSeconds(r.child.pid ?? 0) - (before[i] ?? 0)) / WINDOW_S]));
    return out as Record<Role, number>;
  } finally {
    await stopAll(roles);
  }
}

async function main(): Promise<void> {
  const base = process.env.BENCH_BASE_MAIN;
  if (!base) throw new Error('BENCH_BASE_MAIN=<a base build\'s main.js> (node bin/build.mjs; cp -r dist/$(readlink dist/current) dist/xbase) is required: the base is the peer');
  execFileSync(join(ROOT, 'bin', 'runlens'), ['--version']);
  const builds = { base, this: join(ROOT, 'dist', 'current', 'main.js') };
  const dir = mkdtempSync(join(tmpdir(), 'roles-idle-'));
  log('starting 3 Kafka brokers');
  const kafka = await startBenchKafka(3);
  try {
    execFileSync(process.execPath, [builds.this, 'migrate'], { env: { ...process.env, RUNLENS_KAFKA_BROKERS: kafka.url, RUNLENS_STORE: 'chdb', RUNLENS_CHDB_PATH: join(dir, 'chdb-migrate'), RUNLENS_LOG_LEVEL: 'warn' } });
    log(`topics: ${clusterTopics().length}`);
    const results: Record<keyof typeof builds, Record<Role, number>[]> = { base: [], this: [] };
    for (let i = 0; i < ROUNDS; i++) {
      for (const b of (i % 2 === 0 ? ['base', 'this'] : ['this', 'base']) as (keyof typeof builds)[]) {
        const r = await round(builds[b], kafka.url, dir);
        results[b].push(r);
        log(`round ${i + 1}, ${b}: ${ROLES.map((role) => `${role} ${(100 * r[role]).toFixed(2)}%`).join(', ')} of a core`);
      }
    }
    const md = report(results);
    process.stdout.write(`${md}\n`);
    writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify({ measured_at: new Date().toISOString(), window_s: WINDOW_S, settle_s: SETTLE_S, results }, null, 2)}\n`);
  } finally {
    await kafka.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(results: Record<'base' | 'this', Record<Role, number>[]>): string {
  const pct = (xs: readonly number[]): string => xs.map((x) => (100 * x).toFixed(2)).join('; ');
  const rows = ROLES.map((role) => {
    const [b, t] = [results.base.map((r) => r[role]), results.this.map((r) => r[role])];
    return `| ${role} | ${pct(b)} | ${pct(t)} | ${(median(t) / median(b)).toFixed(2)} |`;
  });
  return ['| role | base, % of a core per round | this build | ratio of medians |', '|---|---|---|---:|', ...rows].join('\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
