import type { ComponentCounters } from './counters.ts';

/**
 * Self-metrics in the Prometheus text exposition format (0.0.4), from the counters every
 * component keeps. Names follow Prometheus conventions: snake_case, base units (`_seconds`,
 * `_bytes`), `_total` on counters. Label values come from small sets (ComponentCounters).
 */
export interface MetricSample {
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
  /** Appended to the family name: a histogram's `_bucket`, `_sum`, `_count`. */
  readonly suffix?: string;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly samples: readonly MetricSample[];
}

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const number = (v: number): string => Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);

function labels(l: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(l ?? {});
  return entries.length === 0 ? '' : `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

/** Families with the same name are merged (several components share `runlens_received_total`). */
export function renderPrometheus(families: readonly MetricFamily[]): string {
  const merged = new Map<string, MetricFamily & { samples: MetricSample[] }>();
  for (const f of families) {
    const m = merged.get(f.name);
    if (m) m.samples.push(...f.samples);
    else merged.set(f.name, { ...f, samples: [...f.samples] });
  }
  const out: string[] = [];
  for (const f of merged.values()) {
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) out.push(`${f.name}${s.suffix ?? ''}${labels(s.labels)} ${number(s.value)}`);
  }
  return `${out.join('\n')}\n`;
}

/** The four counts of Vector's component spec, and the raised conditions, for each component. */
export function counterFamilies(components: readonly ComponentCounters[]): MetricFamily[] {
  const per = <T>(f: (c: ComponentCounters) => T[]): T[] => components.flatMap(f);
  return [
    { name: 'runlens_received_total', help: 'Items a component received (rows, messages or requests, as the component counts).', type: 'counter',
      samples: per((c) => [{ labels: { component: c.component }, value: c.received }]) },
    { name: 'runlens_sent_total', help: 'Items a component passed on after success only (durably written, accepted, answered).', type: 'counter',
      samples: per((c) => [{ labels: { component: c.component }, value: c.sent }]) },
    { name: 'runlens_errors_total', help: 'Errors, by component and stage.', type: 'counter',
      samples: per((c) => [...c.errors].map(([stage, n]) => ({ labels: { component: c.component, stage }, value: n }))) },
    { name: 'runlens_discarded_total', help: 'Items dropped, intentionally or not, by component and reason (spool_full: the agent spool dropped its oldest batches).', type: 'counter',
      samples: per((c) => [...c.discarded].map(([reason, n]) => ({ labels: { component: c.component, reason }, value: n }))) },
    { name: 'runlens_condition', help: 'Raised self-alerts (1), by component, condition and reason.', type: 'gauge',
      samples: per((c) => [...c.conditions].map(([condition, s]) => ({ labels: { component: c.component, condition, reason: s.reason }, value: 1 }))) },
    { name: 'runlens_condition_since_seconds', help: 'When each raised condition began, Unix seconds.', type: 'gauge',
      samples: per((c) => [...c.conditions].map(([condition, s]) => ({ labels: { component: c.component, condition }, value: s.since_ms / 1000 }))) },
  ];
}
