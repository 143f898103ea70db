import { randomBytes } from 'node:crypto';

/** Time-sortable run id: base36 milliseconds plus 8 random hex digits. */
export function newRunId(now = Date.now()): string {
  return `r${now.toString(36)}${randomBytes(4).toString('hex')}`;
}
