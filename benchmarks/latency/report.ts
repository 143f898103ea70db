import type { PromResult } from './prom-path.ts';
import type { RunLensResult } from './runlens-path.ts';
import type { Summary } from './stats.ts';

export type PathOutcome =
  | { readonly kind: 'runlens'; readonly result: RunLensResult }
  | { readonly kind: 'prometheus'; readonly result: PromResult }
  | { readonly kind: 'failed'; readonly path: string; readonly error: string };

const ms = (x: number | null): string => (x === null ? '–' : x >= 10_000 ? `${(x / 1000).toFixed(0)} s` : x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);
const pair = (s: Summary): string => `${ms(s.p50)} / ${ms(s.p95)}`;

function row(o: PathOutcome): string {
  switch (o.kind) {
    case 'runlens': {
      const r = o.result;
      const n = r.faults.length;
      return `| ${r.path} | ${r.store}; ${r.settings} | ${pair(r.visible_ms)} (n=${r.visible_ms.n}) | ${ms(r.poll_period_ms)} | ${pair(r.finding_bus_ms)} | ${pair(r.finding_store_ms)} | ${n - r.missed}/${n} | ${r.false_alarms} |`;
    }
    case 'prometheus': {
      const r = o.result;
      const p = r.profile;
      const cfg = p.name === 'default' ? 'scrape 1m, eval 1m, group_wait 30s' : 'scrape 1s, eval 1s, group_wait 0s';
      const n = r.faults.length;
      return `| ${r.path} | ${cfg}; rate[${p.rateWindow}] < 0.02, for: 0s | ${pair(r.visible_ms)} (n=${r.visible_ms.n}) | ${ms(r.poll_period_ms)} | ${pair(r.finding_ms)} (webhook) | – | ${n - r.missed}/${n} | ${r.false_alarms} |`;
    }
    case 'failed':
      return `| ${o.path} | FAILED: ${o.error.split('\n')[0] ?? ''} | | | | | | |`;
  }
}

const ratio = (a: number | null, b: number | null): string => (a === null || b === null || b === 0 ? '–' : `${(a / b).toFixed(1)}×`);

/** Prometheus ÷ RunLens, onset → first notification (webhook) vs onset → finding on the bus. */
function ratios(outcomes: readonly PathOutcome[]): string[] {
  const rl = outcomes.flatMap((o) => (o.kind === 'runlens' ? [o.result] : []));
  const prom = outcomes.flatMap((o) => (o.kind === 'prometheus' ? [o.result] : []));
  if (rl.length === 0 || prom.length === 0) return [];
  const head = `| onset → alert/finding, Prometheus ÷ RunLens | ${rl.map((r) => `÷ ${r.path} (p50 / p95)`).join(' | ')} |`;
  return [head, `|---|${rl.map(() => '---').join('|')}|`,
    ...prom.map((p) => `| ${p.path} | ${rl.map((r) => `${ratio(p.finding_ms.p50, r.finding_bus_ms.p50)} / ${ratio(p.finding_ms.p95, r.finding_bus_ms.p95)}`).join(' | ')} |`),
    '', `| onset → finding, RunLens ÷ Prometheus (issue 10: ≤ 0.6× tuned) | ${prom.map((p) => `÷ ${p.path} (p50 / p95)`).join(' | ')} |`,
    `|---|${prom.map(() => '---').join('|')}|`,
    ...rl.map((r) => `| ${r.path} | ${prom.map((p) => `${ratio2(r.finding_bus_ms.p50, p.finding_ms.p50)} / ${ratio2(r.finding_bus_ms.p95, p.finding_ms.p95)}`).join(' | ')} |`)];
}

const ratio2 = (a: number | null, b: number | null): string => (a === null || b === null || b === 0 ? '–' : `${(a / b).toFixed(2)}×`);

export function renderTable(outcomes: readonly PathOutcome[]): string {
  return [
    '| path | settings | sample → visible p50 / p95 | poll period | fault → finding p50 / p95 (bus) | fault → finding in store p50 / p95 | detected | false alarms |',
    '|---|---|---|---|---|---|---|---|',
    ...outcomes.map(row), '', ...ratios(outcomes),
  ].join('\n');
}
