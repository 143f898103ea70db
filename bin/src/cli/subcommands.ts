import { REPORT_USAGE, parseReportArgs } from '../commands/report-args.ts';
import { RUNS_USAGE, parseRunsArgs } from '../commands/runs-args.ts';
import { NODES_USAGE, SELECT_USAGE, parseNodesArgs, parseSelectArgs } from '../commands/select-args.ts';
import { JOB_USAGE, parseJobArgs } from '../commands/job-args.ts';
import { RUN_USAGE, parseRunArgs } from '../commands/run-args.ts';
import { USER_USAGE, parseUserArgs } from '../commands/user-args.ts';
import { METRIC_USAGE, parseMetricArgs } from '../commands/metric.ts';
import type { EmbeddedConfig } from '../config.ts';
import { type CommandSpec, type Stop, parseCommand, usageError } from './parse-command.ts';

/*
 * Commands and roles load on start (dynamic imports, separate chunks in dist/): --help and
 * --version stay fast, and each role loads only its own code (the agent never loads chDB).
 */
const loadConfig = async (): Promise<EmbeddedConfig> => (await import('../config.ts')).loadConfig();
const agentRole = async (): Promise<number> => (await import('../roles/agent.ts')).agentRole();
const ingestRole = async (): Promise<number> => (await import('../roles/ingest.ts')).ingestRole();
const analyzeRole = async (): Promise<number> => (await import('../roles/analyze.ts')).analyzeRole();
const migrateRole = async (): Promise<number> => (await import('../roles/migrate.ts')).migrateRole();

/** A parsed command line: only `start` reads settings or touches anything, so --help never does. */
export type Prepared = Stop | { readonly kind: 'ok'; readonly start: () => Promise<number> };

export interface Subcommand {
  /** One line in `runlens --help`. */
  readonly summary: string;
  /** `runlens <sub> --help`. */
  readonly usage: string;
  prepare(argv: readonly string[]): Prepared;
}

const ROLE_SETTINGS = `settings: RUNLENS_* environment variables, or a JSON file named by RUNLENS_CONFIG_FILE
(keys spelled like the variables; the environment wins). Every wrong setting is reported at
once and exits 78. See deploy/README.md.

options:
  -h, --help     this help`;

/** A command that takes no arguments: its settings come from the environment. */
function noArgs(name: string, start: () => Promise<number>): (argv: readonly string[]) => Prepared {
  const spec: CommandSpec = { name: `runlens ${name}`, options: {}, positionals: 0 };
  return (argv) => {
    const p = parseCommand(spec, argv);
    return p.kind === 'ok' ? { kind: 'ok', start } : p;
  };
}

function role(name: string, summary: string, start: () => Promise<number>): Subcommand {
  const sentence = `${summary.charAt(0).toUpperCase()}${summary.slice(1)}.`;
  return { summary, usage: `usage: runlens ${name}\n\n${sentence}\n\n${ROLE_SETTINGS}`, prepare: noArgs(name, start) };
}

const DASHBOARD_SPEC: CommandSpec = { name: 'runlens dashboard', options: {}, positionals: 1 };

function prepareDashboard(argv: readonly string[]): Prepared {
  const p = parseCommand(DASHBOARD_SPEC, argv);
  if (p.kind !== 'ok') return p;
  const action = p.positionals[0];
  if (action !== undefined && action !== 'build') return usageError(DASHBOARD_SPEC, `unknown action ${action} for runlens dashboard (only: build)`);
  return { kind: 'ok', start: async () => (await import('../commands/dashboard.ts')).dashboardCommand(action === 'build' ? ['build'] : []) };
}

const SLURM_SPEC: CommandSpec = { name: 'runlens slurm', options: {}, positionals: 1 };
const SLURM_USAGE = `usage: runlens slurm prolog|epilog|task-prolog\n\nSlurm's Prolog/Epilog (run by slurmd as root): tells this node's agent (RUNLENS_AGENT_SOCKET)\nthe job's identity at its start and its end state at its end.\nSlurm's TaskProlog (run as the job's user): for a job with RUNLENS_MPI=1, prints the exports\nthat preload the PMPI library (RUNLENS_MPI_LIB) and name the agent's RUNLENS_MPI_DIR.\nAlways exits 0.\n\noptions:\n  -h, --help     this help`;

function prepareSlurm(argv: readonly string[]): Prepared {
  const p = parseCommand(SLURM_SPEC, argv);
  if (p.kind !== 'ok') return p;
  const action = p.positionals[0];
  if (action === 'task-prolog') return { kind: 'ok', start: async () => (await import('../commands/slurm-task-prolog.ts')).slurmTaskPrologCommand(process.env) };
  if (action !== 'prolog' && action !== 'epilog') return usageError(SLURM_SPEC, `runlens slurm needs prolog, epilog or task-prolog, not ${action ?? 'nothing'}`);
  return { kind: 'ok', start: async () => (await import('../commands/slurm-hook.ts')).slurmHookCommand(action, process.env) };
}

/** Every subcommand, keyed by what the user types. */
export const SUBCOMMANDS = {
  run: {
    summary: 'run a command, record it, print its report; exits with its code',
    usage: RUN_USAGE,
    prepare: (argv) => {
      const r = parseRunArgs(argv);
      return 'cmd' in r ? { kind: 'ok', start: async () => (await import('../commands/run.ts')).runCommand(r, await loadConfig()) } : r;
    },
  },
  metric: {
    summary: "inside a monitored command: record a value of the app's own metric (e.g. steps/s)",
    usage: METRIC_USAGE,
    prepare: (argv) => {
      const r = parseMetricArgs(argv);
      return 'name' in r ? { kind: 'ok', start: async () => (await import('../commands/metric.ts')).metricCommand(r, process.env.RUNLENS_METRIC_FILE) } : r;
    },
  },
  up: {
    summary: 'embedded stack on 127.0.0.1: agent, store, analyzer, API and dashboard',
    usage: `usage: runlens up\n\nThe embedded stack on this machine until SIGINT/SIGTERM: agent, chDB store, analyzer,\nthe local API and dashboard (RUNLENS_HTTP_PORT, default 7070) and a unix socket for\nrunlens run and runlens report, all in RUNLENS_DATA_DIR (default ~/.runlens).\n\noptions:\n  -h, --help     this help`,
    prepare: noArgs('up', async () => (await import('../commands/up.ts')).upCommand(await loadConfig())),
  },
  report: {
    summary: "print a recorded run's report (text, --json, --html, --md)",
    usage: REPORT_USAGE,
    prepare: (argv) => {
      const r = parseReportArgs(argv);
      return 'format' in r ? { kind: 'ok', start: async () => (await import('../commands/report.ts')).reportCommand(r) } : r;
    },
  },
  runs: {
    summary: 'list recorded runs, newest first: efficiency, how each ended, its top finding',
    usage: RUNS_USAGE,
    prepare: (argv) => {
      const r = parseRunsArgs(argv);
      return 'limit' in r ? { kind: 'ok', start: async () => (await import('../commands/runs.ts')).runsCommand(r) } : r;
    },
  },
  select: {
    summary: 'where to run an app: node types compared on its own runs, speed and cost',
    usage: SELECT_USAGE,
    prepare: (argv) => {
      const r = parseSelectArgs(argv);
      return 'app' in r ? { kind: 'ok', start: async () => (await import('../commands/select.ts')).selectCommand(r, await loadConfig()) } : r;
    },
  },
  nodes: {
    summary: 'node types seen (configured or derived), their hosts and prices',
    usage: NODES_USAGE,
    prepare: (argv) => {
      const r = parseNodesArgs(argv);
      return 'json' in r ? { kind: 'ok', start: async () => (await import('../commands/select.ts')).nodesCommand(r, await loadConfig()) } : r;
    },
  },
  user: {
    summary: "manage the dashboard's users: add, list, set-role, remove",
    usage: USER_USAGE,
    prepare: (argv) => {
      const r = parseUserArgs(argv);
      return 'action' in r ? { kind: 'ok', start: async () => (await import('../commands/user.ts')).userCommand(r, (await loadConfig()).dataDir) } : r;
    },
  },
  agent: role('agent', 'cluster role: sample this node and publish to Kafka, spooling while it is away', agentRole),
  ingest: role('ingest', 'cluster role: one replica of the Kafka to store consumer group', ingestRole),
  analyze: role('analyze', 'cluster role: the streaming analyzer (findings, run summaries)', analyzeRole),
  migrate: role('migrate', 'cluster role: create the database, tables and (given RUNLENS_KAFKA_BROKERS) topics', migrateRole),
  job: {
    summary: "a scheduler job's summary (seff-style, a line per node; --json)",
    usage: JOB_USAGE,
    prepare: (argv) => { const r = parseJobArgs(argv); return 'jobId' in r ? { kind: 'ok', start: async () => { const m = await import('../commands/job.ts'); return m.jobCommand(r, m.loadJobConfig()); } } : r; },
  },
  slurm: { summary: "Slurm's Prolog/Epilog/TaskProlog: tell this node's agent a job's start and end; preload the MPI library", usage: SLURM_USAGE, prepare: prepareSlurm },
  dashboard: {
    summary: 'cluster dashboard over the configured store; `build` builds it only',
    usage: `usage: runlens dashboard [build]\n\nServes the dashboard and API over the configured store (RUNLENS_STORE, ...);\n\`build\` builds the web app if its sources changed, then exits.\n\n${ROLE_SETTINGS}`,
    prepare: prepareDashboard,
  },
} as const satisfies Record<string, Subcommand>;

export type SubcommandName = keyof typeof SUBCOMMANDS;

export function isSubcommand(name: string): name is SubcommandName {
  return Object.hasOwn(SUBCOMMANDS, name);
}
