import type { KindResult } from './kinds-path.ts';
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

/** One fault kind's row: RunLens embedded (bus) against Prometheus + Alertmanager tuned (webhook). */
interface KindRow {
  readonly kind: string;
  readonly finding: string;
  readonly runlens: { readonly latency_ms: Summary; readonly n: number; readonly missed: number; readonly false_alarms: number } | null;
  readonly prometheus: { readonly latency_ms: Summary; readonly n: number; readonly missed: number; readonly false_alarms: number; readonly alert: string } | null;
  readonly note: string;
}

const detected = (r: { n: number; missed: number } | null): string => (r === null ? '–' : `${r.n - r.missed}/${r.n}`);

function stoppedRow(outcomes: readonly PathOutcome[]): KindRow | null {
  const rl = outcomes.flatMap((o) => (o.kind === 'runlens' && o.result.path === 'RunLens embedded' ? [o.result] : []))[0];
  const prom = outcomes.flatMap((o) => (o.kind === 'prometheus' && o.result.profile.name === 'tuned' ? [o.result] : []))[0];
  if (!rl && !prom) return null;
  return {
    kind: 'stopped process', finding: 'idle', note: '',
    runlens: rl ? { latency_ms: rl.finding_bus_ms, n: rl.faults.length, missed: rl.missed, false_alarms: rl.false_alarms } : null,
    prometheus: prom ? { latency_ms: prom.finding_ms, n: prom.faults.length, missed: prom.missed, false_alarms: prom.false_alarms, alert: 'JobProcessHung' } : null,
  };
}

function kindRow(k: KindResult): KindRow {
  const errs = k.errors.length ? `${k.errors.length} fault(s) failed: ${k.errors[0] ?? ''}` : '';
  const also = [...new Set(k.runlens?.faults.flatMap((f) => f.also_raised) ?? [])];
  const note = [k.skipped ?? '', errs, also.length ? `RunLens also raised ${also.join(', ')}` : ''].filter(Boolean).join('; ');
  return {
    kind: k.kind, finding: k.kind, note,
    runlens: k.runlens ? { ...k.runlens, n: k.runlens.faults.length } : null,
    prometheus: k.prometheus ? { ...k.prometheus, n: k.prometheus.faults.length, alert: k.prometheus.rule.alert } : null,
  };
}

/** Per fault kind: onset → finding (RunLens embedded, bus) and → alert (Prometheus tuned, webhook), and their ratio. */
export function renderKinds(outcomes: readonly PathOutcome[], kinds: readonly KindResult[]): string {
  const rows = [stoppedRow(outcomes), ...kinds.map(kindRow)].filter((r): r is KindRow => r !== null);
  if (rows.length === 0) return '';
  const line = (r: KindRow): string => {
    const rl = r.runlens;
    const pr = r.prometheus;
    const ratios = rl && pr ? `${ratio2(rl.latency_ms.p50, pr.latency_ms.p50)} / ${ratio2(rl.latency_ms.p95, pr.latency_ms.p95)}` : '–';
    return `| ${r.kind} | ${r.finding} | ${rl ? pair(rl.latency_ms) : '–'} | ${detected(rl)} | ${rl?.false_alarms ?? '–'} | ${pr?.alert ?? '–'} | ${pr ? pair(pr.latency_ms) : '–'} | ${detected(pr)} | ${pr?.false_alarms ?? '–'} | ${ratios} |${r.note ? ` ${r.note}` : ''}`;
  };
  return [
    '| fault kind | RunLens finding | RunLens embedded p50 / p95 (bus) | detected | false alarms | Prometheus tuned alert | Prometheus p50 / p95 (webhook) | detected | false alarms | RunLens ÷ Prometheus p50 / p95 (issue 10: ≤ 0.6×) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(line),
  ].join('\n');
}
