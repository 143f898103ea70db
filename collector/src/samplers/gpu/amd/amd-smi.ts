import { blankReading, percentToRatio } from '../accelerator.ts';
import type { PolledAccelerator } from '../accelerator.ts';
import type { GpuReading } from '../parse.ts';

/**
 * `amd-smi metric --json`, the successor of rocm-smi. Shapes seen across ROCm releases: a bare
 * array of GPU objects (6.1-6.3) or `{"gpu_data": [...]}` (6.4 and 7.x); each value either
 * `{"value": 97, "unit": "%"}`, a bare number (early releases) or `"N/A"`. amd-smi metric
 * prints no name, UUID or bus id: gpu_uuid is `gpu<index>` and gpu_name is empty. Never throws.
 */
export const AMD_SMI_ARGS = ['metric', '--usage', '--power', '--temperature', '--mem-usage', '--json'] as const;

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

const BYTES_PER: Readonly<Record<string, number>> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** A metric's number in `want` units (`%`, `W`, `C`, or `B` for memory), or null. */
function metric(block: unknown, keys: readonly string[], want: '%' | 'W' | 'C' | 'B'): number | null {
  if (!isObj(block)) return null;
  for (const k of keys) {
    const v = block[k];
    const raw = isObj(v) ? v['value'] : v;
    if (typeof raw !== 'number' || !Number.isFinite(raw)) continue;
    const unit = isObj(v) && typeof v['unit'] === 'string' ? v['unit'] : null;
    if (want !== 'B') return unit === null || unit === want ? raw : null;
    const per = BYTES_PER[unit ?? 'MB']; // early releases print bare MB numbers
    return per === undefined ? null : raw * per;
  }
  return null;
}

function gpuReading(g: Obj): GpuReading | null {
  const index = g['gpu'];
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) return null;
  const usage = g['usage'];
  const mem = g['mem_usage'];
  return {
    ...blankReading(index, `gpu${index}`, ''),
    util_ratio: percentToRatio(metric(usage, ['gfx_activity'], '%')),
    mem_util_ratio: percentToRatio(metric(usage, ['umc_activity'], '%')),
    mem_used_bytes: metric(mem, ['used_vram'], 'B'),
    mem_total_bytes: metric(mem, ['total_vram'], 'B'),
    power_w: metric(g['power'], ['socket_power', 'average_socket_power', 'current_socket_power'], 'W'),
    temp_c: metric(g['temperature'], ['edge', 'hotspot'], 'C'),
  };
}

export function parseAmdSmiMetricJson(stdout: string): GpuReading[] {
  const start = stdout.search(/[[{]/);
  if (start < 0) return [];
  let doc: unknown;
  try {
    doc = JSON.parse(stdout.slice(start));
  } catch {
    return []; // truncated, or a warning after the JSON
  }
  const list = Array.isArray(doc) ? doc : isObj(doc) && Array.isArray(doc['gpu_data']) ? doc['gpu_data'] : [];
  return list.filter(isObj).map(gpuReading).filter((r): r is GpuReading => r !== null).sort((a, b) => a.gpu_index - b.gpu_index);
}

export const amdSmi: PolledAccelerator = { id: 'amd_smi', args: AMD_SMI_ARGS, parse: parseAmdSmiMetricJson };
