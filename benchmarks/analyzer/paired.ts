/**
 * Two builds of the analyzer measured at the same time, one per core: their ratio of CPU per row.
 * On this shared VM one round of run.ts moves ±30% from one minute to the next (neighbours, cache,
 * frequency), so rounds of two builds taken one after the other differ by more than most changes
 * do. Run side by side, both rounds meet the same minute: most pairs' ratios fall within ±5%, where
 * alternated rounds spread 30-50% (benchmarks/analyzer/README.md). The absolute figures of a pair
 * are higher than a round alone (the two share the cache and memory bus): read the ratio only.
 *   BENCH_BASE=/path/to/other/checkout node --import ./node_modules/tsx/dist/loader.mjs benchmarks/analyzer/paired.ts
 * Env: BENCH_BASE (the checkout to compare with: its own node_modules, as `git worktree add` plus
 * `cp -al node_modules` gives), BENCH_PAIRS (4), and run.ts's own (BENCH_SHAPE, BENCH_TICKS, …;
 * BENCH_RUNS defaults to 128 here). Each build runs its own benchmarks/analyzer/run.ts; the
 * results.json each writes is put back as it was.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const HERE = resolve(import.meta.dirname, '../..');

/** One round of run.ts in `root`: its CPU µs per row at the one level asked for. */
function round(root: string): Promise<number> {
  return new Promise((done, fail) => {
    const env = { ...process.env, BENCH_RUNS: process.env.BENCH_RUNS ?? '128' };
    const child = spawn(process.execPath, ['--expose-gc', '--import', './node_modules/tsx/dist/loader.mjs', 'benchmarks/analyzer/run.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('error', fail);
    child.on('close', (code) => {
      // The table's last row: | runs | rows | µs per row | …
      const cell = out.trim().split('\n').pop()?.split('|')[3];
      const us = Number(cell);
      if (code !== 0 || !Number.isFinite(us)) fail(new Error(`run.ts in ${root} exited ${code}: ${out.slice(-500)}`));
      else done(us);
    });
  });
}

/** Runs `f`, then puts each checkout's results.json back: a pair's figures are not a result of their own. */
async function keepingResults<T>(roots: readonly string[], f: () => Promise<T>): Promise<T> {
  const files = roots.map((r) => join(r, 'benchmarks/analyzer/results.json'));
  const kept = files.map((p) => (existsSync(p) ? readFileSync(p) : null));
  try {
    return await f();
  } finally {
    files.forEach((p, i) => { const k = kept[i]; if (k) writeFileSync(p, k); });
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main(): Promise<void> {
  const base = process.env.BENCH_BASE;
  if (!base || !existsSync(join(base, 'benchmarks/analyzer/run.ts')) || !existsSync(join(base, 'node_modules'))) {
    throw new Error('BENCH_BASE must name another checkout with its node_modules (git worktree add …; cp -al node_modules …)');
  }
  const pairs = Number(process.env.BENCH_PAIRS ?? '4');
  const ratios: number[] = [];
  for (let i = 1; i <= pairs; i++) {
    const [b, h] = await keepingResults([base, HERE], () => Promise.all([round(base), round(HERE)]));
    ratios.push(h / b);
    process.stdout.write(`pair ${i}/${pairs}: base ${b.toFixed(1)}, this ${h.toFixed(1)} µs per row (side by side): ratio ${(h / b).toFixed(3)}\n`);
  }
  process.stdout.write(`median ratio (this / base) ${median(ratios).toFixed(3)}, pairs ${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)}\n`);
}

main().then(() => process.exit(0), (e: unknown) => { process.stderr.write(`${String(e)}\n`); process.exit(1); });
