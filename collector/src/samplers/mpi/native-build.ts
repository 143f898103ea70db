import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The built native parts: the PMPI library to preload, and the mpiwork test workload. */
export interface MpiNative {
  readonly lib: string;
  readonly mpiwork: string;
}

const SOURCES = ['runlens_pmpi.c', 'mpiwork.c'] as const;
const sourcePath = (name: string): string => new URL(`./native/${name}`, import.meta.url).pathname;

function run(cmd: string, args: readonly string[]): { ok: true; out: string } | { ok: false; why: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000 });
  if (r.error) return { ok: false, why: `${cmd}: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}` };
  if (r.status !== 0) return { ok: false, why: `${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.trim().slice(0, 500)}` };
  return { ok: true, out: r.stdout.trim() };
}

/**
 * Builds the PMPI library and mpiwork with the machine's `mpicc` into `cacheDir/<hash>/`, once
 * per source and compiler version; later calls find them there. The library is compiled with
 * mpicc's include flags but not linked against libmpi (see runlens_pmpi.c), so it can be
 * preloaded into every process of a command. Concurrent builds each use their own temporary
 * folder and the first rename wins. Returns why not when there is no working mpicc.
 */
export function buildMpiNative(cacheDir: string): MpiNative | { absent: string } {
  const compile = run('mpicc', ['--showme:compile']);
  if (!compile.ok) return { absent: `mpi: no mpicc (${compile.why}); install openmpi-bin and libopenmpi-dev` };
  const cc = run('mpicc', ['--showme:command']);
  const version = run('mpicc', ['--version']);
  const hash = createHash('sha256');
  for (const s of SOURCES) hash.update(readFileSync(sourcePath(s)));
  hash.update(compile.out).update(version.ok ? version.out : '');
  const dir = join(cacheDir, hash.digest('hex').slice(0, 16));
  const built = { lib: join(dir, 'librunlens_pmpi.so'), mpiwork: join(dir, 'mpiwork') };
  if (existsSync(built.lib) && existsSync(built.mpiwork)) return built;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = mkdtempSync(join(cacheDir, '.build-'));
  try {
    const steps: [string, string[]][] = [
      [cc.ok ? cc.out.split(/\s+/)[0] ?? 'cc' : 'cc', ['-shared', '-fPIC', '-O2', '-Wl,-z,lazy', ...compile.out.split(/\s+/).filter(Boolean),
        '-o', join(tmp, 'librunlens_pmpi.so'), sourcePath('runlens_pmpi.c'), '-lpthread']],
      ['mpicc', ['-O2', '-o', join(tmp, 'mpiwork'), sourcePath('mpiwork.c')]],
    ];
    for (const [cmd, args] of steps) {
      const r = run(cmd, args);
      if (!r.ok) return { absent: `mpi: build failed (${r.why})` };
    }
    chmodSync(tmp, 0o755); // ranks may run as another user (a Slurm job's)
    try {
      renameSync(tmp, dir);
    } catch {
      if (!existsSync(built.lib)) throw new Error(`could not place the MPI build in ${dir}`);
    }
    return built;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
