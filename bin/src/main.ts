import { ConfigError } from '@runlens/schemas/runtime/errors';
import { EXIT } from './cli/exit-codes.ts';

const out = {
  stdout: (text: string): void => { process.stdout.write(text); },
  stderr: (text: string): void => { process.stderr.write(text); },
};

const argv = process.argv.slice(2);
// Slurm's Prolog/Epilog/TaskProlog hold up every job (or task) on the node: load the hook alone, not every command.
const hook = argv.length === 2 && argv[0] === 'slurm' && (argv[1] === 'prolog' || argv[1] === 'epilog' || argv[1] === 'task-prolog') ? argv[1] : null;
const run = hook === 'task-prolog'
  ? import('./commands/slurm-task-prolog.ts').then((m) => m.slurmTaskPrologCommand(process.env))
  : hook !== null
    ? import('./commands/slurm-hook.ts').then((m) => m.slurmHookCommand(hook, process.env))
    : import('./cli/dispatch.ts').then((m) => m.dispatch(argv, out));

run.then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(e instanceof ConfigError ? `${e.message}\n` : `runlens: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(e instanceof ConfigError ? EXIT.config : EXIT.failure);
  },
);
