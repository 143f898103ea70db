export interface RunArgs {
  readonly app: string | undefined;
  readonly cores: number | undefined;
  readonly json: string | undefined;
  readonly html: string | undefined;
  readonly cmd: string;
  readonly args: readonly string[];
}

const USAGE = 'usage: runlens run [--app NAME] [--cores N] [--json FILE] [--html FILE] -- CMD [ARGS...]';

/** Parses `run` options up to `--` (or the first non-option); everything after is the command. */
export function parseRunArgs(argv: readonly string[]): RunArgs | { error: string } {
  const opts: Record<string, string> = {};
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') { i++; break; }
    if (!a.startsWith('--')) break;
    const eq = a.indexOf('=');
    const flag = eq < 0 ? a.slice(2) : a.slice(2, eq);
    const inline = eq < 0 ? undefined : a.slice(eq + 1);
    if (!flag || !['app', 'cores', 'json', 'html'].includes(flag)) return { error: `unknown option ${a}\n${USAGE}` };
    const value = inline ?? argv[++i];
    if (value === undefined) return { error: `${a} needs a value\n${USAGE}` };
    opts[flag] = value;
  }
  const [cmd, ...args] = argv.slice(i);
  if (!cmd) return { error: `no command given\n${USAGE}` };
  const cores = opts.cores === undefined ? undefined : Number(opts.cores);
  if (cores !== undefined && !(Number.isFinite(cores) && cores > 0)) return { error: `--cores must be a positive number, got ${opts.cores}` };
  return { app: opts.app, cores, json: opts.json, html: opts.html, cmd, args };
}
