/**
 * Soak: many short and long clean runs, as many at a time as fit the node (laneCount), through
 * the embedded stack for MINUTES.
 * Counts warnings per clean hour (by kind; those of the verdicts and those published live), flapping (a kind raised again on one scope after its
 * episode closed), doubles (one kind on one scope with two ids in a frozen verdict) and leaks
 * (runs still held in the analyzer's memory after all ended; the process's RSS).
 *   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/scenarios/soak.ts [MINUTES]
 */
import { findingsOfRun } from '@runlens/schemas';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScenarioStack } from './harness.ts';
import { oneHostRun } from './scenario.ts';
import { flappedKinds, warningsOfRun } from './score.ts';
import { GENERATORS, exited, killAll, sleep, start } from './workloads.ts';

const duty = join(GENERATORS, 'duty.mjs');

/** Clean workloads of several shapes and lengths: [app, cmd, args, cores]. */
const MIX: readonly (readonly [string, string, readonly string[], number])[] = [
  ['short', 'stress-ng', ['--cpu', '1', '--timeout', '2s'], 1],
  ['solver', 'node', [duty, '0.95', '25'], 1],
  ['tiny', 'true', [], 1],
  ['pair', 'sh', ['-c', `node ${duty} 0.95 12 & node ${duty} 0.95 12 & wait`], 2],
  ['medium', 'stress-ng', ['--cpu', '1', '--timeout', '8s'], 1],
  ['long', 'stress-ng', ['--cpu', '1', '--timeout', '45s'], 1],
];

/**
 * Concurrent runs, as a scheduler that never oversubscribes would place them: as many lanes as
 * the largest runs of the mix fit on this node's CPUs, leaving one CPU to the system and to
 * RunLens itself (never fewer than one lane). Two lanes on a 2-CPU node put a 2-core and a 1-core
 * run side by side: real contention, which `cpu_interference` rightly reports (the
 * concurrent_runs_contend scenario checks exactly that), so those runs are not clean.
 */
export function laneCount(cpus: number, mix: readonly (readonly [string, string, readonly string[], number])[]): number {
  const widest = Math.max(...mix.map(([, , , cores]) => cores));
  return Math.max(1, Math.floor((cpus - 1) / widest));
}

interface Tally { runs: number; cleanSeconds: number; warnings: Map<string, number>; details: string[]; flapped: string[]; doubled: string[] }

async function oneRun(stack: ScenarioStack, i: number, tally: Tally): Promise<void> {
  const [app, cmd, args, cores] = MIX[i % MIX.length] ?? MIX[0]!;
  const id = `soak-${i}-${Date.now().toString(36)}`;
  const began = Date.now();
  const o = await oneHostRun(stack, id, app, [cmd, ...args].join(' '), cores, async (track) => {
    const c = start(cmd, args);
    track(c.pid ?? 0);
    await exited(c);
    return {};
  });
  tally.runs++;
  tally.cleanSeconds += (Date.now() - began) / 1000;
  for (const k of warningsOfRun(id, o.findings.filter((x) => x.after_end === 0), stack.seen)) {
    tally.warnings.set(k, (tally.warnings.get(k) ?? 0) + 1);
    const f = o.findings.find((x) => x.kind === k);
    tally.details.push(`${app} (${id}) ${k}: ${f?.message ?? 'published live only'}`);
  }
  tally.flapped.push(...flappedKinds(id, stack.seen).map((k) => `${id}:${k}`));
  const verdict = (await findingsOfRun(stack.store, id)).filter((f) => f.after_end === 0);
  const ids = new Map<string, Set<string>>();
  for (const f of verdict) ids.set(`${f.kind}|${f.scope_id}`, (ids.get(`${f.kind}|${f.scope_id}`) ?? new Set()).add(f.finding_id));
  tally.doubled.push(...[...ids].filter(([, v]) => v.size > 1).map(([k]) => `${id}:${k}`));
}

async function main(minutes: number): Promise<void> {
  const stack = await ScenarioStack.open(join(mkdtempSync(join(tmpdir(), 'runlens-soak-')), 'store'));
  const tally: Tally = { runs: 0, cleanSeconds: 0, warnings: new Map(), details: [], flapped: [], doubled: [] };
  const rss0 = process.memoryUsage().rss;
  const until = Date.now() + minutes * 60_000;
  const cpus = availableParallelism();
  const lanes = laneCount(cpus, MIX);
  let next = 0;
  const lane = async (offset: number): Promise<void> => {
    await sleep(offset);
    while (Date.now() < until) await oneRun(stack, next++, tally);
  };
  try {
    await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i * 3000)));
    await sleep(3000);
    const held = stack.analyzer.state.runs.size;
    const hours = tally.cleanSeconds / 3600;
    const warnings = [...tally.warnings.values()].reduce((a, b) => a + b, 0);
    process.stdout.write([
      `runs ${tally.runs}, clean run time ${(tally.cleanSeconds / 60).toFixed(1)} min (${minutes} min wall, ${lanes} lane${lanes > 1 ? 's' : ''} on ${cpus} CPUs)`,
      `warnings ${warnings} (${[...tally.warnings].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}) = ${(warnings / hours).toFixed(1)} per clean hour`,
      ...tally.details.map((d) => `  ${d}`),
      `flapped ${tally.flapped.length}${tally.flapped.length ? `: ${tally.flapped.slice(0, 5).join(', ')}` : ''}`,
      `doubled ${tally.doubled.length}${tally.doubled.length ? `: ${tally.doubled.slice(0, 5).join(', ')}` : ''}`,
      `runs still held by the analyzer after all ended: ${held}; RSS ${(rss0 / 2 ** 20).toFixed(0)} → ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
    ].join('\n') + '\n');
  } finally {
    killAll();
    await stack.close();
  }
}

main(Number(process.argv[2] ?? '10')).then(() => process.exit(0), (e: unknown) => {
  killAll();
  process.stderr.write(`${String(e instanceof Error ? e.stack : e)}\n`);
  process.exit(1);
});
