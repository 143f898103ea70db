// Prometheus 2.42's TSDB, filled by backfill: `promtool tsdb create-blocks-from openmetrics`
// writes the same blocks the server would compact from its head (2 h blocks, Gorilla XOR
// chunks of ≤ 120 samples, one index per block); no WAL is involved.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dirBytes } from './fs-size.ts';

export const PROMTOOL = '/usr/bin/promtool';

/** utime+stime of this process's waited-for children (cutime+cstime), in seconds. */
function childCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return (Number(f[13]) + Number(f[14])) / tck;
}

export interface PromBlocks {
  readonly blocks: number;
  readonly samples: number;
  readonly series: number;
  readonly chunks: number;
  /** Every file of every block (chunks, index, meta.json, tombstones). */
  readonly bytes: number;
  /** chunks/ only: the samples themselves. */
  readonly chunk_bytes: number;
  /** promtool's CPU (user+sys) and wall time for the backfill. */
  readonly backfill_cpu_s: number;
  readonly backfill_wall_s: number;
}

/** Backfills one OpenMetrics file into `outDir` and reads back what the blocks hold. */
export function backfill(file: string, outDir: string): PromBlocks {
  mkdirSync(outDir, { recursive: true });
  const c0 = childCpuSeconds();
  const t0 = performance.now();
  const r = spawnSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', file, outDir], { encoding: 'utf8' });
  const backfill_wall_s = (performance.now() - t0) / 1000;
  const backfill_cpu_s = childCpuSeconds() - c0;
  if (r.status !== 0) throw new Error(`promtool create-blocks-from openmetrics ${file}: exit ${r.status}: ${(r.stderr || r.stdout || '').slice(0, 500)}`);
  const list = execFileSync(PROMTOOL, ['tsdb', 'list', outDir], { encoding: 'utf8' });
  // BLOCK ULID  MIN TIME  MAX TIME  DURATION  NUM SAMPLES  NUM CHUNKS  NUM SERIES  SIZE
  const rows = list.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
  const sum = (i: number): number => rows.reduce((n, c) => n + Number(c[i]), 0);
  const chunk_bytes = rows.reduce((n, c) => n + dirBytes(join(outDir, c[0] ?? '', 'chunks')), 0);
  return {
    blocks: rows.length, samples: sum(4), chunks: sum(5), series: sum(6),
    bytes: dirBytes(outDir), chunk_bytes, backfill_cpu_s, backfill_wall_s,
  };
}
