import { ConfigError } from '@runlens/schemas';
import { loadConfig } from './config.ts';
import { reportCommand } from './commands/report.ts';
import { runCommand } from './commands/run.ts';
import { dashboardCommand } from './commands/dashboard.ts';
import { upCommand } from './commands/up.ts';
import { agentRole } from './roles/agent.ts';
import { analyzeRole } from './roles/analyze.ts';
import { ingestRole } from './roles/ingest.ts';
import { migrateRole } from './roles/migrate.ts';

const USAGE = `usage:
  runlens run [--app NAME] [--cores N] [--json FILE] [--html FILE] -- CMD [ARGS...]
  runlens up                       embedded stack: agent + store + analyzer + API + dashboard on 127.0.0.1
  runlens report RUN_ID [--json|--html|--md]
  runlens agent | ingest | analyze | migrate              cluster roles (settings: env or RUNLENS_CONFIG_FILE)
  runlens dashboard [build]        cluster dashboard over the configured store (RUNLENS_STORE, ...)`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run': return runCommand(rest, loadConfig());
    case 'up': return upCommand(loadConfig());
    case 'report': return reportCommand(rest, loadConfig());
    case 'agent': return agentRole();
    case 'ingest': return ingestRole();
    case 'migrate': return migrateRole();
    case 'analyze': return analyzeRole();
    case 'dashboard': return dashboardCommand(rest);
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
