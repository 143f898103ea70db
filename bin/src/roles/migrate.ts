import { createLogger } from '@runlens/schemas';
import { z } from 'zod';
import { loadRoleConfig } from './role-config.ts';
import { openConfiguredStore, storeSchema } from './store-config.ts';

/** `runlens migrate`: create the database and every catalog table for this server's capabilities. */
export async function migrateRole(): Promise<number> {
  const c = loadRoleConfig(z.object({ ...storeSchema, RUNLENS_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info') }));
  const log = createLogger(c.RUNLENS_LOG_LEVEL, { role: 'migrate' });
  const store = await openConfiguredStore(c);
  try {
    for (const warning of await store.migrate()) log.warn('schema drift', { warning });
    log.info('migrated', { store: store.kind, database: store.database, capabilities: store.capabilities });
    return 0;
  } finally {
    await store.close();
  }
}
