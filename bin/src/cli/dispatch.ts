import { EXIT, EXIT_CODES_HELP } from './exit-codes.ts';
import { type CommandSpec, parseCommand } from './parse-command.ts';
import { SUBCOMMANDS, type Subcommand, isSubcommand } from './subcommands.ts';
import { runlensVersion } from './version.ts';

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

const TOP_SPEC: CommandSpec = { name: 'runlens', options: { version: { type: 'boolean', short: 'V' } }, positionals: 'rest' };

export function topUsage(): string {
  const names = Object.keys(SUBCOMMANDS) as (keyof typeof SUBCOMMANDS)[];
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const lines = names.map((n) => `  ${n.padEnd(width)}${SUBCOMMANDS[n].summary}`);
  return `usage: runlens [--version] [--help] COMMAND [ARGS...]

commands:
${lines.join('\n')}
  ${'help'.padEnd(width)}this help; runlens help COMMAND for a command's

options:
  -V, --version  print the version and exit
  -h, --help     this help; runlens COMMAND --help for a command's

${EXIT_CODES_HELP}`;
}

/**
 * `runlens [--version|--help] COMMAND ...`: parses the command line, prints help and usage
 * errors, and starts the subcommand. Help goes to stdout (exit 0), usage errors to stderr (exit 2).
 */
export async function dispatch(argv: readonly string[], out: Output): Promise<number> {
  const top = parseCommand(TOP_SPEC, argv);
  if (top.kind === 'usage_error') return usageFailure(out, top.message);
  if (top.kind === 'help') return help(out, topUsage());
  if (top.values.version === true) return help(out, runlensVersion());
  const [name, ...rest] = top.positionals;
  if (name === undefined) return help(out, topUsage());
  if (name === 'help') return helpFor(rest[0], out);
  if (!isSubcommand(name)) return usageFailure(out, `unknown command ${name}; see runlens --help`);
  const sub: Subcommand = SUBCOMMANDS[name];
  const p = sub.prepare(rest);
  switch (p.kind) {
    case 'help': return help(out, sub.usage);
    case 'usage_error': return usageFailure(out, p.message);
    case 'ok': return p.start();
  }
}

function helpFor(name: string | undefined, out: Output): number {
  if (name === undefined) return help(out, topUsage());
  if (!isSubcommand(name)) return usageFailure(out, `unknown command ${name}; see runlens --help`);
  return help(out, SUBCOMMANDS[name].usage);
}

function help(out: Output, text: string): number {
  out.stdout(`${text}\n`);
  return EXIT.ok;
}

function usageFailure(out: Output, message: string): number {
  out.stderr(`runlens: ${message}\n`);
  return EXIT.usage;
}
