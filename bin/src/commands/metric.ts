import { appendFileSync } from 'node:fs';
import { METRIC_NAME, parseMetricValue } from '../app-metrics.ts';
import { type CommandSpec, type Stop, parseCommand, usageError } from '../cli/parse-command.ts';
import { EXIT } from '../cli/exit-codes.ts';

export interface MetricArgs { readonly name: string; readonly value: number }

export const METRIC_SPEC: CommandSpec = { name: 'runlens metric', options: {}, positionals: 2 };

export const METRIC_USAGE = `usage: runlens metric NAME VALUE

Inside a command that \`runlens run\` monitors: records one value of the app's own metric,
e.g. runlens metric steps/s 412.5. It appends \`NAME VALUE\` to $RUNLENS_METRIC_FILE, the file
runlens run names for its command, which reads it while the command runs and stores the points
with the run; reports show them and runlens select compares node types on them.
Outside such a run it fails (exit 1) and records nothing.

options:
  -h, --help     this help`;

export function parseMetricArgs(argv: readonly string[]): MetricArgs | Stop {
  const p = parseCommand(METRIC_SPEC, argv);
  if (p.kind !== 'ok') return p;
  const [name, raw] = p.positionals;
  if (name === undefined || raw === undefined) return usageError(METRIC_SPEC, 'runlens metric needs NAME and VALUE');
  if (!METRIC_NAME.test(name)) return usageError(METRIC_SPEC, `metric name ${name}: letters, digits, _ . / - (at most 64), starting with a letter`);
  const value = parseMetricValue(raw);
  if (value === null) return usageError(METRIC_SPEC, `metric value ${raw} is not a number`);
  return { name, value };
}

/** Appends one line in a single write (O_APPEND), so concurrent callers' lines never interleave. */
export function metricCommand(a: MetricArgs, file: string | undefined): number {
  if (!file) {
    process.stderr.write('runlens metric: RUNLENS_METRIC_FILE is not set: call it from a command that runlens run monitors\n');
    return EXIT.failure;
  }
  try {
    appendFileSync(file, `${a.name} ${a.value}\n`);
    return EXIT.ok;
  } catch (e) {
    process.stderr.write(`runlens metric: cannot append to ${file} (${e instanceof Error ? e.message : String(e)})\n`);
    return EXIT.failure;
  }
}
