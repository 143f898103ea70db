// Every store's payloads are built once, from one pass over the same windows, outside the
// timed inserts: Arrow IPC for RunLens (the agent builds it in production), JSON lines for
// victoria-metrics (a vmagent or exporter would), and OpenMetrics files for promtool.
import { encodeBatch } from '@runlens/schemas';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Recording } from '../lib/recording.ts';
import { type DatasetOptions, windows } from './dataset.ts';
import { openMetricsLines, vmImportBody } from './encoders.ts';
import type { ArrowBatch } from './runlens-store.ts';
import { SAMPLE_TABLES, type SampleTable, countSamples } from './series.ts';

export interface VmBody { readonly table: SampleTable; readonly body: string; readonly samples: number }

export interface Payloads {
  /** Per window, one batch per table. */
  readonly arrow: ArrowBatch[];
  /** Per window, one import body per table. */
  readonly vm: VmBody[];
  readonly openmetrics: Record<SampleTable, string>;
  readonly rows: Record<SampleTable, number>;
  readonly samples: Record<SampleTable, number>;
  /** This process's CPU seconds to encode each format from row objects. */
  readonly build_cpu_s: { arrow: number; vm: number; openmetrics: number };
  readonly vm_body_bytes: number;
  readonly openmetrics_bytes: number;
}

const cpuNow = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

function timed<T>(acc: { s: number }, fn: () => T): T {
  const c0 = cpuNow();
  const v = fn();
  acc.s += cpuNow() - c0;
  return v;
}

export function buildPayloads(rec: Recording, opts: DatasetOptions, dir: string): Payloads {
  const arrow: ArrowBatch[] = [];
  const vm: VmBody[] = [];
  const rows = { process_samples: 0, node_samples: 0 };
  const samples = { process_samples: 0, node_samples: 0 };
  const cpu = { arrow: { s: 0 }, vm: { s: 0 }, openmetrics: { s: 0 } };
  const files = { process_samples: join(dir, 'process.om'), node_samples: join(dir, 'node.om') };
  const fds = { process_samples: openSync(files.process_samples, 'w'), node_samples: openSync(files.node_samples, 'w') };
  let vmBytes = 0;
  let omBytes = 0;
  try {
    for (const w of windows(rec, opts)) {
      for (const table of SAMPLE_TABLES) {
        const tableRows = table === 'process_samples' ? w.process : w.node;
        if (tableRows.length === 0) continue;
        const n = countSamples(table, tableRows);
        rows[table] += tableRows.length;
        samples[table] += n;
        const ipc = timed(cpu.arrow, () => encodeBatch(table, tableRows as never));
        arrow.push({ table, ipc, rows: tableRows.length, samples: n });
        const body = timed(cpu.vm, () => vmImportBody(table, tableRows));
        if (body.samples !== n) throw new Error(`vm encoder: ${body.samples} samples, expected ${n}`);
        vm.push({ table, body: body.body, samples: n });
        vmBytes += body.body.length;
        const om = timed(cpu.openmetrics, () => openMetricsLines(table, tableRows));
        if (om.samples !== n) throw new Error(`openmetrics encoder: ${om.samples} samples, expected ${n}`);
        omBytes += timed(cpu.openmetrics, () => writeSync(fds[table], om.text));
      }
    }
    for (const table of SAMPLE_TABLES) writeSync(fds[table], '# EOF\n');
  } finally {
    for (const table of SAMPLE_TABLES) closeSync(fds[table]);
  }
  return {
    arrow, vm, openmetrics: files, rows, samples, vm_body_bytes: vmBytes, openmetrics_bytes: omBytes,
    build_cpu_s: { arrow: cpu.arrow.s, vm: cpu.vm.s, openmetrics: cpu.openmetrics.s },
  };
}
