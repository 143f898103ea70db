import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliReference } from './cli-reference.ts';
import { findingsGuide } from './findings-guide.ts';
import { otelReference } from './otel-reference.ts';

/** The generated pages of docs/, by file name. */
export const GENERATED_DOCS: Readonly<Record<string, () => string>> = { 'cli.md': cliReference, 'findings.md': findingsGuide, 'otel.md': otelReference };
export const DOCS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, render] of Object.entries(GENERATED_DOCS)) writeFileSync(join(DOCS_DIR, name), render());
}
