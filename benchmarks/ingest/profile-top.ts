import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Hottest functions (self time) in V8 .cpuprofile files, e.g. from BENCH_CPU_PROF_DIR.
 *   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/ingest/profile-top.ts DIR [N]
 */
interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

function top(file: string, n: number): void {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((nd) => [nd.id, nd]));
  const self = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const nd = byId.get(id);
    const dt = p.timeDeltas[i] ?? 0;
    if (!nd) return;
    total += dt;
    const { functionName, url, lineNumber } = nd.callFrame;
    const where = url ? `${relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const busy = total - (self.get('(idle)') ?? 0);
  console.log(`\n${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s not idle`);
  for (const [k, us] of [...self.entries()].filter(([name]) => name !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`${((us / busy) * 100).toFixed(1).padStart(5)}%  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${k}`);
  }
}

const dir = process.argv[2] ?? '.';
const n = Number(process.argv[3] ?? 25);
const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.cpuprofile') ? [join(d, e.name)] : []));
for (const f of walk(dir)) top(f, n);
