import { type TableName, type Row, encodeMessage, sleep, silentLogger } from '@runlens/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/memory/index.ts';
import { catalogRow, freePort, otelcolBinary, startOtelCollector, type TestOtelCollector } from '../testing/index.ts';
import { OtlpExporter } from '../telemetry/otlp-exporter.ts';
import { OtlpExportService } from './otlp-export-service.ts';

/**
 * Series and findings from the bus reach a real OpenTelemetry Collector (deploy/otelcol: built
 * from its Go modules, otlpreceiver + file exporter) over OTLP/HTTP protobuf, and are read back
 * from the collector's file output with their semconv names, UCUM units, times and hosts.
 */
const collector = otelcolBinary();
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

type Attr = { key: string; value: Record<string, unknown> };
interface Point { host: string; name: string; unit: string; kind: string; temporality: unknown; start: number; end: number; value: number; attrs: Record<string, unknown> }

const attrs = (list: Attr[] | undefined): Record<string, unknown> =>
  Object.fromEntries((list ?? []).map((a) => [a.key, Object.values(a.value)[0]]));
const ms = (nanos: unknown): number => Number(BigInt(String(nanos)) / 1_000_000n);

/** The collector's JSON lines as flat points. */
function points(lines: unknown[]): Point[] {
  type M = { name: string; unit: string; sum?: { dataPoints: Record<string, unknown>[]; aggregationTemporality: unknown }; gauge?: { dataPoints: Record<string, unknown>[] } };
  type RM = { resource: { attributes: Attr[] }; scopeMetrics: { metrics: M[] }[] };
  return (lines as { resourceMetrics: RM[] }[]).flatMap((l) => l.resourceMetrics.flatMap((rm) => {
    const host = String(attrs(rm.resource.attributes)['host.name']);
    return rm.scopeMetrics.flatMap((sm) => sm.metrics.flatMap((m) => (m.sum ?? m.gauge)?.dataPoints.map((p) => ({
      host, name: m.name, unit: m.unit, kind: m.sum ? 'sum' : 'gauge', temporality: m.sum?.aggregationTemporality,
      start: ms(p.startTimeUnixNano ?? p.timeUnixNano), end: ms(p.timeUnixNano), value: Number(p.asDouble), attrs: attrs(p.attributes as Attr[]),
    })) ?? []));
  }));
}

async function send<N extends TableName>(bus: MemoryBus, table: N, rows: Row<N>[], seq: number): Promise<void> {
  const m = encodeMessage(table, rows, { agentId: 'a1', seq }, 'n1');
  await bus.producer().send(m.topic, [m]);
}

async function until<T>(read: () => T[], enough: (xs: T[]) => boolean, what: string): Promise<T[]> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(200)) {
    const xs = read();
    if (enough(xs)) return xs;
  }
  throw new Error(`the collector never received ${what}`);
}

describe.skipIf('skip' in collector)(`OTLP export to a real OpenTelemetry Collector${'skip' in collector ? ` (skipped: ${collector.skip})` : ''}`, () => {
  let otel: TestOtelCollector;
  let port: number;
  const bus = new MemoryBus(2);
  let exporter: OtlpExporter;
  let service: OtlpExportService;

  beforeAll(async () => {
    port = await freePort();
    // The exporter starts first, with nothing listening: its batches must wait, not be lost.
    exporter = new OtlpExporter({ endpoint: `http://127.0.0.1:${port}`, service: 'runlens-test', timeoutMs: 2000 });
    service = new OtlpExportService({ bus, exporter, log: silentLogger });
    await service.start();
  }, 60_000);
  afterAll(async () => {
    await service.stop();
    await exporter.shutdown();
    await bus.close();
    await otel?.stop();
  });

  it('process, node and GPU series arrive as semconv metrics per host, after the receiver was away', async () => {
    const proc = (host: string, i: number) => catalogRow('process_samples', {
      ts: T0 + i * 1000, host, run_id: 'run-7', rank: 0, pid: 99, start_ticks: 1, comm: 'solver', interval_s: 1, cpu_user_cores: 2, cpu_sys_cores: 0.5, rss_bytes: 512 * 2 ** 20 });
    await send(bus, 'process_samples', [proc('n1', 0), proc('n1', 1), proc('n2', 0)], 0);
    await send(bus, 'node_samples', [catalogRow('node_samples', { ts: T0, host: 'n1', interval_s: 1, cpu_user_cores: 3, cpu_idle_cores: 1, mem_total_bytes: 8e9, psi_cpu_some: null })], 1);
    await send(bus, 'gpu_samples', [catalogRow('gpu_samples', { ts: T0, host: 'n1', gpu_uuid: 'GPU-1', gpu_name: 'H100', util_ratio: 0.25, mem_used_bytes: 4e9 })], 2);
    await until(() => [service.counters.errors.get('export') ?? 0], ([n]) => (n ?? 0) >= 1, 'a failed try (nothing listens yet)');
    otel = await startOtelCollector((collector as { bin: string }).bin, port);
    const got = await until(() => points(otel.metrics()), (ps) => ['process.cpu.time', 'system.cpu.time', 'hw.gpu.utilization'].every((n) => ps.some((p) => p.name === n)), 'the series');
    const cpu = got.filter((p) => p.name === 'process.cpu.time' && p.host === 'n1' && p.attrs['cpu.mode'] === 'user');
    expect(cpu.map((p) => [p.start - T0, p.end - T0, p.value])).toEqual(expect.arrayContaining([[-1000, 0, 2], [0, 1000, 2]]));
    expect(cpu[0]).toMatchObject({ unit: 's', kind: 'sum', temporality: 1, attrs: { 'runlens.run.id': 'run-7', 'process.pid': '99', 'process.executable.name': 'solver' } }); // an int64 intValue, a string in OTLP JSON
    expect(got.find((p) => p.name === 'process.memory.usage')).toMatchObject({ unit: 'By', kind: 'gauge', value: 512 * 2 ** 20 });
    expect(new Set(got.filter((p) => p.name === 'process.cpu.time').map((p) => p.host))).toEqual(new Set(['n1', 'n2']));
    expect(got.find((p) => p.name === 'system.cpu.time' && p.attrs['cpu.mode'] === 'idle')).toMatchObject({ unit: 's', value: 1 });
    expect(got.find((p) => p.name === 'system.memory.limit')).toMatchObject({ unit: 'By', value: 8e9 });
    expect(got.find((p) => p.name === 'hw.gpu.utilization')).toMatchObject({ unit: '1', value: 0.25, attrs: { 'hw.id': 'GPU-1', 'hw.type': 'gpu', 'hw.model': 'H100' } });
  }, 240_000);

  it('a finding arrives as a log record with its severity, message and vocabulary attributes', async () => {
    await send(bus, 'findings', [catalogRow('findings', {
      run_id: 'run-7', finding_id: 'f1', kind: 'memory_leak', severity: 'critical', scope: 'pid', scope_id: '99', host: 'n1', start_ts: T0, end_ts: T0 + 5000,
      updated_ts: T0, confidence: 0.9, message: 'RSS grows 20 MiB/s and never returns', advice: 'run heaptrack', evidence: '{"slope_bytes_per_s":20971520}' })], 3);
    type LR = { timeUnixNano: string; severityNumber: number; severityText: string; body: { stringValue: string }; attributes: Attr[]; eventName?: string };
    const logs = await until(() => (otel.logs() as { resourceLogs: { scopeLogs: { logRecords: LR[] }[] }[] }[])
      .flatMap((l) => l.resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords))), (xs) => xs.length > 0, 'the finding');
    const f = logs[0] as LR;
    expect([ms(f.timeUnixNano), f.severityNumber, f.severityText, f.body.stringValue]).toEqual([T0, 17, 'ERROR', 'RSS grows 20 MiB/s and never returns']);
    expect(attrs(f.attributes)).toMatchObject({ 'runlens.run.id': 'run-7', 'runlens.finding.kind': 'memory_leak', 'runlens.finding.scope': 'pid' });
    expect(f.eventName).toBe('runlens.finding');
  }, 120_000);
});
