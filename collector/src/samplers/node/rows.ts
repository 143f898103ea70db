import type { Row } from '@runlens/schemas';
import type { Tick } from '../../sampler.ts';
import { ForwardRates } from './forward-rates.ts';
import type { DiskCounters, NetCounters } from './parse-devices.ts';
import type { MemSummary, PressureTotals, ProcStat } from './parse-proc.ts';

const SECTOR_BYTES = 512; // diskstats sectors are 512 bytes whatever the device's block size

export interface NodeReadings {
  readonly stat: ProcStat | null;
  readonly mem: MemSummary | null;
  readonly load1: number | null;
  /** null when /proc/pressure does not exist. */
  readonly psi: { cpu: PressureTotals; io: PressureTotals; memory: PressureTotals } | null;
}

type PsiColumns = Pick<Row<'node_samples'>, 'psi_cpu_some' | 'psi_io_some' | 'psi_io_full' | 'psi_memory_some' | 'psi_memory_full'>;
const NO_PSI: PsiColumns = { psi_cpu_some: null, psi_io_some: null, psi_io_full: null, psi_memory_some: null, psi_memory_full: null };

/** Turns successive readings into rows; owns the previous counters. */
export class NodeRowBuilder {
  private readonly cpu = new ForwardRates<'cpu'>();
  private readonly psi = new ForwardRates<string>();
  private readonly disks = new ForwardRates<string>();
  private readonly nets = new ForwardRates<string>();

  constructor(private readonly host: string, private readonly clkTck: number) {}

  nodeRow(tick: Tick, r: NodeReadings): Row<'node_samples'> | null {
    const { stat, mem, load1 } = r;
    const c = stat?.cpu;
    if (!stat || !c || !mem || load1 === null || stat.ctxt === null) return null;
    if (stat.procs_running === null || stat.procs_blocked === null) return null;
    const values = [c.user + c.nice, c.system, c.iowait, c.irq + c.softirq, c.steal, c.idle, stat.ctxt];
    const psi = this.psiColumns(tick, r);
    const got = this.cpu.rates('cpu', tick.mono_s, values);
    if (!got) return null;
    const cores = got.rates.map((x) => x / this.clkTck);
    const at = (i: number): number => cores[i] ?? 0;
    return {
      ts: tick.ts, host: this.host, interval_s: got.interval_s,
      cpu_user_cores: at(0), cpu_system_cores: at(1), cpu_iowait_cores: at(2), cpu_irq_cores: at(3),
      cpu_steal_cores: at(4), cpu_idle_cores: at(5), online_cpus: stat.online_cpus,
      ...mem, load1, procs_running: stat.procs_running, procs_blocked: stat.procs_blocked,
      ctxsw_per_s: got.rates[6] ?? 0, ...psi,
    };
  }

  private psiColumns(tick: Tick, r: NodeReadings): PsiColumns {
    if (!r.psi) return NO_PSI;
    const ratio = (key: string, us: number | null): number | null => {
      if (us === null) return null;
      const got = this.psi.rates(key, tick.mono_s, [us]);
      return got ? (got.rates[0] ?? 0) / 1e6 : null;
    };
    return {
      psi_cpu_some: ratio('cpu_some', r.psi.cpu.some_us),
      psi_io_some: ratio('io_some', r.psi.io.some_us), psi_io_full: ratio('io_full', r.psi.io.full_us),
      psi_memory_some: ratio('memory_some', r.psi.memory.some_us),
      psi_memory_full: ratio('memory_full', r.psi.memory.full_us),
    };
  }

  diskRows(tick: Tick, disks: readonly DiskCounters[]): Row<'device_samples'>[] {
    const rows: Row<'device_samples'>[] = [];
    for (const d of disks) {
      const got = this.disks.rates(d.device, tick.mono_s, [d.read_sectors, d.write_sectors, d.reads, d.writes, d.io_ticks_ms]);
      if (!got) continue;
      const [rs = 0, ws = 0, ro = 0, wo = 0, busy = 0] = got.rates;
      rows.push({
        ts: tick.ts, host: this.host, device_kind: 'disk', device: d.device, interval_s: got.interval_s,
        read_bytes_per_s: rs * SECTOR_BYTES, write_bytes_per_s: ws * SECTOR_BYTES,
        read_ops_per_s: ro, write_ops_per_s: wo, busy_ratio: Math.min(1, busy / 1000), errors_per_s: null,
      });
    }
    return rows;
  }

  netRows(tick: Tick, nets: readonly NetCounters[]): Row<'device_samples'>[] {
    const rows: Row<'device_samples'>[] = [];
    for (const n of nets) {
      const got = this.nets.rates(n.device, tick.mono_s, [n.rx_bytes, n.tx_bytes, n.rx_packets, n.tx_packets, n.errors]);
      if (!got) continue;
      const [rb = 0, tb = 0, rp = 0, tp = 0, err = 0] = got.rates;
      rows.push({
        ts: tick.ts, host: this.host, device_kind: 'net', device: n.device, interval_s: got.interval_s,
        read_bytes_per_s: rb, write_bytes_per_s: tb, read_ops_per_s: rp, write_ops_per_s: tp,
        busy_ratio: null, errors_per_s: err,
      });
    }
    return rows;
  }

  /** Forget devices that disappeared, so a re-plugged one starts from a fresh baseline. */
  sweep(): void {
    this.disks.sweep();
    this.nets.sweep();
  }
}
