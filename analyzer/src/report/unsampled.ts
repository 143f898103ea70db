import { bytes, pct, seconds } from './format.ts';

/** What the kernel counted for the whole process tree, and what the per-process samples add up to. */
export interface TreeAndSamples {
  readonly kernel: { readonly cpu_s: number; readonly read_bytes: number | null; readonly write_bytes: number | null };
  readonly sampled: { readonly cpu_s: number; readonly read_bytes: number | null; readonly write_bytes: number | null };
}

/** A share of the tree's totals this large, missing from the samples, is worth a sentence. */
const MISSING_SHARE = 0.25;
/** Below these, the gap is the last second of a process or two, not a pattern. */
const MIN_CPU_S = 0.5;
const MIN_BYTES = 64 * 1024 ** 2;

/**
 * The part of a run that no per-process sample holds. The samples come once a second, so a process
 * that lives between two of them (a compiler under make, a fast dd) and the last second of every
 * process are missing from the top processes, the ranks and the phases, while the kernel's totals
 * of the reaped tree have them. Said where the gap is large; empty otherwise.
 */
export function unsampledNote(t: TreeAndSamples): string[] {
  const parts: string[] = [];
  const cpu = gap(t.kernel.cpu_s, t.sampled.cpu_s, MIN_CPU_S);
  if (cpu) parts.push(`${seconds(cpu.missing)} of ${seconds(t.kernel.cpu_s)} CPU (${pct(cpu.share)})`);
  const read = gap(t.kernel.read_bytes, t.sampled.read_bytes, MIN_BYTES);
  if (read) parts.push(`${bytes(read.missing)} of ${bytes(t.kernel.read_bytes)} read (${pct(read.share)})`);
  const written = gap(t.kernel.write_bytes, t.sampled.write_bytes, MIN_BYTES);
  if (written) parts.push(`${bytes(written.missing)} of ${bytes(t.kernel.write_bytes)} written (${pct(written.share)})`);
  if (parts.length === 0) return [];
  return [`per process: ${parts.join(', ')} fell between the 1 s samples (processes shorter than a second, and each one's last second); the totals above are the kernel's, the top processes and phases miss this part`];
}

function gap(kernel: number | null, sampled: number | null, floor: number): { missing: number; share: number } | null {
  if (kernel === null || !Number.isFinite(kernel) || kernel <= 0) return null;
  const missing = kernel - Math.max(0, sampled ?? 0);
  const share = missing / kernel;
  return missing >= floor && share >= MISSING_SHARE ? { missing, share } : null;
}
