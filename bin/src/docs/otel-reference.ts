import { OTEL_SERIES_TABLES, otelMetricColumns, tableDef } from '@runlens/schemas';

/** docs/otel.md: the OTLP metric names, units and attributes, from the catalog's `otel` fields. */
export function otelReference(): string {
  const rows = OTEL_SERIES_TABLES.flatMap((t) => otelMetricColumns(t).map((c) => {
    const fixed = Object.entries(c.fixed).map(([k, v]) => `\`${k}=${v}\``).join(', ');
    return `| \`${c.name}\` | \`${c.unit}\` | ${c.kind === 'gauge' ? 'gauge' : 'sum (delta, monotonic)'} | ${fixed} | \`${t}.${c.column}\` |`;
  }));
  const attrs = OTEL_SERIES_TABLES.flatMap((t) => Object.entries(tableDef(t).columns)
    .filter(([, d]) => d.kind === 'attribute' && d.otel !== undefined && d.otel !== 'host.name').map(([c, d]) => `| \`${d.otel}\` | \`${t}.${c}\` | ${d.description} |`));
  return `# OTLP metric names

<!-- Generated from the catalog (schemas/src/catalog, each column's \`otel\` field) by
     \`npx tsx bin/src/docs/write-docs.ts\`; bin/src/docs/docs.test.ts fails when this file is stale. -->

What \`RUNLENS_OTLP_ENDPOINT\` receives ([interop.md](interop.md)). Names and units follow the
OpenTelemetry semantic conventions (UCUM units). A RunLens rate (cores, bytes/s, 1/s over the
sample's interval) is sent as a **delta sum** over that interval: \`process.cpu.time\` in
seconds of CPU, \`process.disk.io\` in bytes. Each host is one resource (\`host.name\`,
\`service.name=runlens\`).

| metric | unit | kind | attributes that tell its columns apart | from |
|---|---|---|---|---|
${rows.join('\n')}

Attributes on every point of a table, where the row has a value (\`host.name\` is the resource's):

| attribute | from | meaning |
|---|---|---|
${[...new Set(attrs)].join('\n')}

Findings are sent as log records (event name \`runlens.finding\`): the body is the message, the
severity INFO, WARN or ERROR (info, warning, critical), the time the finding's start, and the
attributes \`runlens.run.id\`, \`runlens.finding.kind\` ([findings.md](findings.md)),
\`runlens.finding.scope\`, \`runlens.finding.scope_id\`, \`runlens.finding.confidence\`,
\`runlens.finding.end_ts\`, \`runlens.finding.advice\` and \`runlens.finding.evidence\` (JSON).
`;
}
