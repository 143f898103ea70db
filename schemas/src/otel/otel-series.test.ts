import { describe, expect, it } from 'vitest';
import type { Row } from '../catalog/index.ts';
import { otelFindingRecord } from './otel-findings.ts';
import { OTEL_SERIES_TABLES, otelMetricColumns, otelSeries, parseOtelSpec } from './otel-series.ts';

const proc = (over: Partial<Row<'process_samples'>>): Row<'process_samples'> => ({
  ts: 10_000, host: 'n1', run_id: 'r1', rank: 3, local_rank: null, pid: 42, ppid: 1, start_ticks: 5, comm: 'cfd', state: 'R', interval_s: 2,
  cpu_user_cores: 1.5, cpu_sys_cores: 0.25, run_delay_cores: 0, rss_bytes: 1e9, hwm_bytes: 1e9, vm_bytes: 2e9, threads: 4, busy_threads: null,
  read_bytes_per_s: null, write_bytes_per_s: 1000, rchar_per_s: null, wchar_per_s: null, syscr_per_s: null, syscw_per_s: null,
  vol_ctxsw_per_s: 10, invol_ctxsw_per_s: 1, minflt_per_s: 0, majflt_per_s: 0, last_cpu: 0, ...over,
});

describe('OTLP mapping of the catalog', () => {
  it('every exported column has a semconv name and a UCUM unit', () => {
    for (const t of OTEL_SERIES_TABLES) expect(() => otelMetricColumns(t)).not.toThrow();
    const names = OTEL_SERIES_TABLES.flatMap((t) => otelMetricColumns(t).map((c) => `${c.name} ${c.unit} ${c.kind}`));
    expect(names).toEqual(expect.arrayContaining([
      'process.cpu.time s delta_sum', 'process.memory.usage By gauge', 'system.cpu.time s delta_sum',
      'system.memory.limit By gauge', 'hw.gpu.utilization 1 gauge', 'hw.gpu.memory.usage By gauge', 'process.paging.faults {fault} delta_sum',
    ]));
  });

  it('parses a spec with attributes and refuses a malformed one', () => {
    expect(parseOtelSpec('process.cpu.time{cpu.mode=user}')).toEqual({ name: 'process.cpu.time', fixed: { 'cpu.mode': 'user' } });
    expect(() => parseOtelSpec('process.cpu.time{cpu.mode}')).toThrow();
  });

  it('a process row: CPU cores × interval as seconds of process.cpu.time per mode, RSS as a gauge, a null rate as no point', () => {
    const [host] = otelSeries('process_samples', [proc({})]);
    expect(host?.host).toBe('n1');
    const cpu = host?.metrics.find((m) => m.name === 'process.cpu.time');
    expect(cpu?.points).toEqual([
      { startMs: 8000, endMs: 10_000, value: 3, attributes: { 'runlens.run.id': 'r1', 'runlens.rank': 3, 'process.pid': 42, 'process.parent_pid': 1, 'process.executable.name': 'cfd', 'cpu.mode': 'user' } },
      expect.objectContaining({ value: 0.5, attributes: expect.objectContaining({ 'cpu.mode': 'system' }) }),
    ]);
    expect(host?.metrics.find((m) => m.name === 'process.memory.usage')?.points[0]).toMatchObject({ startMs: 10_000, endMs: 10_000, value: 1e9 });
    const io = host?.metrics.find((m) => m.name === 'process.disk.io')?.points ?? [];
    expect(io.map((p) => [p.attributes['disk.io.direction'], p.value])).toEqual([['write', 2000]]);
  });

  it('a background process (no run) carries no run attribute; hosts are separate resources', () => {
    const series = otelSeries('process_samples', [proc({ run_id: '', rank: null }), proc({ host: 'n2' })]);
    expect(series.map((s) => s.host)).toEqual(['n1', 'n2']);
    expect(Object.keys(series[0]?.metrics[0]?.points[0]?.attributes ?? {})).not.toContain('runlens.run.id');
  });

  it('a finding becomes a log record with its severity and the vocabulary fields', () => {
    const r = otelFindingRecord({ run_id: 'r1', finding_id: 'f', kind: 'cpu_bound', severity: 'critical', scope: 'host', scope_id: 'n1', host: 'n1',
      start_ts: 5, end_ts: 9, updated_ts: 9, confidence: 0.8, message: 'busy', advice: 'perf', evidence: '{}', phase: null, after_end: 0 });
    expect([r.severityNumber, r.severityText, r.body, r.timeMs, r.host]).toEqual([17, 'ERROR', 'busy', 5, 'n1']);
    expect(r.attributes['runlens.finding.kind']).toBe('cpu_bound');
  });
});
