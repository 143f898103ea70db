import { type Row, type WireMessage, encodeMessage } from '@runlens/schemas';

/** Synthetic `process_samples` as the collector makes them: one message = one host's tick. */
export const HOSTS = 64;
const COMMS = ['python', 'torchrun', 'mpirun', 'lmp', 'gromacs', 'bash', 'sshd', 'slurmstepd', 'nvidia-smi', 'java',
  'node', 'sleep', 'srun', 'hydra_pmi_proxy', 'vasp_std', 'cp2k.psmp', 'orted', 'munged', 'systemd', 'kworker'];
const STATES = ['R', 'S', 'S', 'S', 'D', 'I'];

/** A small deterministic PRNG, so every repeat and every store sees identical rows. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

/** Rows of message `m` (host m % 64, tick m / 64); times are recent so the 90-day TTL keeps them. */
export function messageRows(m: number, rowsPerMessage: number, baseTs: number): Row<'process_samples'>[] {
  const rnd = prng(m + 1);
  const host = `node-${String(m % HOSTS).padStart(3, '0')}`;
  const ts = baseTs + Math.floor(m / HOSTS) * 1000;
  const out: Row<'process_samples'>[] = [];
  for (let i = 0; i < rowsPerMessage; i++) {
    const job = i < rowsPerMessage / 2;
    const rss = Math.floor(rnd() * 8e9);
    const io = i % 7 === 0 ? null : rnd() * 1e6;
    out.push({
      ts, host, run_id: job ? `slurm-${1000 + (m % HOSTS)}` : '', rank: job ? i : null, local_rank: job ? i % 8 : null,
      pid: 1000 + i * 3, ppid: job ? 999 : 1, start_ticks: 1_000_000 + i * 17, comm: COMMS[i % COMMS.length] ?? 'x',
      state: STATES[Math.floor(rnd() * STATES.length)] ?? 'S', interval_s: 1 + rnd() * 0.002,
      cpu_user_cores: job ? rnd() * 1.0 : rnd() * 0.01, cpu_sys_cores: rnd() * 0.05, run_delay_cores: rnd() * 0.02,
      rss_bytes: rss, hwm_bytes: rss + 4096 * Math.floor(rnd() * 1000), vm_bytes: rss * 3, threads: 1 + Math.floor(rnd() * 64), busy_threads: null,
      read_bytes_per_s: io, write_bytes_per_s: io === null ? null : io / 3, rchar_per_s: io === null ? null : io * 2,
      wchar_per_s: io === null ? null : io, syscr_per_s: io === null ? null : rnd() * 1e3, syscw_per_s: io === null ? null : rnd() * 1e3,
      vol_ctxsw_per_s: rnd() * 500, invol_ctxsw_per_s: rnd() * 20, minflt_per_s: rnd() * 1e4, majflt_per_s: rnd() < 0.95 ? 0 : rnd() * 10,
      last_cpu: Math.floor(rnd() * 64),
    });
  }
  return out;
}

/** The Kafka message the agent would publish for message `m`. */
export function message(m: number, rowsPerMessage: number, baseTs: number): WireMessage {
  const rows = messageRows(m, rowsPerMessage, baseTs);
  const host = rows[0]?.host ?? 'none';
  return encodeMessage('process_samples', rows, { agentId: host, seq: Math.floor(m / HOSTS) }, host);
}

/** All rows, regrouped into batches of `batchRows` (for the direct format comparison). */
export function* rowBatches(messages: number, rowsPerMessage: number, baseTs: number, batchRows: number): Generator<Row<'process_samples'>[]> {
  let buf: Row<'process_samples'>[] = [];
  for (let m = 0; m < messages; m++) {
    for (const r of messageRows(m, rowsPerMessage, baseTs)) {
      buf.push(r);
      if (buf.length === batchRows) {
        yield buf;
        buf = [];
      }
    }
  }
  if (buf.length > 0) yield buf;
}
