import { buildMpiNative } from '@runlens/collector';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where ranks under `runlens run --mpi` report, and where the data directory's agent reads them. */
export function mpiReportDir(dataDir: string): string {
  return join(dataDir, 'mpi');
}

/**
 * The environment that makes a command's MPI ranks report their time inside MPI: the PMPI
 * library (built with mpicc into the data directory's cache on first use) ahead of any
 * LD_PRELOAD the user set, and the report directory. Or why not, for the user.
 */
export function mpiEnvironment(dataDir: string, env: Readonly<{ LD_PRELOAD?: string | undefined }>): { env: Record<string, string> } | { why: string } {
  const built = buildMpiNative(join(dataDir, 'cache', 'mpi'));
  if ('absent' in built) return { why: built.absent };
  const dir = mpiReportDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const preload = [built.lib, ...(env.LD_PRELOAD ?? '').split(/[: ]/).filter(Boolean)].join(':');
  return { env: { LD_PRELOAD: preload, RUNLENS_MPI_DIR: dir } };
}
