// House rules that a type checker cannot see (STYLE.md): one-way imports, heavy dependencies
// in one folder each, small files. `npm run lint` runs it; .ci/lint.test.ts keeps it green.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { catalogShapes, checkAst } from './lint-ast.mjs';

const PACKAGES = ['schemas', 'collector', 'pipeline', 'analyzer', 'dashboard', 'web', 'benchmarks', 'bin'];
/** Which of our packages each package may import at run time (type-only imports are free below schemas). */
const MAY_IMPORT = {
  schemas: [],
  collector: ['schemas'],
  pipeline: ['schemas'],
  analyzer: ['schemas'],
  dashboard: ['schemas', 'pipeline', 'analyzer'],
  web: ['schemas', 'pipeline', 'analyzer'],
  benchmarks: ['schemas', 'collector', 'pipeline', 'analyzer', 'dashboard', 'web'],
  bin: ['schemas', 'collector', 'pipeline', 'analyzer', 'web'],
};
/** Where `import type` of another package is allowed on top of MAY_IMPORT. */
const MAY_IMPORT_TYPES = { collector: ['pipeline'], analyzer: ['pipeline'] };
const HEAVY = [
  { module: 'kafkajs', only: 'pipeline/src/bus/kafka/' },
  { module: '@clickhouse/client', only: 'pipeline/src/store/' },
  { module: 'chdb', only: 'pipeline/src/store/' },
  // Two homes, one per renderer: the dashboard's client chart wrapper (canvas) and the
  // report's server-side SVG renderer. Option builders import echarts types only.
  { module: 'echarts', only: ['dashboard/src/components/chart.tsx', 'analyzer/src/charts/ssr.ts'] },
];
const MAX_LINES = 300;
const IMPORT = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

export function sourceFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'testdata' || name.startsWith('.')) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|tsx|mts)$/.test(name)) out.push(relative(root, p));
    }
  };
  for (const pkg of PACKAGES) {
    try { walk(join(root, pkg)); } catch { /* package folder absent */ }
  }
  return out;
}

/** Problems in one file, given its path relative to the repo root and its text. */
export function checkFile(path, text) {
  const problems = [];
  const pkg = path.split('/')[0];
  const isTest = /\.test\.tsx?$/.test(path);
  for (const m of text.matchAll(IMPORT)) {
    const typeOnly = Boolean(m[2]);
    const spec = m[3] ?? m[4] ?? m[5] ?? '';
    const ours = /^@runlens\/([a-z]+)/.exec(spec)?.[1];
    if (ours && ours !== pkg && !(MAY_IMPORT[pkg] ?? []).includes(ours)) {
      const typesOk = typeOnly && (MAY_IMPORT_TYPES[pkg] ?? []).includes(ours);
      if (!typesOk) problems.push(`${path}: ${pkg} must not import @runlens/${ours}${typeOnly ? '' : ' (at run time)'}`);
    }
    for (const h of HEAVY) {
      const hit = spec === h.module || spec.startsWith(`${h.module}/`);
      const homes = [h.only].flat();
      if (hit && !typeOnly && !homes.some((o) => path.startsWith(o))) problems.push(`${path}: ${h.module} may only be imported in ${homes.join(' or ')}`);
    }
  }
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[3] ?? m[4] ?? m[5] ?? '';
    if (spec.startsWith('.') && !normalize(join(dirname(path), spec)).startsWith(`${pkg}/`)) {
      problems.push(`${path}: relative import ${spec} leaves package ${pkg}; import @runlens/<package> instead`);
    }
  }
  const lines = text.split('\n').length;
  if (!isTest && lines > MAX_LINES) problems.push(`${path}: ${lines} lines (max ${MAX_LINES}); split it by concept`);
  return problems;
}

export function checkRepo(root) {
  const shapes = catalogShapes(root);
  return sourceFiles(root).flatMap((f) => {
    const text = readFileSync(join(root, f), 'utf8');
    return [...checkFile(f, text), ...checkAst(f, text, shapes)];
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = checkRepo(process.cwd());
  for (const p of problems) console.error(p);
  console.error(problems.length === 0 ? 'lint: import boundaries, file and function sizes, SQL homes and row shapes ok' : `lint: ${problems.length} problem(s)`);
  process.exit(problems.length === 0 ? 0 : 1);
}
