import { createRequire } from 'node:module';

/** The part of kafkajs's RequestQueue (src/network/requestQueue/index.js, 2.2.4) this file replaces and reads. */
export interface RequestQueueShape {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs's CHECK_PENDING_REQUESTS_INTERVAL: how soon a held request is looked at again when no throttle says otherwise. */
const CHECK_PENDING_MS = 10;

/**
 * A queue's next look at its held requests, only when one is held. kafkajs 2.2.4 arms the timer
 * for `throttledUntil - now` even with nothing held; with no throttle that is negative (1 ms), and
 * the timer's own call re-arms it, so once a connection has answered one request it wakes the
 * event loop about a thousand times a second for as long as it lives (tulios/kafkajs#1556, fix
 * proposed in #1667, not released). On 3 brokers it cost each role 2-3 points of a core, an
 * agent more than its sampling (benchmarks/roles-idle). A request that arrives later is looked at
 * by `push` (which calls this), and one held for in-flight room by `fulfillRequest`; so with
 * nothing held there is nothing to look at.
 */
function scheduleCheckPendingRequests(this: RequestQueueShape): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const untilUnthrottled = this.throttledUntil - Date.now();
  // A throttle within a millisecond of its end still gets a look (kafkajs#1532's stall).
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_MS);
}

/** kafkajs's RequestQueue class, the one its connections use (the same module instance). */
export function requestQueueClass(): { new (opts: object): RequestQueueShape; prototype: RequestQueueShape } {
  const require = createRequire(import.meta.url);
  return require('kafkajs/src/network/requestQueue/index.js') as { new (opts: object): RequestQueueShape; prototype: RequestQueueShape };
}

/** Replaces the request queue's timer (above) for every kafkajs connection of this process; idempotent. */
export function installIdleRequestQueue(): void {
  requestQueueClass().prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
}
