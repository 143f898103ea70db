import { parseArgs } from 'node:util';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
}

export interface CommandSpec {
  /** As the user types it (`runlens report`): every error names it and its --help. */
  readonly name: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /**
   * 'rest': the first positional (or `--`) ends the options and starts a command line of the
   * user's own, whose flags are never read as ours. A number: at most that many positionals.
   */
  readonly positionals: 'rest' | number;
}

export type UsageError = { readonly kind: 'usage_error'; readonly message: string };
/** Not a command to start: help was asked for, or the command line is wrong. */
export type Stop = { readonly kind: 'help' } | UsageError;
export type Parsed = {
  readonly kind: 'ok';
  /** The last value of each option given. */
  readonly values: Readonly<Record<string, string | true>>;
  /** Every value of each string option, in order: for options that may repeat (`--metric`). */
  readonly repeated: Readonly<Record<string, readonly string[]>>;
  readonly positionals: readonly string[];
} | Stop;

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];
type OptionToken = Extract<Token, { kind: 'option' }>;

const HELP: OptionSpec = { type: 'boolean', short: 'h' };

/** A usage error that names the fix: the command's own --help. */
export function usageError(spec: Pick<CommandSpec, 'name'>, what: string): UsageError {
  return { kind: 'usage_error', message: `${what}; see ${spec.name} --help` };
}

/**
 * node:util parseArgs tokenises (long, short, grouped, `--name=value`, `--`); the checks are
 * ours so that each error says which command it concerns and how to get its help.
 * `-h`/`--help` anywhere before the command line wins over every other problem.
 */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): Parsed {
  const options = { ...spec.options, help: HELP };
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | true> = {};
  const repeated: Record<string, string[]> = {};
  let positionals: string[] = [];
  let problem: string | null = null;
  let help = false;
  for (const t of tokens) {
    if (t.kind === 'option-terminator' || t.kind === 'positional') {
      if (spec.positionals === 'rest') {
        positionals = argv.slice(t.kind === 'positional' ? t.index : t.index + 1);
        break;
      }
      if (t.kind === 'positional') positionals.push(t.value);
      continue;
    }
    const bad = optionProblem(spec, options, t);
    if (bad === null && t.name === 'help') help = true;
    else if (bad === null) {
      values[t.name] = t.value ?? true;
      if (t.value !== undefined) (repeated[t.name] ??= []).push(t.value);
    }
    problem ??= bad;
  }
  if (help) return { kind: 'help' };
  if (problem !== null) return usageError(spec, problem);
  if (typeof spec.positionals === 'number' && positionals.length > spec.positionals) {
    return usageError(spec, `unexpected argument ${positionals[spec.positionals] ?? ''} for ${spec.name}`);
  }
  return { kind: 'ok', values, repeated, positionals };
}

function optionProblem(spec: CommandSpec, options: Readonly<Record<string, OptionSpec>>, t: OptionToken): string | null {
  const known = Object.hasOwn(options, t.name) ? options[t.name] : undefined;
  if (!known) return `unknown option ${t.rawName} for ${spec.name}`;
  if (known.type === 'string' && t.value === undefined) return `${t.rawName} needs a value`;
  if (known.type === 'boolean' && t.value !== undefined) return `${t.rawName} takes no value`;
  return null;
}
