/**
 * Pure parsers for `nvidia-smi --format=csv,noheader,nounits` output. Fields are separated
 * by ", "; unsupported or unavailable values print as [N/A] or [Not Supported]. Never throws.
 */

export const GPU_QUERY_FIELDS = [
  'index', 'uuid', 'name', 'utilization.gpu', 'utilization.memory', 'memory.used', 'memory.total',
  'power.draw', 'power.limit', 'clocks.sm', 'clocks.mem', 'temperature.gpu', 'pcie.link.gen.current',
  'pcie.link.width.current', 'clocks_throttle_reasons.active', 'ecc.errors.uncorrected.volatile.total',
  'retired_pages.pending',
] as const;

export const APPS_QUERY_FIELDS = ['gpu_uuid', 'pid', 'process_name', 'used_memory'] as const;

const MIB = 1024 * 1024;

export interface GpuReading {
  readonly gpu_index: number;
  readonly gpu_uuid: string;
  readonly gpu_name: string;
  readonly util_ratio: number | null;
  readonly mem_util_ratio: number | null;
  readonly mem_used_bytes: number | null;
  readonly mem_total_bytes: number | null;
  readonly power_w: number | null;
  readonly power_limit_w: number | null;
  readonly sm_clock_mhz: number | null;
  readonly mem_clock_mhz: number | null;
  readonly temp_c: number | null;
  readonly pcie_gen: number | null;
  readonly pcie_width: number | null;
  readonly throttle_reasons: string[];
  readonly ecc_uncorrected: number | null;
  readonly retired_pages_pending: number | null;
}

/** A number, or null for [N/A], [Not Supported], [Unknown Error] and anything else non-numeric. */
export function smiNumber(s: string | undefined): number | null {
  if (s === undefined || !/^-?\d+(\.\d+)?$/.test(s.trim())) return null;
  return Number(s.trim());
}

const THROTTLE_BITS: readonly [number, string][] = [
  [0x1, 'gpu_idle'], [0x2, 'applications_clocks_setting'], [0x4, 'sw_power_cap'], [0x8, 'hw_slowdown'],
  [0x10, 'sync_boost'], [0x20, 'sw_thermal_slowdown'], [0x40, 'hw_thermal_slowdown'],
  [0x80, 'hw_power_brake_slowdown'], [0x100, 'display_clock_setting'],
];

/** `0x0000000000000004` → ['sw_power_cap']; unknown bits and [N/A] give no names. */
export function decodeThrottleReasons(hex: string | undefined): string[] {
  const m = hex === undefined ? null : /^0x([0-9a-fA-F]+)$/.exec(hex.trim());
  if (!m?.[1]) return [];
  // Only the low 32 bits carry the reasons we name; avoid bit ops on > 2^53 values.
  const low = Number.parseInt(m[1].slice(-8), 16);
  return THROTTLE_BITS.filter(([bit]) => (low & bit) !== 0).map(([, name]) => name);
}

function yesNo(s: string | undefined): number | null {
  const t = s?.trim();
  return t === 'Yes' ? 1 : t === 'No' ? 0 : null;
}

const ratio = (s: string | undefined): number | null => {
  const v = smiNumber(s);
  return v === null ? null : v / 100;
};
const mib = (s: string | undefined): number | null => {
  const v = smiNumber(s);
  return v === null ? null : v * MIB;
};

/** One line of the --query-gpu output, or null when truncated or without an index. */
export function parseGpuLine(line: string): GpuReading | null {
  const f = line.split(',').map((s) => s.trim());
  if (f.length !== GPU_QUERY_FIELDS.length) return null;
  const index = smiNumber(f[0]);
  if (index === null || !f[1]) return null;
  return {
    gpu_index: index, gpu_uuid: f[1], gpu_name: f[2] ?? '',
    util_ratio: ratio(f[3]), mem_util_ratio: ratio(f[4]),
    mem_used_bytes: mib(f[5]), mem_total_bytes: mib(f[6]),
    power_w: smiNumber(f[7]), power_limit_w: smiNumber(f[8]),
    sm_clock_mhz: smiNumber(f[9]), mem_clock_mhz: smiNumber(f[10]), temp_c: smiNumber(f[11]),
    pcie_gen: smiNumber(f[12]), pcie_width: smiNumber(f[13]),
    throttle_reasons: decodeThrottleReasons(f[14]),
    ecc_uncorrected: smiNumber(f[15]), retired_pages_pending: yesNo(f[16]),
  };
}

export function parseGpuCsv(text: string): GpuReading[] {
  return text.split('\n').map(parseGpuLine).filter((g): g is GpuReading => g !== null);
}

export interface GpuApp {
  readonly gpu_uuid: string;
  readonly pid: number;
  readonly comm: string;
  readonly used_mem_bytes: number | null;
}

/** --query-compute-apps output; `No running processes found` and garbage lines fall out. */
export function parseComputeApps(text: string): GpuApp[] {
  const out: GpuApp[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(',').map((s) => s.trim());
    const pid = smiNumber(f[1]);
    if (f.length !== APPS_QUERY_FIELDS.length || !f[0]?.startsWith('GPU-') || pid === null) continue;
    out.push({ gpu_uuid: f[0], pid, comm: f[2] ?? '', used_mem_bytes: mib(f[3]) });
  }
  return out;
}
