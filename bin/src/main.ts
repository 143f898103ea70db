import { ConfigError } from '@runlens/schemas/runtime/errors';
import { dispatch } from './cli/dispatch.ts';
import { EXIT } from './cli/exit-codes.ts';

const out = {
  stdout: (text: string): void => { process.stdout.write(text); },
  stderr: (text: string): void => { process.stderr.write(text); },
};

dispatch(process.argv.slice(2), out).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(e instanceof ConfigError ? `${e.message}\n` : `runlens: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(e instanceof ConfigError ? EXIT.config : EXIT.failure);
  },
);
