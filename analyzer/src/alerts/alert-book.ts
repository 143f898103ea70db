import type { Row, RunRecord } from '@runlens/schemas';
import { type Alert, eventAlert, findingAlert, isFiring, resolved } from './alert.ts';

export interface AlertBookOptions {
  readonly dashboardUrl: string;
  readonly cluster: string;
  /** A live finding not re-published for this long has cleared (the analyzer re-publishes raised findings at every evaluation). */
  readonly clearMs: number;
  /** Firing alerts are re-sent this often, as Prometheus does, so a restarted Alertmanager learns them again. */
  readonly resendMs: number;
  /** How long a kernel event stays firing unless its recovery (link up, server OK) comes first. */
  readonly eventHoldMs: number;
  /** Bound on alerts kept; the oldest go first (counted by the caller as discarded). */
  readonly maxAlerts: number;
}

interface Entry {
  alert: Alert;
  readonly runId: string | null;
  refreshedMs: number;
  sentMs: number;
}

/** An event kind that ends an earlier one on the same host and device. */
const RECOVERS: Readonly<Record<string, string>> = { link_up: 'link_down', fs_ok: 'fs_not_responding' };

/**
 * The alerts RunLens has open, and what changed since the last delivery. Pure state: the
 * forwarder feeds it rows and the clock, and posts what `takeChanged` returns.
 */
export class AlertBook {
  private readonly open = new Map<string, Entry>();
  private changed = new Map<string, Alert>();
  evicted = 0;

  constructor(private readonly o: AlertBookOptions) {}

  /** A finding row of a run still running; info-level findings never alert. */
  finding(f: Row<'findings'>, run: RunRecord, nowMs: number): void {
    if (f.severity === 'info') return;
    const key = `f|${f.run_id}|${f.finding_id}`;
    const e = this.open.get(key);
    if (e && e.alert.labels.severity === f.severity) {
      e.refreshedMs = nowMs;
      return;
    }
    const alert = findingAlert(f, run, this.o.dashboardUrl, nowMs, nowMs + this.firingTtl());
    this.put(key, { alert, runId: f.run_id, refreshedMs: nowMs, sentMs: nowMs });
  }

  /** A kernel event; a recovery event resolves the open alert it ends instead of opening one. */
  event(ev: Row<'node_events'>, nowMs: number): void {
    const ends = RECOVERS[ev.kind];
    if (ends) {
      for (const [key, e] of this.open) {
        const l = e.alert.labels;
        if (l.kind === ends && l.host === ev.host && l.device === ev.device) this.resolve(key, e, nowMs);
      }
      return;
    }
    if (ev.severity === 'info') return;
    const key = `e|${ev.host}|${ev.seq}|${ev.ts}`;
    if (this.open.has(key)) return;
    const alert = eventAlert(ev, this.o.dashboardUrl, this.o.cluster, nowMs, nowMs + this.o.eventHoldMs);
    this.put(key, { alert, runId: null, refreshedMs: nowMs, sentMs: nowMs });
  }

  /** The run ended: its verdict is in the report, its live alerts resolve. */
  runEnded(runId: string, nowMs: number): void {
    for (const [key, e] of this.open) if (e.runId === runId) this.resolve(key, e, nowMs);
  }

  /** Clears findings no longer re-published, forgets expired events, re-sends what still fires. */
  sweep(nowMs: number): void {
    for (const [key, e] of this.open) {
      if (e.runId !== null && nowMs - e.refreshedMs >= this.o.clearMs) this.resolve(key, e, nowMs);
      else if (!isFiring(e.alert, nowMs)) this.open.delete(key);
      else if (nowMs - e.sentMs >= this.o.resendMs) {
        e.sentMs = nowMs;
        const endsAt = e.runId === null ? Date.parse(e.alert.endsAt) : nowMs + this.firingTtl();
        e.alert = { ...e.alert, endsAt: new Date(endsAt).toISOString() };
        this.changed.set(key, e.alert);
      }
    }
  }

  /** Runs with alerts open: the forwarder checks whether they have ended. */
  openRuns(): string[] {
    return [...new Set([...this.open.values()].flatMap((e) => (e.runId === null ? [] : [e.runId])))];
  }

  firing(): number {
    return this.open.size;
  }

  /** Alerts created, re-sent or resolved since the last call, keyed for per-sink de-duplication. */
  takeChanged(): Map<string, Alert> {
    const out = this.changed;
    this.changed = new Map();
    return out;
  }

  private firingTtl(): number {
    return Math.max(this.o.clearMs, this.o.resendMs) * 3;
  }

  private put(key: string, e: Entry): void {
    this.open.delete(key);
    this.open.set(key, e);
    this.changed.set(key, e.alert);
    for (const oldest of this.open.keys()) {
      if (this.open.size <= this.o.maxAlerts) break;
      this.open.delete(oldest);
      this.evicted++;
    }
  }

  private resolve(key: string, e: Entry, nowMs: number): void {
    this.open.delete(key);
    this.changed.set(key, resolved(e.alert, nowMs));
  }
}
