import type { Store } from '@runlens/pipeline';
import { type BaselineStats, type Identity, baselineStats } from '@runlens/schemas';

/**
 * The app page's baseline: the one baseline definition (schemas run-summaries.ts) over the app's
 * finished runs that this identity may see, so a plain user's band comes from their own runs.
 */
export function appBaseline(store: Store, id: Identity, app: string, now = Date.now()): Promise<BaselineStats | null> {
  return baselineStats(store, { app, fingerprint: '', exclude_run: '', ended_before_ms: now, visible_to: id });
}
