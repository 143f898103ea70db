import { type CommandSpec, type Stop, parseCommand, usageError } from '../cli/parse-command.ts';

export interface JobArgs { readonly jobId: string; readonly json: boolean }

const JOB_SPEC: CommandSpec = { name: 'runlens job', options: { json: { type: 'boolean' } }, positionals: 1 };

export const JOB_USAGE = `usage: runlens job JOBID [--json]

A scheduler job's summary, seff-style: state, elapsed time against the limit, CPU efficiency
against the allocated cores (a line per node), peak memory against the request, GPU use per
GPU, IO, the findings and the dashboard link. With RUNLENS_STORE (or RUNLENS_CONFIG_FILE) set it
reads the cluster store (RUNLENS_CLICKHOUSE_URL, …; RUNLENS_DASHBOARD_URL for the link);
otherwise this machine's data directory, asking \`runlens up\` while it runs.

options:
  --json         the summary as JSON
  -h, --help     this help`;

export function parseJobArgs(argv: readonly string[]): JobArgs | Stop {
  const p = parseCommand(JOB_SPEC, argv);
  if (p.kind !== 'ok') return p;
  const jobId = p.positionals[0];
  if (!jobId || !/^[A-Za-z0-9_.-]{1,64}$/.test(jobId)) return usageError(JOB_SPEC, jobId ? `not a job id: ${jobId}` : 'no JOBID given (squeue or sbatch print it)');
  return { jobId, json: p.values.json === true };
}
