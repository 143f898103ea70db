import { blankReading, percentToRatio } from '../accelerator.ts';
import type { PolledAccelerator } from '../accelerator.ts';
import { smiNumber } from '../parse.ts';
import type { GpuReading } from '../parse.ts';

/**
 * `rocm-smi --json` output: one object per card (`card0`, `card1`, …) whose values are strings
 * keyed by the human labels of rocm_smi.py; a `system` key holds driver facts. Labels changed
 * across ROCm releases, so each field tries the known spellings in order. Never throws.
 */
export const ROCM_SMI_ARGS = [
  '--showuse', '--showmemuse', '--showpower', '--showtemp', '--showmeminfo', 'vram',
  '--showproductname', '--showbus', '--showuniqueid', '--json',
] as const;

const UTIL = ['GPU use (%)'];
const MEM_BUSY = ['GPU Memory Read/Write Activity (%)', 'GPU memory use (%)'];
const POWER = ['Average Graphics Package Power (W)', 'Current Socket Graphics Package Power (W)', 'Current Graphics Package Power (W)'];
const TEMP = ['Temperature (Sensor edge) (C)', 'Temperature (Sensor junction) (C)'];
const VRAM_USED = ['VRAM Total Used Memory (B)'];
const VRAM_TOTAL = ['VRAM Total Memory (B)'];
const NAME = ['Card Series', 'Card series', 'Card Model', 'Card model'];

type Card = Record<string, unknown>;

function text(card: Card, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = card[k];
    if (typeof v === 'string' && v.trim() !== '' && v.trim() !== 'N/A') return v.trim();
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

function num(card: Card, keys: readonly string[]): number | null {
  for (const k of keys) {
    const v = smiNumber(text(card, [k]));
    if (v !== null) return v;
  }
  return null;
}

function cardReading(key: string, card: Card): GpuReading | null {
  const m = /^card(\d+)$/.exec(key);
  if (!m) return null;
  const index = Number(m[1]);
  const uniqueId = text(card, ['Unique ID']);
  const bus = text(card, ['PCI Bus']);
  const uuid = uniqueId ?? bus ?? key;
  return {
    ...blankReading(index, uuid, text(card, NAME) ?? ''),
    util_ratio: percentToRatio(num(card, UTIL)),
    mem_util_ratio: percentToRatio(num(card, MEM_BUSY)),
    mem_used_bytes: num(card, VRAM_USED),
    mem_total_bytes: num(card, VRAM_TOTAL),
    power_w: num(card, POWER),
    power_limit_w: num(card, ['Max Graphics Package Power (W)']),
    temp_c: num(card, TEMP),
  };
}

export function parseRocmSmiJson(stdout: string): GpuReading[] {
  // rocm-smi may print WARNING lines before the JSON; parse from the first brace to the last.
  const start = stdout.indexOf('{');
  const end = stdout.lastIndexOf('}');
  if (start < 0 || end < start) return [];
  let doc: unknown;
  try {
    doc = JSON.parse(stdout.slice(start, end + 1));
  } catch {
    return []; // truncated by the output cap or a timeout
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return [];
  const out: GpuReading[] = [];
  for (const [key, card] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof card !== 'object' || card === null || Array.isArray(card)) continue;
    const r = cardReading(key, card as Card);
    if (r) out.push(r);
  }
  return out.sort((a, b) => a.gpu_index - b.gpu_index);
}

export const rocmSmi: PolledAccelerator = { id: 'rocm_smi', args: ROCM_SMI_ARGS, parse: parseRocmSmiJson };
