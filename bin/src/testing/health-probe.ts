import { sleep } from '@runlens/schemas';

/** What a role's /healthz or /readyz answered: the HTTP status and the { live, ready, waiting_for } body. */
export interface Probe {
  readonly status: number;
  readonly live: boolean;
  readonly ready: boolean;
  readonly waiting_for: readonly string[];
  /** The whole answer: roles add their own parts (the alert forwarder's `alerting`, `status`). */
  readonly body: Readonly<Record<string, unknown>>;
}

/** One GET of a health path, or null while nothing answers on the port. */
export async function probe(port: number, path: '/healthz' | '/readyz' = '/readyz'): Promise<Probe | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5_000) });
    const body = (await res.json()) as Partial<Probe> & Record<string, unknown>;
    return { status: res.status, live: body.live === true, ready: body.ready === true, waiting_for: body.waiting_for ?? [], body };
  } catch {
    return null;
  }
}

/** Polls until `accept` holds for the answer on `port`; throws with the last answer after `timeoutMs`. */
export async function probeUntil(port: number, accept: (p: Probe) => boolean, timeoutMs: number, what: string): Promise<Probe> {
  const deadline = Date.now() + timeoutMs;
  let last: Probe | null = null;
  for (;;) {
    last = await probe(port);
    if (last && accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; last answer ${JSON.stringify(last)}`);
    await sleep(500);
  }
}
