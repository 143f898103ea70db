import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './testing/cli-harness.ts';
import { canUseCpuQuota, makeQuotaCgroup, removeCgroup, timedIn } from './testing/quota-cgroup.ts';

/**
 * Compute selection on real runs (issue 13): two node types on this machine, "fast-1" (a
 * cgroup with no CPU quota) and "slow-1" (0.3 of a core), named by a node-types file with prices
 * set so the fastest type is not the cheapest. Three real applications run three times on each;
 * `runlens select` must agree with the truth measured by brute force: every execution is also
 * timed by its own wrapper shell (date +%s%N around the command), independently of RunLens, and
 * the truth is what those times and the prices say. Timing the same executions keeps the check
 * fair on a busy machine, where two separate sets of runs would see different load.
 */
const tag = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const TYPES = { fast: { host: 'fast-1', cores: null, price: 6 }, slow: { host: 'slow-1', cores: 0.3, price: 1 } } as const;
type TypeName = keyof typeof TYPES;
const cgroups = {} as Record<TypeName, string>;

const dir = tempDir('runlens-select-');
const APPS = {
  cpu_app: 'stress-ng --cpu 1 --cpu-ops 1500 --cpu-method int64 -q',
  mem_app: 'python3 -c "b=bytearray(32<<20)\nfor i in range(30): c=bytes(b)"',
  io_app: `dd if=/dev/zero of=${join(dir, 'io.dat')} bs=1M count=768 oflag=direct status=none`,
} as const;
type AppName = keyof typeof APPS;

const timings = (app: AppName, t: TypeName): string => join(dir, `${app}.${t}.ns`);
/** The same wrapper on both types (so the command fingerprint is the same); it times the command itself. */
const wrapped = (app: AppName, t: TypeName): string[] => ['sh', '-c', timedIn(cgroups[t], APPS[app], timings(app, t))];
const env = (t: TypeName): Record<string, string> => ({ RUNLENS_DATA_DIR: join(dir, 'data'), RUNLENS_HOST: TYPES[t].host, RUNLENS_NODE_TYPES_FILE: join(dir, 'types.json') });

async function monitored(app: AppName, t: TypeName): Promise<void> {
  const r = await runCli(['run', '--app', app, '--cores', '1', '--', ...wrapped(app, t)], env(t));
  expect(r.code, r.stderr).toBe(0);
}

/** Brute force: each execution's own wall time on the type, in seconds, measured outside RunLens. */
const bruteWalls = (app: AppName, t: TypeName): number[] => readFileSync(timings(app, t), 'utf8').trim().split('\n').map((ns) => Number(ns) / 1e9);

const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

interface SelectJson { recommendation: { verdict: string; fastest: { type: string; sure: boolean } | null; cheapest: { type: string; sure: boolean } | null; needs: string[]; types: { type: string; runs: number }[] } }

async function select(app: AppName): Promise<SelectJson> {
  const r = await runCli(['select', app, '--json'], env('fast'));
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as SelectJson;
}

describe.skipIf(!canUseCpuQuota)('runlens select on two node types made by CPU quota (root, cgroup v1 cpu)', () => {
  beforeAll(() => {
    for (const t of Object.keys(TYPES) as TypeName[]) cgroups[t] = makeQuotaCgroup(`rl_select_${t}_${tag}`, TYPES[t].cores);
    writeFileSync(join(dir, 'types.json'), JSON.stringify({
      currency: 'EUR', types: { fast: { hosts: ['fast-*'], price_per_node_hour: TYPES.fast.price }, slow: { hosts: ['slow-*'], price_per_node_hour: TYPES.slow.price } },
    }));
  });
  afterAll(async () => {
    for (const t of Object.keys(TYPES) as TypeName[]) await removeCgroup(cgroups[t]);
  });

  it('says "insufficient data" with one run per type, and which runs would settle it', async () => {
    await monitored('cpu_app', 'fast');
    await monitored('cpu_app', 'slow');
    const s = await select('cpu_app');
    expect(s.recommendation).toMatchObject({ verdict: 'insufficient_data', fastest: null, cheapest: null });
    expect([...s.recommendation.needs].sort()).toEqual(['2 more runs on type fast', '2 more runs on type slow']);
  }, 300_000);

  it.each(Object.keys(APPS) as AppName[])('recommends for %s what brute force measures: the fastest type and the cheapest per run', async (app) => {
    const runs = app === 'cpu_app' ? 2 : 3;
    for (let i = 0; i < runs; i++) for (const t of ['fast', 'slow'] as const) await monitored(app, t);
    const truth = { fast: bruteWalls(app, 'fast'), slow: bruteWalls(app, 'slow') };
    expect([truth.fast.length, truth.slow.length]).toEqual([3, 3]);
    const wall = { fast: med(truth.fast), slow: med(truth.slow) };
    const cost = { fast: wall.fast * TYPES.fast.price, slow: wall.slow * TYPES.slow.price };
    const s = await select(app);
    expect(s.recommendation.verdict).toBe('recommended');
    expect(s.recommendation.types.map((t) => [t.type, t.runs]).sort()).toEqual([['fast', 3], ['slow', 3]]);
    const fastest: TypeName = wall.fast <= wall.slow ? 'fast' : 'slow';
    const cheapest: TypeName = cost.fast <= cost.slow ? 'fast' : 'slow';
    const margin = (a: number, b: number): number => Math.max(a, b) / Math.min(a, b);
    const picked = s.recommendation;
    // Where brute force sees a clear difference (> 25%), RunLens must name the same type; where it
    // does not, RunLens must not claim to be sure of the other one.
    if (margin(wall.fast, wall.slow) > 1.25) expect(picked.fastest?.type, JSON.stringify({ wall, picked })).toBe(fastest);
    else expect(picked.fastest?.type === fastest || picked.fastest?.sure === false, JSON.stringify({ wall, picked })).toBe(true);
    if (margin(cost.fast, cost.slow) > 1.25) expect(picked.cheapest?.type, JSON.stringify({ cost, picked })).toBe(cheapest);
    else expect(picked.cheapest?.type === cheapest || picked.cheapest?.sure === false, JSON.stringify({ cost, picked })).toBe(true);
  }, 600_000);

  it('lists the node types with their hosts and prices', async () => {
    const r = await runCli(['nodes'], env('fast'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('fast: 1 host (fast-1); 6 EUR/node-h');
    expect(r.stdout).toContain('slow: 1 host (slow-1); 1 EUR/node-h');
  }, 120_000);
});
