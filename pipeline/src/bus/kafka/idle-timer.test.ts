import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RequestQueueShape, installIdleRequestQueue, requestQueueClass } from './idle-timer.ts';

/** kafkajs's own request queue (with this package's timer), driven as its connection drives it. */
type Queue = RequestQueueShape & {
  push(r: object): void;
  fulfillRequest(r: { correlationId: number; payload: Buffer; size: number }): void;
  destroy(): void;
};

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const queues: Queue[] = [];

function queue(maxInFlightRequests: number | null = null): Queue {
  const RequestQueue = requestQueueClass();
  const q = new RequestQueue({ maxInFlightRequests, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 't', broker: 'b:9092', logger: quiet }) as Queue;
  queues.push(q);
  return q;
}

/** A request as Connection.send pushes it; `sent` counts its sends. */
function request(correlationId: number, sent: number[]): object {
  return {
    entry: { correlationId, apiKey: 1, apiName: 'Fetch', apiVersion: 11, resolve: () => {}, reject: () => {} },
    expectResponse: true, sendRequest: () => sent.push(correlationId),
  };
}

describe("kafkajs's request queue, idle", () => {
  beforeAll(() => installIdleRequestQueue());
  afterEach(() => {
    vi.useRealTimers();
    for (const q of queues.splice(0)) q.destroy();
  });

  it('arms no timer once it has answered a request and holds none (kafkajs 2.2.4 re-armed one every 1 ms)', () => {
    const sent: number[] = [];
    const q = queue();
    q.push(request(1, sent));
    q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    expect(sent).toEqual([1]);
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('sends a request held by a broker throttle when the throttle ends', () => {
    vi.useFakeTimers();
    const sent: number[] = [];
    const q = queue();
    q.throttledUntil = Date.now() + 40;
    q.push(request(7, sent));
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(39);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(sent).toEqual([7]);
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('sends a request held for in-flight room when the one before it is answered', () => {
    vi.useFakeTimers();
    const sent: number[] = [];
    const q = queue(1);
    q.push(request(1, sent));
    q.push(request(2, sent));
    expect(sent).toEqual([1]);
    q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    expect(sent).toEqual([1, 2]);
    // Held, it was looked at again every 10 ms; sent, nothing is held and no look is left armed.
    vi.advanceTimersByTime(100);
    expect(q.throttleCheckTimeoutId).toBeNull();
  });
});
