import { RetryableError, backoffMs, sleep } from '@runlens/schemas';
import { createHmac } from 'node:crypto';
import { type Alert, isFiring } from './alert.ts';
import { type AlertSink, postJson } from './alert-sink.ts';

export const SIGNATURE_HEADER = 'x-runlens-signature';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the receiver recomputes it with the
 * shared secret and rejects an old `t`, so a captured delivery cannot be replayed later.
 */
export function signature(secret: string, body: string, unixS: number): string {
  const mac = createHmac('sha256', secret).update(`${unixS}.${body}`).digest('hex');
  return `t=${unixS},v1=${mac}`;
}

/** What the webhook receives: the alerts with their status, as Alertmanager's own webhook does. */
export function webhookBody(alerts: readonly Alert[], nowMs: number): string {
  return JSON.stringify({
    version: '1',
    source: 'runlens',
    alerts: alerts.map((a) => ({ status: isFiring(a, nowMs) ? 'firing' : 'resolved', ...a })),
  });
}

export interface WebhookOptions {
  readonly url: string;
  readonly secret: string;
  /** Tries per delivery before it is handed back to the forwarder (which keeps it pending). */
  readonly attempts?: number;
  readonly baseDelayMs?: number;
}

/** A direct webhook for sites without Alertmanager: signed, retried with capped jittered backoff. */
export function webhookSink(o: WebhookOptions): AlertSink {
  const attempts = o.attempts ?? 4;
  return {
    name: 'webhook',
    async post(alerts) {
      for (let attempt = 0; ; attempt++) {
        const now = Date.now();
        const body = webhookBody(alerts, now);
        try {
          await postJson(o.url, body, { [SIGNATURE_HEADER]: signature(o.secret, body, Math.floor(now / 1000)) });
          return;
        } catch (e) {
          if (!(e instanceof RetryableError) || attempt + 1 >= attempts) throw e;
          await sleep(backoffMs(attempt, o.baseDelayMs ?? 250, 10_000));
        }
      }
    },
  };
}
