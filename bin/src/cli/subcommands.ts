import { dashboardCommand } from '../commands/dashboard.ts';
import { reportCommand } from '../commands/report.ts';
import { REPORT_USAGE, parseReportArgs } from '../commands/report-args.ts';
import { runCommand } from '../commands/run.ts';
import { RUN_USAGE, parseRunArgs } from '../commands/run-args.ts';
import { upCommand } from '../commands/up.ts';
import { userCommand } from '../commands/user.ts';
import { USER_USAGE, parseUserArgs } from '../commands/user-args.ts';
import { loadConfig } from '../config.ts';
import { agentRole } from '../roles/agent.ts';
import { analyzeRole } from '../roles/analyze.ts';
import { ingestRole } from '../roles/ingest.ts';
import { migrateRole } from '../roles/migrate.ts';
import { type CommandSpec, type Stop, parseCommand, usageError } from './parse-command.ts';

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
  return { kind: 'ok', start: () => dashboardCommand(action === 'build' ? ['build'] : []) };
}

/** Every subcommand, keyed by what the user types. */
export const SUBCOMMANDS = {
  run: {
    summary: 'run a command, record it, print its report; exits with its code',
    usage: RUN_USAGE,
    prepare: (argv) => {
      const r = parseRunArgs(argv);
      return 'cmd' in r ? { kind: 'ok', start: () => runCommand(r, loadConfig()) } : r;
    },
  },
  up: {
    summary: 'embedded stack on 127.0.0.1: agent, store, analyzer, API and dashboard',
    usage: `usage: runlens up\n\nThe embedded stack on this machine until SIGINT/SIGTERM: agent, chDB store, analyzer,\nthe local API and dashboard (RUNLENS_HTTP_PORT, default 7070) and a unix socket for\nrunlens run and runlens report, all in RUNLENS_DATA_DIR (default ~/.runlens).\n\noptions:\n  -h, --help     this help`,
    prepare: noArgs('up', () => upCommand(loadConfig())),
  },
  report: {
    summary: "print a recorded run's report (text, --json, --html, --md)",
    usage: REPORT_USAGE,
    prepare: (argv) => {
      const r = parseReportArgs(argv);
      return 'runId' in r ? { kind: 'ok', start: () => reportCommand(r, loadConfig()) } : r;
    },
  },
  user: {
    summary: "manage the dashboard's users: add, list, set-role, remove",
    usage: USER_USAGE,
    prepare: (argv) => {
      const r = parseUserArgs(argv);
      return 'action' in r ? { kind: 'ok', start: () => userCommand(r, loadConfig().dataDir) } : r;
    },
  },
  agent: role('agent', 'cluster role: sample this node and publish to Kafka, spooling while it is away', agentRole),
  ingest: role('ingest', 'cluster role: one replica of the Kafka to store consumer group', ingestRole),
  analyze: role('analyze', 'cluster role: the streaming analyzer (findings, run summaries)', analyzeRole),
  migrate: role('migrate', 'cluster role: create the database, tables and (given RUNLENS_KAFKA_BROKERS) topics', migrateRole),
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
