'use client';
import type { ProcessTotals } from '@runlens/schemas';
import { useState } from 'react';
import { fmtBytes } from '../server/format.ts';

type Key = 'pid' | 'comm' | 'host' | 'rank' | 'cpu_s' | 'peak_rss_bytes' | 'read_bytes' | 'write_bytes';
const COLUMNS: readonly { key: Key; label: string; num: boolean }[] = [
  { key: 'host', label: 'Host', num: false }, { key: 'rank', label: 'Rank', num: true }, { key: 'pid', label: 'PID', num: true },
  { key: 'comm', label: 'Command', num: false }, { key: 'cpu_s', label: 'CPU s', num: true },
  { key: 'peak_rss_bytes', label: 'Peak RSS', num: true }, { key: 'read_bytes', label: 'Read', num: true }, { key: 'write_bytes', label: 'Written', num: true },
];

/** Nulls (no /proc/<pid>/io access, no rank) sort last whichever the direction. */
function compare(a: ProcessTotals, b: ProcessTotals, key: Key, desc: boolean): number {
  const x = a[key];
  const y = b[key];
  if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
  const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
  return desc ? -c : c;
}

const cell = (p: ProcessTotals, key: Key): string => {
  const v = p[key];
  if (v === null) return '—';
  if (key === 'cpu_s') return Number(v).toFixed(1);
  return key === 'peak_rss_bytes' || key === 'read_bytes' || key === 'write_bytes' ? fmtBytes(Number(v)) : String(v);
};

/**
 * The run's top processes, sortable by any column (click a heading; again to reverse), and, where
 * the kernel's totals hold much that no sample does, how much that is (`unsampled`).
 */
export function ProcessTable({ processes, unsampled = null }: { processes: readonly ProcessTotals[]; unsampled?: string | null }) {
  const [sort, setSort] = useState<{ key: Key; desc: boolean }>({ key: 'cpu_s', desc: true });
  const rows = [...processes].sort((a, b) => compare(a, b, sort.key, sort.desc));
  const click = (key: Key): void => setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== 'host' && key !== 'comm' }));
  return (
    <section className="card" data-testid="processes" data-sort={`${sort.key} ${sort.desc ? 'desc' : 'asc'}`}>
      <h2>Processes <span className="muted">(top {processes.length} by CPU)</span></h2>
      {unsampled ? <p className="muted" data-testid="unsampled">Not in this table: {unsampled}.</p> : null}
      <div className="scroll">
        <table>
          <thead><tr>{COLUMNS.map((c) => (
            <th key={c.key} className={c.num ? 'num' : undefined} aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
              <button type="button" className="sort" data-sort-key={c.key} onClick={() => click(c.key)}>
                {c.label}{sort.key === c.key ? (sort.desc ? ' ▼' : ' ▲') : ''}
              </button>
            </th>
          ))}</tr></thead>
          <tbody>{rows.map((p) => (
            <tr key={`${p.host}:${p.pid}:${p.comm}`} data-pid={p.pid}>
              {COLUMNS.map((c) => <td key={c.key} className={c.num ? 'num' : undefined}>{cell(p, c.key)}</td>)}
            </tr>
          ))}</tbody>
        </table>
      </div>
    </section>
  );
}
