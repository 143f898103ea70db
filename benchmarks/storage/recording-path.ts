import { join } from 'node:path';

/** The longer idle recording made by record-idle.ts (the storage control data set). */
export const IDLE_RECORDING = join(import.meta.dirname, 'recordings', 'vm-idle.json.gz');
