import { type MetricSpec, parseMetricSpec } from '../app-metrics.ts';
import { type CommandSpec, type Stop, parseCommand, usageError } from '../cli/parse-command.ts';

export interface RunArgs {
  readonly app: string | undefined;
  readonly cores: number | undefined;
  readonly json: string | undefined;
  readonly html: string | undefined;
  /** Preload the PMPI library so each MPI rank reports its time inside MPI. */
  readonly mpi: boolean;
  /** `--metric NAME=REGEX`, repeatable: the app's own throughput read from its output lines. */
  readonly metrics: readonly MetricSpec[];
  readonly cmd: string;
  readonly args: readonly string[];
}

export const RUN_SPEC: CommandSpec = {
  name: 'runlens run',
  options: { app: { type: 'string' }, cores: { type: 'string' }, json: { type: 'string' }, html: { type: 'string' }, mpi: { type: 'boolean' }, metric: { type: 'string' } },
  positionals: 'rest',
};

export const RUN_USAGE = `usage: runlens run [--app NAME] [--cores N] [--json FILE] [--html FILE] [--mpi] [--metric NAME=REGEX]... [--] CMD [ARGS...]

Runs CMD, records it and prints its report to stderr; exits with CMD's own exit code.
Options end at \`--\` or at CMD: everything after belongs to CMD (runlens run -- ls --help runs ls --help).
Records through \`runlens up\` when it runs, else into the data directory's own store.

options:
  --app NAME     the application's name in reports (default: CMD's basename)
  --cores N      cores allocated to the run (default: Slurm's or cgroup's allocation, else all)
  --json FILE    also write the report as JSON
  --html FILE    also write the report as HTML
  --mpi          measure each MPI rank's time inside MPI (a PMPI library, built with mpicc on
                 first use, preloaded into CMD); mpirun passes it to local ranks
  --metric NAME=REGEX
                 the app's own throughput (it/s, steps/s, ns/day) from its output lines: the
                 value is REGEX's first group, e.g. --metric 'it/s=([0-9.]+) ?it/s'. CMD's
                 output still reaches you, through a pipe (no longer a terminal). Repeatable.
                 The app may also append \`NAME VALUE\` lines to $RUNLENS_METRIC_FILE, or call
                 \`runlens metric NAME VALUE\`. runlens select compares node types on it.
  -h, --help     this help`;

/** `run`'s options up to `--` or the first non-option; everything after is the user's command. */
export function parseRunArgs(argv: readonly string[]): RunArgs | Stop {
  const p = parseCommand(RUN_SPEC, argv);
  if (p.kind !== 'ok') return p;
  const str = (k: string): string | undefined => { const v = p.values[k]; return typeof v === 'string' ? v : undefined; };
  const [cmd, ...args] = p.positionals;
  if (!cmd) return usageError(RUN_SPEC, 'no command given: put it last, e.g. runlens run -- make -j4');
  const raw = str('cores');
  const cores = raw === undefined ? undefined : Number(raw);
  if (cores !== undefined && !(Number.isFinite(cores) && cores > 0)) return usageError(RUN_SPEC, `--cores must be a positive number, got ${raw}`);
  const metrics: MetricSpec[] = [];
  for (const m of p.repeated.metric ?? []) {
    const spec = parseMetricSpec(m);
    if (typeof spec === 'string') return usageError(RUN_SPEC, spec);
    metrics.push(spec);
  }
  return { app: str('app'), cores, json: str('json'), html: str('html'), mpi: p.values.mpi === true, metrics, cmd, args };
}
