import type { ChdbStoreOptions } from './store/chdb/index.ts';
import type { Store } from './store/types.ts';

/**
 * Opens the embedded store. The import is dynamic on purpose: chDB costs ~190 MB RSS,
 * and the agent role must never load it.
 */
export async function openChdbStore(opts: ChdbStoreOptions): Promise<Store> {
  const { ChdbStore } = await import('./store/chdb/index.ts');
  const store = new ChdbStore(opts);
  await store.migrate();
  return store;
}

export { MemoryBus } from './bus/memory/index.ts';
