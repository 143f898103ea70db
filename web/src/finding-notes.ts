import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The detectors' READMEs, the one text per finding kind on what it means and what to do. Two
 * levels up is the repository root both from web/src and from a dist/<build>/ bundle (as for
 * DASHBOARD_DIR).
 */
const DETECTORS = fileURLToPath(new URL('../../analyzer/src/detectors/', import.meta.url));

export async function findingNotes(kind: string): Promise<string | null> {
  if (!/^[a-z_]{1,64}$/.test(kind)) return null;
  try {
    return await readFile(join(DETECTORS, kind, 'README.md'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
