import { type Row, type RowColumns, catalog } from '@runlens/schemas';
import type { Attribution, HostContext } from '../../sampler.ts';
import type { ProcSlot } from './proc-slot.ts';

type Column = keyof Row<'process_samples'> & string;
const NAMES = Object.keys(catalog.process_samples.columns) as Column[];

/**
 * One empty array per column, as an object literal: its properties are in-object and `add`'s 30
 * stores per row are plain field stores. Filled by computed names in a loop, the object went to
 * dictionary mode (V8 does so past a dozen properties added by key), and `add` cost about 3 µs
 * per row in hash lookups, 6 % of the agent's main thread at 1,000 processes.
 */
function emptyColumns(): Record<Column, unknown[]> {
  return {
    ts: [], host: [], run_id: [], rank: [], local_rank: [], pid: [], ppid: [], start_ticks: [], comm: [], state: [],
    interval_s: [], cpu_user_cores: [], cpu_sys_cores: [], run_delay_cores: [], rss_bytes: [], hwm_bytes: [], vm_bytes: [],
    threads: [], busy_threads: [], rchar_per_s: [], wchar_per_s: [], syscr_per_s: [], syscw_per_s: [], read_bytes_per_s: [],
    write_bytes_per_s: [], minflt_per_s: [], majflt_per_s: [], vol_ctxsw_per_s: [], invol_ctxsw_per_s: [], last_cpu: [],
  };
}

/**
 * One tick's process_samples rows as columns, refilled in place every tick: a value per column
 * per process goes straight from the slot into an array the Arrow writer reads, with no row
 * object. The values are those a row object held, so the bytes on the wire are the same.
 */
export class ProcessColumns implements RowColumns<'process_samples'> {
  readonly kind = 'row_columns';
  readonly table = 'process_samples';
  length = 0;
  private readonly cols = emptyColumns();

  constructor(private readonly host: HostContext) {}

  column(name: string): readonly unknown[] {
    return this.cols[name as Column] ?? [];
  }

  /** Starts a tick's fill; the previous tick's rows are overwritten. */
  reset(): void {
    this.length = 0;
  }

  /** Ends a tick's fill: every column holds exactly `length` values. */
  end(): void {
    for (const name of NAMES) this.cols[name].length = this.length;
  }

  /**
   * One row: `c` the CPU rates (CPU_COUNTERS order, per second), `i` the IO rates (IO_COUNTERS
   * order) or null where io is unreadable.
   */
  add(ts: number, s: ProcSlot, who: Attribution | null, interval_s: number, c: readonly number[], i: readonly number[] | null, busy: number | null): void {
    const { clkTck, pageSize } = this.host;
    const n = this.length++;
    const k = this.cols;
    k.ts[n] = ts;
    k.host[n] = this.host.host;
    k.run_id[n] = who?.run_id ?? '';
    k.rank[n] = who?.rank ?? null;
    k.local_rank[n] = who?.local_rank ?? null;
    k.pid[n] = s.pid;
    k.ppid[n] = s.ppid;
    k.start_ticks[n] = s.start_ticks;
    k.comm[n] = s.comm;
    k.state[n] = s.state;
    k.interval_s[n] = interval_s;
    k.cpu_user_cores[n] = (c[0] ?? 0) / clkTck;
    k.cpu_sys_cores[n] = (c[1] ?? 0) / clkTck;
    k.run_delay_cores[n] = (c[2] ?? 0) / 1e9;
    k.rss_bytes[n] = s.rss_pages * pageSize;
    k.hwm_bytes[n] = s.hwm_bytes ?? s.rss_pages * pageSize;
    k.vm_bytes[n] = s.vsize;
    k.threads[n] = s.threads;
    k.busy_threads[n] = busy;
    k.rchar_per_s[n] = i ? (i[0] ?? 0) : null;
    k.wchar_per_s[n] = i ? (i[1] ?? 0) : null;
    k.syscr_per_s[n] = i ? (i[2] ?? 0) : null;
    k.syscw_per_s[n] = i ? (i[3] ?? 0) : null;
    k.read_bytes_per_s[n] = i ? (i[4] ?? 0) : null;
    // Bytes that reached storage: writes to files deleted before write-back never do.
    k.write_bytes_per_s[n] = i ? Math.max(0, (i[5] ?? 0) - (i[6] ?? 0)) : null;
    k.minflt_per_s[n] = c[3] ?? 0;
    k.majflt_per_s[n] = c[4] ?? 0;
    k.vol_ctxsw_per_s[n] = c[5] ?? 0;
    k.invol_ctxsw_per_s[n] = c[6] ?? 0;
    k.last_cpu[n] = s.processor;
  }
}
