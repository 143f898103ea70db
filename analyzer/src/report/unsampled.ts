import type { RunReport } from '@runlens/schemas';
import { bytes, pct, seconds } from './format.ts';

type Gap = NonNullable<RunReport['summary']['unsampled']>;

/** CPU and storage IO of a run, as the kernel or the samples count them. */
export interface Totals { readonly cpu_s: number; readonly read_bytes: number | null; readonly write_bytes: number | null }

/** What the kernel counted for the whole process tree, and what the per-process samples add up to. */
export interface TreeAndSamples { readonly kernel: Totals; readonly sampled: Totals }

/** A share of the tree's totals this large, missing from the samples, is worth a sentence. */
const MISSING_SHARE = 0.25;
/** Below these, the gap is the last second of a process or two, not a pattern. */
const MIN_CPU_S = 0.5;
const MIN_BYTES = 64 * 1024 ** 2;

/**
 * The part of a run that no per-process sample holds. The samples come once a second, so a process
 * that lives between two of them (a compiler under make, a fast dd) and the last second of every
 * process are missing from the top processes, the ranks and the phases, while the kernel's totals
 * of the reaped tree have them. Per resource where the gap is large; null where none is.
 */
export function unsampledGap(t: TreeAndSamples): Gap | null {
  const gap: Gap = {
    cpu_s: missing(t.kernel.cpu_s, t.sampled.cpu_s, MIN_CPU_S),
    read_bytes: missing(t.kernel.read_bytes, t.sampled.read_bytes, MIN_BYTES),
    write_bytes: missing(t.kernel.write_bytes, t.sampled.write_bytes, MIN_BYTES),
  };
  return gap.cpu_s === null && gap.read_bytes === null && gap.write_bytes === null ? null : gap;
}

function missing(kernel: number | null, sampled: number | null, floor: number): number | null {
  if (kernel === null || !Number.isFinite(kernel) || kernel <= 0) return null;
  const gap = kernel - Math.max(0, sampled ?? 0);
  return gap >= floor && gap / kernel >= MISSING_SHARE ? gap : null;
}

/**
 * The gap in words, against the run's totals (the kernel's, where there is a gap): one home for
 * the report's "not measured" line and the dashboard's process table. Null without a gap.
 */
export function unsampledSentence(s: Pick<RunReport['summary'], 'unsampled' | 'cpu_user_s' | 'cpu_sys_s' | 'read_bytes' | 'write_bytes'>): string | null {
  const g = s.unsampled;
  if (!g) return null;
  const cpu = s.cpu_user_s + s.cpu_sys_s;
  const parts: string[] = [];
  if (g.cpu_s !== null) parts.push(`${seconds(g.cpu_s)} of ${seconds(cpu)} CPU (${pct(g.cpu_s / cpu)})`);
  if (g.read_bytes !== null) parts.push(`${bytes(g.read_bytes)} of ${bytes(s.read_bytes)} read (${pct(g.read_bytes / (s.read_bytes ?? NaN))})`);
  if (g.write_bytes !== null) parts.push(`${bytes(g.write_bytes)} of ${bytes(s.write_bytes)} written (${pct(g.write_bytes / (s.write_bytes ?? NaN))})`);
  return parts.length === 0 ? null : `${parts.join(', ')} fell between the 1 s samples (processes shorter than a second, and each one's last second)`;
}
