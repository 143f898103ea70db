import { freePort } from '@runlens/pipeline/testing/servers';
import { otelcolBinary, startOtelCollector } from '@runlens/pipeline/testing/otelcol';
import { sleep } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { tempDir } from './testing/cli-harness.ts';
import { RoleProcess } from './testing/role-process.ts';

/**
 * `runlens up` with RUNLENS_OTLP_ENDPOINT: the node and process series this machine's agent
 * samples reach a real OpenTelemetry Collector (deploy/otelcol), with this host as the resource.
 */
const collector = otelcolBinary();

type Attr = { key: string; value: { stringValue?: string } };
type Line = { resourceMetrics: { resource: { attributes: Attr[] }; scopeMetrics: { metrics: { name: string; unit: string }[] }[] }[] };

describe.skipIf('skip' in collector)(`runlens up exports over OTLP${'skip' in collector ? ` (skipped: ${collector.skip})` : ''}`, () => {
  it('the collector receives system.cpu.time and process.memory.usage from host otlp-test-host', async () => {
    const otel = await startOtelCollector((collector as { bin: string }).bin);
    const up = new RoleProcess('up', {
      RUNLENS_DATA_DIR: tempDir('runlens-up-otlp-'), RUNLENS_HTTP_PORT: String(await freePort()), RUNLENS_HOST: 'otlp-test-host',
      RUNLENS_SAMPLERS: 'process,node', RUNLENS_INTERVAL_MS: '500', RUNLENS_OTLP_ENDPOINT: otel.endpoint,
    });
    try {
      const seen = new Map<string, string>();
      for (const deadline = Date.now() + 180_000; !(seen.has('system.cpu.time') && seen.has('process.memory.usage')) && Date.now() < deadline; await sleep(500)) {
        for (const l of otel.metrics() as Line[]) {
          for (const rm of l.resourceMetrics) {
            const host = rm.resource.attributes.find((a) => a.key === 'host.name')?.value.stringValue;
            for (const m of rm.scopeMetrics.flatMap((s) => s.metrics)) if (host === 'otlp-test-host') seen.set(m.name, m.unit);
          }
        }
      }
      expect([seen.get('system.cpu.time'), seen.get('process.memory.usage'), seen.get('system.memory.limit')]).toEqual(['s', 'By', 'By']);
    } finally {
      await up.stop();
      await otel.stop();
    }
  }, 300_000);
});
