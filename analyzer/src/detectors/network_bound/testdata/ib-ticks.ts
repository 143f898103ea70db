import type { IbTick } from '../../../window/run-window.ts';
import { T0 } from '../../testdata/windows.ts';

/*
 * Test support: a per-second dump of /sys/class/infiniband/<dev>/ports/<n>/{state,rate,counters/*}
 * (one CSV row per port per read, raw file contents) → IbTick[], converted as the collector does:
 * data counters count 4-byte words, rates are deltas over elapsed time, a fall is a reset (0).
 */

const ERROR_COLUMNS = ['symbol_error', 'port_rcv_errors'] as const;

function rate(text: string | undefined): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*Gb\/sec/.exec(text ?? '');
  return m?.[1] === undefined ? null : Number(m[1]);
}

export function ibTicks(csv: string): IbTick[] {
  const [head, ...lines] = csv.split('\n').filter((l) => l.trim());
  const cols = (head ?? '').split(',');
  const rows = lines.map((l) => {
    const f = l.split(',');
    return (c: string): string => f[cols.indexOf(c)] ?? '';
  });
  const prev = new Map<string, (c: string) => string>();
  const out: IbTick[] = [];
  for (const r of rows) {
    const port = r('port');
    const p = prev.get(port);
    prev.set(port, r);
    if (!p) continue;
    const dt = Number(r('elapsed_s')) - Number(p('elapsed_s'));
    const d = (c: string): number => Math.max(0, Number(r(c)) - Number(p(c))) / dt;
    out.push({
      ts: T0 + Number(r('elapsed_s')) * 1000, port, state: /^\s*\d+:\s*([A-Z_]+)/.exec(r('state'))?.[1] ?? 'UNKNOWN',
      link_rate_gbps: rate(r('rate')), rx_bytes_per_s: d('port_rcv_data') * 4, tx_bytes_per_s: d('port_xmit_data') * 4,
      xmit_wait_per_s: d('port_xmit_wait'), errors_per_s: ERROR_COLUMNS.reduce((s, c) => s + d(c), 0),
      link_downed: Number(r('link_downed')),
    });
  }
  return out;
}
