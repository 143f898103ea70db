import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Sum of file sizes under `dir` (apparent bytes, as ClickHouse's bytes_on_disk counts them);
 * 0 if it does not exist. Files vanishing mid-walk (a merge removing old parts) are skipped.
 */
export function dirBytes(dir: string, skip: (name: string) => boolean = () => false): number {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  let total = 0;
  for (const name of entries) {
    if (skip(name)) continue;
    const p = join(dir, name);
    try {
      const st = lstatSync(p);
      if (st.isDirectory()) total += dirBytes(p, skip);
      else if (st.isFile()) total += st.size;
    } catch {
      // removed between readdir and lstat
    }
  }
  return total;
}
