import { AlertForwarder, type AlertSink, type ForwarderState, alertmanagerSink, webhookSink } from '@runlens/analyzer';
import type { Bus } from '@runlens/pipeline';
import type { Logger, Store } from '@runlens/schemas';
import { z } from 'zod';
import { secretFile } from './config-files.ts';

const url = z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');

/** Alerting settings of `runlens analyze`: off unless Alertmanager or a webhook is named. */
export const alertSchema = {
  RUNLENS_ALERTMANAGER_URL: url.optional(),
  RUNLENS_ALERT_WEBHOOK_URL: url.optional(),
  RUNLENS_ALERT_WEBHOOK_SECRET_FILE: secretFile().optional(),
  RUNLENS_DASHBOARD_URL: url.default('http://127.0.0.1:3000'),
  RUNLENS_CLUSTER: z.string().min(1).default('default'),
  RUNLENS_ALERT_CLEAR_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  RUNLENS_ALERT_RESEND_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  RUNLENS_ALERT_EVENT_HOLD_MS: z.coerce.number().int().min(1000).max(86_400_000).default(900_000),
  // Undelivered alerts are journaled here (one file per receiver) and survive a restart. `up`: <data dir>/alert-spool
  // unless set; `analyze`: memory only unless set, one directory per replica (a replica owns its journal).
  RUNLENS_ALERT_SPOOL_DIR: z.string().min(1).optional(),
  RUNLENS_ALERT_SPOOL_MAX_ALERTS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  RUNLENS_ALERT_SPOOL_MAX_BYTES: z.coerce.number().int().min(4096).max(1024 ** 3).default(32 * 1024 * 1024),
  // Delivery failing this long makes /readyz say "degraded" (still 200) and raises runlens_condition.
  RUNLENS_ALERT_DEGRADED_AFTER_MS: z.coerce.number().int().min(1000).max(86_400_000).default(300_000),
};

const alertObject = z.object(alertSchema);
export type AlertConfig = z.output<typeof alertObject>;

/** The problem with the settings, if any: a webhook is never sent unsigned. */
export function alertProblem(c: AlertConfig): string | null {
  if (c.RUNLENS_ALERT_WEBHOOK_URL && !c.RUNLENS_ALERT_WEBHOOK_SECRET_FILE) return 'RUNLENS_ALERT_WEBHOOK_URL needs RUNLENS_ALERT_WEBHOOK_SECRET_FILE (deliveries are signed)';
  return null;
}

/** The forwarder for these settings, or null when no receiver is configured. */
export function alertForwarder(c: AlertConfig, deps: { bus: Bus; store: Store; log: Logger }): AlertForwarder | null {
  const sinks: AlertSink[] = [];
  if (c.RUNLENS_ALERTMANAGER_URL) sinks.push(alertmanagerSink(c.RUNLENS_ALERTMANAGER_URL));
  if (c.RUNLENS_ALERT_WEBHOOK_URL && c.RUNLENS_ALERT_WEBHOOK_SECRET_FILE) sinks.push(webhookSink({ url: c.RUNLENS_ALERT_WEBHOOK_URL, secret: c.RUNLENS_ALERT_WEBHOOK_SECRET_FILE }));
  if (sinks.length === 0) return null;
  return new AlertForwarder({
    ...deps, sinks, dashboardUrl: c.RUNLENS_DASHBOARD_URL, cluster: c.RUNLENS_CLUSTER,
    clearMs: c.RUNLENS_ALERT_CLEAR_MS, resendMs: c.RUNLENS_ALERT_RESEND_MS, eventHoldMs: c.RUNLENS_ALERT_EVENT_HOLD_MS, maxAlerts: 10_000,
    spoolDir: c.RUNLENS_ALERT_SPOOL_DIR ?? null, spoolMaxCount: c.RUNLENS_ALERT_SPOOL_MAX_ALERTS, spoolMaxBytes: c.RUNLENS_ALERT_SPOOL_MAX_BYTES,
    degradedAfterMs: c.RUNLENS_ALERT_DEGRADED_AFTER_MS,
  });
}

/**
 * What /readyz adds for the forwarder. A failing receiver makes the process "degraded", never
 * not-ready: readiness gates traffic and restarts, and neither mends a receiver that is down;
 * the undelivered alerts wait in the spool. Operators alert on the status or on
 * runlens_condition / runlens_alert_oldest_undelivered_seconds.
 */
export function alertHealth(alerts: AlertForwarder | null): { status: 'ok' | 'degraded'; degraded: string[]; alerting: ForwarderState | null } {
  if (!alerts) return { status: 'ok', degraded: [], alerting: null };
  const s = alerts.state();
  return { status: s.status, degraded: [...s.degraded], alerting: s };
}
