import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT_PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'package.json');

/** The version of this checkout: the root package.json's, read when asked (no build step stamps it). */
export function runlensVersion(path = ROOT_PACKAGE): string {
  const pkg = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}
