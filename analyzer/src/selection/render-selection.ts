import { money, seconds } from '../report/format.ts';
import type { Interval } from './recommend.ts';
import type { NodeTypeListing, SelectionResult } from './select-app.ts';

const ci = (i: Interval, f: (x: number) => string): string => (i.level > 0 ? `${f(i.lo)}–${f(i.hi)} (${Math.round(i.level * 100)}%)` : '—');

/** The terminal form of `runlens select`. */
export function renderSelection(s: SelectionResult): string {
  const r = s.recommendation;
  const lines = [`where to run ${s.app}` + (s.fingerprint ? ` (work: ${s.fingerprint}, ${s.scale_cores} cores)` : ''), ''];
  if (r.types.length === 0) return [...lines, 'no finished runs of this app with a summary yet'].join('\n');
  lines.push('type                                 runs  median wall  interval                 cost/run        runs per 1 ' + s.currency);
  for (const t of r.types) {
    const perCost = t.runs_per_cost === null ? '—' : t.runs_per_cost.toPrecision(3);
    lines.push(`${t.type.padEnd(36)} ${String(t.runs).padStart(4)}  ${seconds(t.wall_s_median).padStart(11)}  ${ci(t.wall_s_ci, (x) => seconds(x)).padEnd(23)}  ${money(t.cost_per_run_median, s.currency).padEnd(14)}  ${perCost}`);
  }
  lines.push('');
  if (r.verdict === 'insufficient_data') lines.push('insufficient data: no recommendation yet');
  if (r.fastest) lines.push(`fastest: ${r.fastest.type}${r.fastest.sure ? '' : ' (not sure)'}: ${r.fastest.why}`);
  if (r.cheapest) lines.push(`cheapest per run: ${r.cheapest.type}${r.cheapest.sure ? '' : ' (not sure)'}: ${r.cheapest.why}`);
  for (const c of r.comparisons) lines.push(c);
  for (const n of r.needs) lines.push(`to settle it: ${n}`);
  if (s.runs_other_work > 0) lines.push(`(${s.runs_other_work} runs of other work or scale left out)`);
  return lines.join('\n');
}

/** The terminal form of `runlens nodes`. */
export function renderNodeTypes(types: readonly NodeTypeListing[], currency: string): string {
  if (types.length === 0) return 'no node profiles recorded and no node types configured';
  const price = (t: NodeTypeListing): string => [
    t.price_per_node_hour === null ? '' : `${t.price_per_node_hour} ${currency}/node-h`,
    t.price_per_core_hour === null ? '' : `${t.price_per_core_hour} ${currency}/core-h`,
    t.price_per_gpu_hour === null ? '' : `${t.price_per_gpu_hour} ${currency}/GPU-h`,
  ].filter(Boolean).join(' + ') || 'no price';
  return types.map((t) => `${t.type}${t.configured ? '' : ' (derived)'}: ${t.hosts.length} host${t.hosts.length === 1 ? '' : 's'}${t.hosts.length ? ` (${t.hosts.slice(0, 8).join(', ')}${t.hosts.length > 8 ? ', …' : ''})` : ''}; ${price(t)}`).join('\n');
}
