import { type CommandSpec, type Stop, parseCommand, usageError } from '../cli/parse-command.ts';

export type ReportFormat = 'text' | 'json' | 'html' | 'md';

export interface ReportArgs {
  /** '' for the newest run. */
  readonly runId: string;
  readonly format: ReportFormat;
}

export const REPORT_SPEC: CommandSpec = {
  name: 'runlens report',
  options: { json: { type: 'boolean' }, html: { type: 'boolean' }, md: { type: 'boolean' } },
  positionals: 1,
};

export const REPORT_USAGE = `usage: runlens report [RUN_ID] [--json | --html | --md]

Prints a recorded run's report to stdout; without RUN_ID the newest run's (yours, on a cluster
store), naming it on stderr. \`runlens runs\` lists the runs. While \`runlens up\` runs it answers (over its
unix socket in the data directory); otherwise the report is read from the store directly.
With RUNLENS_STORE set (or RUNLENS_CONFIG_FILE), it is read from the cluster store instead,
with the roles' store settings (RUNLENS_CLICKHOUSE_URL, _DATABASE, _USER, _PASSWORD[_FILE]).

options:
  --json         the report as JSON
  --html         the report as one HTML page
  --md           the report as Markdown (for a ticket, a wiki or a pull request)
  -h, --help     this help`;

export function parseReportArgs(argv: readonly string[]): ReportArgs | Stop {
  const p = parseCommand(REPORT_SPEC, argv);
  if (p.kind !== 'ok') return p;
  const runId = p.positionals[0] ?? '';
  const formats = (['json', 'html', 'md'] as const).filter((f) => p.values[f] === true);
  if (formats.length > 1) return usageError(REPORT_SPEC, `choose one of ${formats.map((f) => `--${f}`).join(', ')}`);
  return { runId, format: formats[0] ?? 'text' };
}
