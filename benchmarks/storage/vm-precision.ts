// victoria-metrics stores a float as a decimal mantissa and exponent and may round it: its bytes
// are only comparable with the lossless stores once we know by how much. This reads one
// imported series back (/api/v1/export) and compares it with what was sent.
import type { VictoriaMetrics } from './victoria-metrics.ts';

interface VmLine { metric: Record<string, string>; values: number[]; timestamps: number[] }

export interface Precision {
  readonly metric: string;
  readonly points: number;
  /** max/min of the series' non-zero magnitudes. */
  readonly dynamic_range: number;
  /** Largest |stored − sent| / |sent| over the series. */
  readonly max_relative_error: number;
  /** Points whose stored value differs from the sent float64 at all. */
  readonly changed_points: number;
}

/** max/min of the non-zero magnitudes: VM shares one decimal exponent per block, so a wide range loses most. */
function dynamicRange(values: readonly number[]): number {
  const abs = values.filter((v) => v !== 0).map(Math.abs);
  return abs.length === 0 || abs.some((v) => !Number.isFinite(v)) ? 0 : Math.max(...abs) / Math.min(...abs);
}

/** Checks the series of `body` with the widest range of non-zero values (the worst case for VM's encoding). */
export async function checkPrecision(vm: VictoriaMetrics, body: string): Promise<Precision | null> {
  const lines = body.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as VmLine);
  const sent = lines.reduce<VmLine | undefined>((best, s) => (!best || dynamicRange(s.values) > dynamicRange(best.values) ? s : best), undefined);
  if (!sent) return null;
  const match = `{${Object.entries(sent.metric).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
  const res = await fetch(`${vm.url}/api/v1/export?${new URLSearchParams({ 'match[]': match })}`);
  if (!res.ok) throw new Error(`victoria-metrics export: ${res.status} ${await res.text()}`);
  const stored = (await res.text()).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as VmLine)[0];
  if (!stored) throw new Error(`victoria-metrics export: no series for ${match}`);
  const byTs = new Map(stored.timestamps.map((t, i) => [t, stored.values[i] ?? Number.NaN]));
  let maxRel = 0;
  let changed = 0;
  sent.timestamps.forEach((t, i) => {
    const want = sent.values[i] ?? Number.NaN;
    const got = byTs.get(t) ?? Number.NaN;
    if (got !== want) changed++;
    if (want !== 0) maxRel = Math.max(maxRel, Math.abs(got - want) / Math.abs(want));
  });
  return { metric: sent.metric.__name__ ?? '', points: sent.values.length, dynamic_range: dynamicRange(sent.values), max_relative_error: maxRel, changed_points: changed };
}
