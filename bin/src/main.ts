import { ConfigError } from '@runlens/schemas';
import { loadConfig } from './config.ts';
import { reportCommand } from './commands/report.ts';
import { runCommand } from './commands/run.ts';
import { upCommand } from './commands/up.ts';

const USAGE = `usage:
  runlens run [--app NAME] [--cores N] [--json FILE] [--html FILE] -- CMD [ARGS...]
  runlens up                       embedded stack: agent + store + analyzer + API on 127.0.0.1
  runlens report RUN_ID [--json|--html|--md]
  runlens agent | ingest | analyze | dashboard | migrate    cluster roles (not in this build yet)`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const cfg = loadConfig();
  switch (command) {
    case 'run': return runCommand(rest, cfg);
    case 'up': return upCommand(cfg);
    case 'report': return reportCommand(rest, cfg);
    case 'agent': case 'ingest': case 'analyze': case 'dashboard': case 'migrate':
      process.stderr.write(`runlens ${command}: the cluster roles are not built yet (issue 3); use runlens up\n`);
      return 2;
    default:
      process.stderr.write(`${USAGE}\n`);
      return command === undefined || command === '--help' || command === 'help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(e instanceof ConfigError ? `${e.message}\n` : `runlens: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(e instanceof ConfigError ? 78 : 1);
  },
);
