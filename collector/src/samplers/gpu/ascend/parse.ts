import { blankReading, percentToRatio } from '../accelerator.ts';
import type { PolledAccelerator } from '../accelerator.ts';
import { smiNumber } from '../parse.ts';
import type { GpuReading } from '../parse.ts';

/**
 * Huawei Ascend `npu-smi info` summary table. Each chip is two table rows:
 *   | NPU  Name          | Health | Power(W)  Temp(C)  Hugepages-Usage(page)        |
 *   | Chip [Phy-ID|Dev]  | Bus-Id | AICore(%) Memory-Usage(MB) [HBM-Usage(MB)]      |
 * The process table below it has four cells per row and is ignored. `-` and `NA` are unknown.
 * 310/310P cards have no HBM column (their memory is the Memory-Usage pair). Never throws.
 */
export const NPU_SMI_ARGS = ['info'] as const;

const MIB = 1024 * 1024;
const CARD_CELL = /^(\d+)\s+(\S.*)$/;
const CHIP_CELL = /^(\d+)(?:\s+(\d+))?$/;
const BUS_ID = /^[0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-7]$/;
const CHIP_STATS = /^(\S+)\s+(\d+)\s*\/\s*(\d+)(?:\s+(\d+)\s*\/\s*(\d+))?/;

interface CardRow { npu: number; name: string; power: number | null; temp: number | null }

/** The inner cells of a `| a | b | c |` line, or null for borders and other shapes. */
function cells(line: string): string[] | null {
  const t = line.trim();
  if (!t.startsWith('|') || !t.endsWith('|')) return null;
  const parts = t.slice(1, -1).split('|').map((s) => s.trim());
  return parts.length === 3 ? parts : null;
}

function cardRow(c: readonly string[]): CardRow | null {
  const m = CARD_CELL.exec(c[0] ?? '');
  if (!m || BUS_ID.test(c[1] ?? '')) return null; // a chip row has a bus id where a card row has health
  const [power, temp] = (c[2] ?? '').split(/\s+/);
  return { npu: Number(m[1]), name: (m[2] ?? '').trim(), power: smiNumber(power), temp: smiNumber(temp) };
}

function chipReading(card: CardRow, c: readonly string[], ordinal: number, used: Set<number>): GpuReading | null {
  const chip = CHIP_CELL.exec(c[0] ?? '');
  const bus = c[1] ?? '';
  if (!chip || !BUS_ID.test(bus)) return null;
  const s = CHIP_STATS.exec(c[2] ?? '');
  const hbmTotal = smiNumber(s?.[5]);
  const [usedMb, totalMb] = hbmTotal !== null && hbmTotal > 0 ? [s?.[4], s?.[5]] : [s?.[2], s?.[3]];
  let index = chip[2] !== undefined ? Number(chip[2]) : card.npu;
  if (used.has(index)) index = ordinal; // e.g. two chips of one 310P card without a device column
  used.add(index);
  const mib = (x: string | undefined): number | null => { const v = smiNumber(x); return v === null ? null : v * MIB; };
  return {
    ...blankReading(index, bus, card.name.startsWith('Ascend') ? card.name : `Ascend ${card.name}`),
    util_ratio: percentToRatio(smiNumber(s?.[1])),
    mem_used_bytes: mib(usedMb),
    mem_total_bytes: mib(totalMb),
    power_w: card.power,
    temp_c: card.temp,
  };
}

export function parseNpuSmiInfo(stdout: string): GpuReading[] {
  const out: GpuReading[] = [];
  const used = new Set<number>();
  let card: CardRow | null = null;
  for (const line of stdout.split('\n')) {
    const c = cells(line);
    if (!c) continue;
    const asCard = cardRow(c);
    if (asCard) { card = asCard; continue; }
    const r = card ? chipReading(card, c, out.length, used) : null;
    if (r) out.push(r);
    card = null; // a chip row belongs to the card row right above it only
  }
  return out;
}

export const npuSmi: PolledAccelerator = { id: 'npu_smi', args: NPU_SMI_ARGS, parse: parseNpuSmiInfo };
