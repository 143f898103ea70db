import { type CommandSpec, type Stop, parseCommand, usageError } from '../cli/parse-command.ts';
import { RUNS_FILTER_MAX } from '../local-socket.ts';

/** What `runlens runs` lists: the store's filter, how many, and whose. */
export interface RunsArgs {
  readonly app: string;
  /** A user's runs; '' with `all` false: the caller's own on a cluster store (all of them locally). */
  readonly user: string;
  readonly all: boolean;
  readonly status: string;
  readonly kind: string;
  /** Runs started within this many ms before now (0: any time). */
  readonly sinceMs: number;
  readonly limit: number;
  readonly json: boolean;
}

export const RUNS_LIMIT_MAX = 500;
const STATUSES = ['running', 'finished', 'failed', 'lost'];
const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

const RUNS_SPEC: CommandSpec = {
  name: 'runlens runs',
  options: {
    app: { type: 'string' }, user: { type: 'string' }, all: { type: 'boolean' }, status: { type: 'string' },
    kind: { type: 'string' }, since: { type: 'string' }, limit: { type: 'string', short: 'n' }, json: { type: 'boolean' },
  },
  positionals: 0,
};

export const RUNS_USAGE = `usage: runlens runs [--app APP] [--status STATUS] [--kind KIND] [--since AGE] [-n N] [--user USER | --all] [--json]

Recorded runs, newest first: id, app, start, wall time, how it ended, hosts, CPU efficiency
and its most severe finding. \`runlens report RUN_ID\` shows one. Reads this machine's data
directory (asking \`runlens up\` while it runs), where every run is the directory owner's; with
RUNLENS_STORE (or RUNLENS_CONFIG_FILE) set it reads the cluster store, and lists your own runs
unless --user or --all says otherwise.

options:
  --app APP        only this app's runs
  --status STATUS  only runs that are ${STATUSES.join(', ')}
  --kind KIND      only runs with a finding of this kind (e.g. load_imbalance)
  --since AGE      only runs started in the last AGE: a number with m, h or d (30m, 24h, 7d)
  -n, --limit N    at most N runs (default 20, at most ${RUNS_LIMIT_MAX})
  --user USER      on a cluster store: USER's runs instead of yours
  --all            on a cluster store: every user's runs
  --json           the list as JSON
  -h, --help       this help`;

const str = (v: string | true | undefined): string => (typeof v === 'string' ? v : '');

export function parseRunsArgs(argv: readonly string[]): RunsArgs | Stop {
  const p = parseCommand(RUNS_SPEC, argv);
  if (p.kind !== 'ok') return p;
  const v = p.values;
  const limit = v.limit === undefined ? 20 : Number(v.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > RUNS_LIMIT_MAX) return usageError(RUNS_SPEC, `--limit must be a whole number from 1 to ${RUNS_LIMIT_MAX}, not ${String(v.limit)}`);
  const since = /^(\d{1,6})([mhd])$/.exec(str(v.since));
  if (v.since !== undefined && !since) return usageError(RUNS_SPEC, `--since takes an age such as 30m, 24h or 7d, not ${String(v.since)}`);
  const status = str(v.status);
  if (status !== '' && !STATUSES.includes(status)) return usageError(RUNS_SPEC, `--status must be one of ${STATUSES.join(', ')}, not ${status}`);
  if (v.all === true && v.user !== undefined) return usageError(RUNS_SPEC, 'give --user or --all, not both');
  for (const [k, max] of Object.entries(RUNS_FILTER_MAX)) if (str(v[k]).length > max) return usageError(RUNS_SPEC, `--${k} is longer than ${max} characters`);
  return {
    app: str(v.app), user: str(v.user), all: v.all === true, status, kind: str(v.kind),
    sinceMs: since ? Number(since[1]) * (UNIT_MS[since[2] ?? 'm'] ?? 0) : 0, limit, json: v.json === true,
  };
}
