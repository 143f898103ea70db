import type { Row } from '../catalog/index.ts';
import type { OtelAttributes } from './otel-series.ts';

/** A finding as an OTel log record: an event with a time, a severity, a body and attributes. */
export interface OtelFindingRecord {
  readonly timeMs: number;
  /** OTel SeverityNumber: INFO 9, WARN 13, ERROR 17. */
  readonly severityNumber: 9 | 13 | 17;
  readonly severityText: 'INFO' | 'WARN' | 'ERROR';
  readonly body: string;
  /** host.name when the finding has a host (the record's resource), else ''. */
  readonly host: string;
  readonly attributes: OtelAttributes;
}

const SEVERITY = {
  info: [9, 'INFO'], warning: [13, 'WARN'], critical: [17, 'ERROR'],
} as const satisfies Record<string, readonly [9 | 13 | 17, 'INFO' | 'WARN' | 'ERROR']>;

/** `runlens.finding.*` attributes carry the vocabulary's fields; the event name `runlens.finding` tells it from other logs. */
export function otelFindingRecord(f: Row<'findings'>): OtelFindingRecord {
  const [severityNumber, severityText] = SEVERITY[f.severity as keyof typeof SEVERITY] ?? SEVERITY.info;
  return {
    timeMs: f.start_ts, severityNumber, severityText, body: f.message, host: f.host,
    attributes: {
      'runlens.run.id': f.run_id, 'runlens.finding.id': f.finding_id,
      'runlens.finding.kind': f.kind, 'runlens.finding.scope': f.scope, 'runlens.finding.scope_id': f.scope_id,
      'runlens.finding.confidence': f.confidence, 'runlens.finding.end_ts': f.end_ts,
      'runlens.finding.advice': f.advice, 'runlens.finding.evidence': f.evidence,
    },
  };
}
