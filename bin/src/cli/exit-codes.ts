/** The one list of `runlens` exit codes; `runlens --help` and bin/README.md print it. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** sysexits.h EX_CONFIG: a setting is wrong; retrying cannot help. */
  config: 78,
} as const;

export const EXIT_CODES_HELP = `exit codes:
  0    ok
  1    failure (the store, the network, a run that is not found, ...)
  2    usage error: an unknown option or command, a missing argument
  78   configuration error: a RUNLENS_* setting or a config file is wrong
  N    runlens run: the monitored command's own exit code`;
