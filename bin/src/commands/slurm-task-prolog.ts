// Loaded alone by main.ts: slurmd runs it before every task of every job on the node.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { EXIT } from '../cli/exit-codes.ts';

/*
 * `runlens slurm task-prolog`: Slurm's TaskProlog. slurmd runs it as the job's user before each
 * task, with the task's environment, and turns each `export NAME=value` line it prints into the
 * task's environment. A job that opts in (RUNLENS_MPI=1 in its environment, e.g. `sbatch
 * --export=ALL,RUNLENS_MPI=1`) gets the PMPI library preloaded and the node agent's report
 * directory, so srun-launched ranks report their time inside MPI (collector/src/samplers/mpi).
 * The node's wrapper script names the library and the directory; a failing TaskProlog would
 * fail the task, so this always exits 0 and says on stderr why it exported nothing.
 */
const taskEnv = z.object({
  /** The job's opt-in. */
  RUNLENS_MPI: z.string().max(16).default(''),
  /** The PMPI library built with this node's mpicc (collector's buildMpiNative), set by the node's wrapper. */
  RUNLENS_MPI_LIB: z.string().max(4096).default(''),
  /** The directory this node's agent reads MPI reports from (the agent's RUNLENS_MPI_DIR), set by the wrapper. */
  RUNLENS_MPI_DIR: z.string().max(4096).default(''),
  /** What the task preloads already (kept, after the library). */
  LD_PRELOAD: z.string().max(65_536).default(''),
});

/** The `export` lines for this task, or why none. */
export function taskPrologExports(env: Readonly<Record<string, string | undefined>>): { lines: string[] } | { why: string } {
  const parsed = taskEnv.safeParse(env);
  if (!parsed.success) return { why: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  const c = parsed.data;
  if (c.RUNLENS_MPI !== '1') return { lines: [] };
  // slurmd reads one line per variable and no quoting: a path that would break the line is refused.
  const unsafe = [c.RUNLENS_MPI_LIB, c.RUNLENS_MPI_DIR].find((v) => v === '' || /[\s:]/.test(v));
  if (unsafe !== undefined) return { why: `RUNLENS_MPI_LIB and RUNLENS_MPI_DIR must be set, without spaces or colons (got ${JSON.stringify(unsafe)})` };
  if (!existsSync(c.RUNLENS_MPI_LIB)) return { why: `no PMPI library at ${c.RUNLENS_MPI_LIB}` };
  // An srun inside a batch step that already has it must not preload it twice.
  const others = c.LD_PRELOAD.split(/[: ]/).filter((p) => p !== '' && p !== c.RUNLENS_MPI_LIB);
  return { lines: [`export LD_PRELOAD=${[c.RUNLENS_MPI_LIB, ...others].join(':')}`, `export RUNLENS_MPI_DIR=${c.RUNLENS_MPI_DIR}`] };
}

export function slurmTaskPrologCommand(env: Readonly<Record<string, string | undefined>>): number {
  const r = taskPrologExports(env);
  if ('why' in r) process.stderr.write(`runlens slurm task-prolog: MPI time not measured: ${r.why}\n`);
  else if (r.lines.length > 0) process.stdout.write(`${r.lines.join('\n')}\n`);
  return EXIT.ok;
}
