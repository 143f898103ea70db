/** One report line of the RunLens PMPI library (native/runlens_pmpi.c). */
export interface MpiReport {
  readonly rank: number;
  readonly size: number;
  readonly start_ticks: number;
  readonly mpi_s: number;
  readonly mpi_cpu_s: number;
  readonly cpu_s: number;
  readonly wall_s: number;
  readonly calls: number;
  readonly final: boolean;
}

/** Reports longer than this are not ours: the library writes about 150 bytes. */
export const MAX_REPORT_BYTES = 1024;
/** No MPI job has more ranks than this; a larger size is a corrupt or foreign file. */
const MAX_RANKS = 10_000_000;

const KEYS = ['rank', 'size', 'start_ticks', 'mpi_s', 'mpi_cpu_s', 'cpu_s', 'wall_s', 'calls', 'final'] as const;

/**
 * `runlens_mpi 1 rank=R size=N start_ticks=T mpi_s=S mpi_cpu_s=M cpu_s=P wall_s=W calls=C final=F`.
 * Anything else (another version, a missing or non-finite field, a rank outside the world, time
 * inside MPI beyond the wall time) gives null, never a throw: the files are written by whatever
 * runs under the user's command.
 */
export function parseMpiReport(text: string): MpiReport | null {
  if (text.length > MAX_REPORT_BYTES) return null;
  const [magic, version, ...fields] = text.trim().split(/\s+/);
  if (magic !== 'runlens_mpi' || version !== '1') return null;
  const v = new Map<string, number>();
  for (const f of fields) {
    const eq = f.indexOf('=');
    const n = Number(f.slice(eq + 1));
    if (eq <= 0 || f.slice(eq + 1) === '' || !Number.isFinite(n) || n < 0) return null;
    v.set(f.slice(0, eq), n);
  }
  const get = (k: (typeof KEYS)[number]): number => v.get(k) ?? Number.NaN;
  if (KEYS.some((k) => Number.isNaN(get(k)))) return null;
  const r: MpiReport = {
    rank: get('rank'), size: get('size'), start_ticks: get('start_ticks'), mpi_s: get('mpi_s'), mpi_cpu_s: get('mpi_cpu_s'),
    cpu_s: get('cpu_s'), wall_s: get('wall_s'), calls: get('calls'), final: get('final') === 1,
  };
  const ints = Number.isInteger(r.rank) && Number.isInteger(r.size) && Number.isInteger(r.start_ticks);
  // 1 ms of slack: the two clocks are read a moment apart.
  if (!ints || r.size < 1 || r.size > MAX_RANKS || r.rank >= r.size || r.mpi_s > r.wall_s + 1e-3) return null;
  return r;
}
