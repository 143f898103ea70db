import { AlertForwarder, type AlertSink, alertmanagerSink, webhookSink } from '@runlens/analyzer';
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
  });
}
