#!/usr/bin/env node
// Compiles the CLI and every role (bin/src/main.ts and all it imports from our packages) to
// plain ES modules in dist/, so no role runs TypeScript through a loader at run time.
// `npm install` / `npm ci` run it (the root `prepare` script); bin/runlens runs it again when
// a source is newer than the build, so an edited .ts file never runs stale.
//
// Layout: each build goes to dist/b-<time>-<pid>/, then the symlink dist/current is renamed onto
// it (atomic), so launchers racing a rebuild each see a whole build. Node resolves the main
// module's real path, so a running process keeps loading its lazy chunks from its own build.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
/** Old builds a long-running process may still load chunks from are kept this long. */
const KEEP_OLD_MS = 7 * 24 * 3600_000;

/**
 * npm packages stay external (node loads them from node_modules: chdb's native addon, next,
 * kafkajs, ...); only our workspace packages (@runlens/*, TypeScript sources) are bundled.
 */
const externals = {
  name: 'runlens-externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@runlens/') ? undefined : { path: args.path, external: true }));
  },
};

/**
 * `import.meta.url` (and dirname/filename) keep meaning the source file, as under tsx: code
 * finds package.json, the dashboard folder and next relative to itself. The output sits two
 * folders below the root (dist/b-…/), so the source's URL is rebuilt relative to the chunk.
 */
const sourceUrls = {
  name: 'runlens-source-urls',
  setup(b) {
    b.onLoad({ filter: /\.tsx?$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.')) return { contents: text, loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
      const rel = `../../${relative(ROOT, args.path).split('\\').join('/')}`;
      const url = `new URL(${JSON.stringify(rel)}, import.meta.url)`;
      const contents = text
        .replaceAll('import.meta.url', `${url}.href`)
        .replaceAll('import.meta.filename', `decodeURIComponent(${url}.pathname)`)
        .replaceAll('import.meta.dirname', `decodeURIComponent(new URL('.', ${url}).pathname).replace(/\\/$/, '')`);
      return { contents, loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
    });
  },
};

function pruneOldBuilds(keep) {
  const now = Date.now();
  for (const name of readdirSync(DIST)) {
    if (!name.startsWith('b-') && !name.startsWith('tmp-')) continue;
    const p = join(DIST, name);
    if (p === keep) continue;
    try { if (now - statSync(p).mtimeMs > KEEP_OLD_MS) rmSync(p, { recursive: true, force: true }); } catch { /* a racing build removed it */ }
  }
}

export async function buildDist() {
  const started = new Date();
  mkdirSync(DIST, { recursive: true });
  const id = `${started.getTime()}-${process.pid}`;
  const tmp = join(DIST, `tmp-${id}`);
  await build({
    entryPoints: { main: join(ROOT, 'bin/src/main.ts') },
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    chunkNames: 'chunk-[hash]',
    logLevel: 'warning',
    plugins: [externals, sourceUrls],
  });
  // The stamp the launcher compares sources with is the build's start: an edit made while
  // esbuild was reading still counts as newer.
  utimesSync(join(tmp, 'main.js'), started, started);
  const final = join(DIST, `b-${id}`);
  renameSync(tmp, final);
  const link = join(DIST, `current-${id}`);
  symlinkSync(`b-${id}`, link);
  renameSync(link, join(DIST, 'current'));
  pruneOldBuilds(final);
  return final;
}

/**
 * Bundles one more entry (a benchmark's harness around a role) exactly as the roles are
 * bundled, to dist/<name>/<entry>.js, so a benchmark measures the compiled code users run.
 * The folder sits two below the root, like a build, so the source URLs resolve the same way.
 * Dynamic imports become lazy chunks, as in the roles' build: a module the entry never
 * imports at run time is never loaded (the folder is emptied first, so no stale chunk stays).
 */
export async function buildEntry(entry, name) {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`build: bad output name ${JSON.stringify(name)}`);
  const outdir = join(DIST, name);
  const stem = basename(entry).replace(/\.tsx?$/, '');
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { [stem]: entry },
    outdir,
    bundle: true,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    plugins: [externals, sourceUrls],
  });
  return join(outdir, `${stem}.js`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--entry');
  if (at > 0) {
    // `build.mjs --entry FILE.ts NAME`: prints the compiled file's path.
    process.stdout.write(`${await buildEntry(process.argv[at + 1], process.argv[at + 2])}\n`);
    process.exit(0);
  }
  const t0 = performance.now();
  const out = await buildDist();
  if (!process.argv.includes('--quiet')) process.stderr.write(`runlens: built ${relative(ROOT, out)} in ${Math.round(performance.now() - t0)} ms\n`);
}
