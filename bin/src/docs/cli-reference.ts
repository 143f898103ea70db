import { EXIT_CODES_HELP } from '../cli/exit-codes.ts';
import { topUsage } from '../cli/dispatch.ts';
import { SUBCOMMANDS } from '../cli/subcommands.ts';

/** docs/cli.md, from the usage texts the CLI prints: one source, so the page cannot drift. */
export function cliReference(): string {
  const names = Object.keys(SUBCOMMANDS) as (keyof typeof SUBCOMMANDS)[];
  const sections = names.map((n) => `## runlens ${n}\n\n${SUBCOMMANDS[n].summary}.\n\n\`\`\`text\n${SUBCOMMANDS[n].usage}\n\`\`\`\n`);
  return `# runlens command line reference

<!-- Generated from bin/src/cli (the texts --help prints) by \`npx tsx bin/src/docs/write-docs.ts\`;
     bin/src/docs/docs.test.ts fails when this file is stale. Do not edit by hand. -->

Every command takes \`-h\`/\`--help\` (printed to stdout, exit 0); \`runlens --version\` prints
the version. Usage errors go to stderr and exit 2; settings are \`RUNLENS_*\` variables,
checked all at once (exit 78 names every wrong one).

\`\`\`text
${topUsage()}
\`\`\`

## Exit codes

\`\`\`text
${EXIT_CODES_HELP}
\`\`\`

${sections.join('\n')}`;
}
