import type { Store } from '@runlens/schemas';
import { afterAll, beforeAll } from 'vitest';
import type { OpenedStore } from './test-stores.ts';

/**
 * The store of one `describe.each(TEST_STORES)` block: opened (where available) and seeded before
 * its tests, closed after them. Tests read it as `db.store` and run as `it.runIf(available)`.
 * Vitest-only, so it stays out of the kit's index, which benchmarks import too.
 */
export function seededStore(available: boolean, open: () => Promise<OpenedStore>, seed: (store: Store) => Promise<void> = async () => undefined): { readonly store: Store } {
  let opened: OpenedStore | null = null;
  beforeAll(async () => {
    if (!available) return;
    opened = await open();
    await seed(opened.store);
  });
  afterAll(async () => { await opened?.done(); });
  return {
    get store(): Store {
      if (!opened) throw new Error('the test store is not open (not available here, or its setup failed)');
      return opened.store;
    },
  };
}
