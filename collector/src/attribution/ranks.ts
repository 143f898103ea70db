/** Rank and node-local rank from launcher environments: Open MPI, PMI/PMIx, Slurm, torchrun. */
// The innermost launcher wins: under `srun … torchrun`, torchrun's RANK names the worker,
// SLURM_PROCID only the srun task that started it.
const RANK_VARS = ['OMPI_COMM_WORLD_RANK', 'PMIX_RANK', 'PMI_RANK', 'RANK', 'SLURM_PROCID'] as const;
const LOCAL_RANK_VARS = ['OMPI_COMM_WORLD_LOCAL_RANK', 'MPI_LOCALRANKID', 'LOCAL_RANK', 'SLURM_LOCALID'] as const;

function firstInt(env: ReadonlyMap<string, string>, names: readonly string[]): number | null {
  for (const name of names) {
    const v = env.get(name);
    if (v !== undefined && /^\d+$/.test(v)) return Number(v);
  }
  return null;
}

export function ranksFromEnv(env: ReadonlyMap<string, string>): { rank: number | null; local_rank: number | null } {
  return { rank: firstInt(env, RANK_VARS), local_rank: firstInt(env, LOCAL_RANK_VARS) };
}

/** /proc/<pid>/environ is NUL-separated KEY=VALUE. */
export function parseEnviron(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const entry of text.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return env;
}
