/**
 * Expands a Slurm hostlist (`rlnode[1-3,5],gpu[01-02]`) into names. Bounded: at most `max`
 * names and one bracket group per name (Slurm's own multi-dimensional forms are rare on
 * clusters of this kind); anything it cannot read gives null, never an exception.
 */
export function expandHostlist(text: string, max = 4096): string[] | null {
  if (text.length > 65_536) return null;
  const out: string[] = [];
  for (const item of splitTopLevel(text.trim())) {
    const names = expandOne(item, max - out.length);
    if (names === null) return null;
    out.push(...names);
  }
  return out;
}

function splitTopLevel(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      items.push(cur);
      cur = '';
    } else cur += ch;
  }
  items.push(cur);
  return items.filter((s) => s.length > 0);
}

const BRACKET = /^([^[\]]*)\[([0-9,-]+)\]([^[\]]*)$/;
const NAME = /^[A-Za-z0-9._-]+$/;

function expandOne(item: string, room: number): string[] | null {
  if (NAME.test(item)) return room >= 1 ? [item] : null;
  const m = BRACKET.exec(item);
  if (!m) return null;
  const [, prefix = '', ranges = '', suffix = ''] = m;
  const out: string[] = [];
  for (const range of ranges.split(',')) {
    const r = /^(\d{1,9})(?:-(\d{1,9}))?$/.exec(range);
    if (!r?.[1]) return null;
    const from = Number(r[1]);
    const to = r[2] === undefined ? from : Number(r[2]);
    if (to < from || out.length + (to - from + 1) > room) return null;
    for (let i = from; i <= to; i++) out.push(`${prefix}${String(i).padStart(r[1].length, '0')}${suffix}`);
  }
  return out;
}
