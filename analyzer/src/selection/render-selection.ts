import { money, seconds } from '../report/format.ts';
import type { Interval, TypeStats } from './recommend.ts';
import type { NodeTypeListing, SelectionResult } from './select-app.ts';

const ci = (i: Interval, f: (x: number) => string): string => (i.level > 0 ? `${f(i.lo)}–${f(i.hi)} (${Math.round(i.level * 100)}%)` : '—');

const num = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));

/** The performance column: the app's metric where it reports one, else the median wall time. */
function perf(t: TypeStats, metric: boolean): [string, string] {
  if (metric) return [t.metric_median === null ? '—' : num(t.metric_median), t.metric_ci ? ci(t.metric_ci, num) : '—'];
  return [seconds(t.wall_s_median), ci(t.wall_s_ci, (x) => seconds(x))];
}

function predictedNote(t: TypeStats): string {
  const p = t.predicted;
  if (!p) return '';
  const b = `${p.exponent.toFixed(2)}${p.exponent_se === null ? '' : `±${p.exponent_se.toFixed(2)}`}`;
  return `  predicted from ${p.from_runs} runs at ${p.from_scale} cores, b = ${b} (${p.source === 'app_model' ? 'app model' : 'fitted here'})`;
}

/** The terminal form of `runlens select`. */
export function renderSelection(s: SelectionResult): string {
  const r = s.recommendation;
  const metric = r.performance !== 'wall_s';
  const lines = [`where to run ${s.app}` + (s.fingerprint ? ` (work: ${s.fingerprint}, ${s.scale_cores} cores)` : ''), ''];
  if (r.types.length === 0) return [...lines, 'no finished runs of this app with a summary yet'].join('\n');
  if (metric) lines.push(`performance: the app's own ${r.performance} (higher is faster); a unit of work is one ${r.performance.split('/')[0] ?? r.performance}`);
  lines.push(`type                                 runs  ${metric ? `median ${r.performance}`.padStart(11) : 'median wall'}  interval                 cost/run        cost/unit       units per 1 ${s.currency}`);
  for (const t of r.types) {
    const [m, i] = perf(t, metric);
    const perCost = t.units_per_cost === null ? '—' : t.units_per_cost.toPrecision(3);
    const runs = t.predicted ? '0*' : String(t.runs);
    lines.push(`${t.type.padEnd(36)} ${runs.padStart(4)}  ${m.padStart(11)}  ${i.padEnd(23)}  ${money(t.cost_per_run_median, s.currency).padEnd(14)}  ${money(t.cost_per_unit_median, s.currency).padEnd(14)}  ${perCost}${predictedNote(t)}`);
  }
  if (r.types.some((t) => t.predicted)) lines.push('* no run at this scale: predicted by the app model\'s scaling exponent, not measured');
  lines.push('');
  if (r.verdict === 'insufficient_data') lines.push('insufficient data: no recommendation yet');
  if (r.fastest) lines.push(`fastest: ${r.fastest.type}${r.fastest.sure ? '' : ' (not sure)'}: ${r.fastest.why}`);
  if (r.cheapest) lines.push(`${metric ? 'cheapest per unit of work' : 'cheapest per run'}: ${r.cheapest.type}${r.cheapest.sure ? '' : ' (not sure)'}: ${r.cheapest.why}`);
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
