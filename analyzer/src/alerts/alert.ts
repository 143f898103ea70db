import type { Row, RunRecord } from '@runlens/schemas';

/**
 * One alert in Alertmanager's v2 shape (`POST /api/v2/alerts`). Alertmanager identifies an
 * alert by its label set, so the labels name exactly one finding or one kernel event; the
 * values come from small bounded sets (kinds, severities, hosts, users) so routes can group.
 */
export interface Alert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  /** In the future while firing (Alertmanager resolves it then unless refreshed); now or past once resolved. */
  readonly endsAt: string;
  readonly generatorURL: string;
}

/** Who an alert is for: a run's findings go to its user, a node's events to operations. */
export type Audience = 'user' | 'ops';

const iso = (ms: number): string => new Date(ms).toISOString();
const cap = (s: string, n = 1024): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function runLink(dashboardUrl: string, runId: string): string {
  return `${dashboardUrl.replace(/\/+$/, '')}/runs/${encodeURIComponent(runId)}`;
}

/**
 * The cause a finding stands for: detectors fold explained consequences into their cause
 * (causes.ts), so a finding's own kind is its cause; a hardware fault names the event behind it.
 */
function causeOf(f: Row<'findings'>, evidence: Record<string, unknown>): string {
  if (f.kind !== 'hardware_fault') return f.kind;
  if (typeof evidence.source === 'string') return evidence.source;
  if ('xid' in evidence) return 'gpu_xid';
  return 'downs' in evidence ? 'link_down' : f.kind;
}

function parseEvidence(s: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(s);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * A live finding of a run as an alert raised at `nowMs` that fires until `endsAtMs`. startsAt is
 * when RunLens raised it, as Prometheus does, not where the evidence begins (that is `since`):
 * Alertmanager flushes a group at once when an alert's startsAt + group_wait has passed, so
 * back-dated alerts would defeat grouping.
 */
export function findingAlert(f: Row<'findings'>, run: RunRecord, dashboardUrl: string, nowMs: number, endsAtMs: number): Alert {
  const evidence = parseEvidence(f.evidence);
  return {
    labels: {
      alertname: `runlens_${f.kind}`,
      audience: 'user' satisfies Audience,
      kind: f.kind,
      severity: f.severity,
      run: f.run_id,
      app: run.app,
      user: run.user,
      host: f.host || (run.hosts[0] ?? ''),
      cluster: run.cluster,
      cause: causeOf(f, evidence),
      scope: f.scope === 'run' ? 'run' : `${f.scope}:${f.scope_id}`,
    },
    annotations: { summary: cap(f.message), advice: cap(f.advice), since: iso(f.start_ts), dashboard: runLink(dashboardUrl, f.run_id) },
    startsAt: iso(nowMs),
    endsAt: iso(endsAtMs),
    generatorURL: runLink(dashboardUrl, f.run_id),
  };
}

/** A kernel or driver event as an alert for operations, raised at `nowMs`, held until `endsAtMs` unless a recovery ends it. */
export function eventAlert(e: Row<'node_events'>, dashboardUrl: string, cluster: string, nowMs: number, endsAtMs: number): Alert {
  const link = `${dashboardUrl.replace(/\/+$/, '')}/nodes/${encodeURIComponent(e.host)}`;
  return {
    labels: {
      alertname: `runlens_node_${e.kind}`,
      audience: 'ops' satisfies Audience,
      kind: e.kind,
      severity: e.severity,
      host: e.host,
      cluster,
      cause: e.kind,
      device: e.device,
      event: String(e.seq),
    },
    annotations: { summary: cap(e.detail ? `${e.kind} on ${e.host}: ${e.detail}` : `${e.kind} on ${e.host}`), at: iso(e.ts), raw: cap(e.raw), dashboard: link },
    startsAt: iso(nowMs),
    endsAt: iso(endsAtMs),
    generatorURL: link,
  };
}

/** The same alert, resolved at `atMs`. */
export function resolved(a: Alert, atMs: number): Alert {
  return { ...a, endsAt: iso(Math.max(atMs, Date.parse(a.startsAt))) };
}

export function isFiring(a: Alert, nowMs: number): boolean {
  return Date.parse(a.endsAt) > nowMs;
}
