/**
 * The 10,000-node plan from the medians of several scale runs: one run samples each worker once
 * (a 2-4 s drain), which moves ±20% on this VM, and a plan should not follow one sample.
 *   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/scale/plan-median.ts results-1.json results-2.json …
 * Each file is a copy of results.json from `benchmarks/scale/run.ts`; the plan input is the first's.
 */
import { readFileSync } from 'node:fs';
import { median } from '../ingest/proc.ts';
import { type MeasuredRates, type PlanInput, plan, planMarkdown } from './plan.ts';

interface Results { readonly date: string; readonly measured: MeasuredRates; readonly plan_input: PlanInput }

/** The median of every number at the same place in the objects; null where any run lacks it (a peer not measured in every run). */
function medianOf<T>(xs: readonly T[]): T {
  const first = xs[0];
  if (xs.some((x) => x === null || x === undefined)) return null as T;
  if (typeof first === 'number') return median(xs as readonly number[]) as T;
  if (typeof first !== 'object' || first === null) return (xs.every((x) => x === first) ? first : null) as T;
  const keys = Object.keys(first) as (keyof T)[];
  return Object.fromEntries(keys.map((k) => [k, medianOf(xs.map((x) => x[k]))])) as T;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: plan-median.ts results-1.json [results-2.json …]\n');
  process.exit(2);
}
const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Results);
const input = runs[0]?.plan_input as PlanInput;
const measured = medianOf(runs.map((r) => r.measured));
const rate = (label: string, get: (m: MeasuredRates) => number | undefined): string =>
  `| ${label} | ${runs.map((r) => Math.round(get(r.measured) ?? Number.NaN).toLocaleString('en-US')).join('; ')} | ${Math.round(get(measured) ?? Number.NaN).toLocaleString('en-US')} |`;
process.stdout.write([
  `Runs: ${runs.map((r) => r.date).join(', ')}`, '',
  '| rate (per CPU-s) | each run | median |', '|---|---|---:|',
  rate('ingest rows → chDB', (m) => m.ingest_rows_per_cpu_s.chdb),
  rate('ingest rows → one 18.16 server', (m) => m.ingest_rows_per_cpu_s.clickhouse),
  rate('ingest rows → 2 × 2 cluster', (m) => m.cluster?.ingest_rows_per_cpu_s),
  rate('ingest rows → chDB, warm', (m) => m.ingest_warm_rows_per_cpu_s?.chdb ?? undefined),
  rate('ingest rows → one 18.16 server, warm', (m) => m.ingest_warm_rows_per_cpu_s?.clickhouse ?? undefined),
  rate('ingest rows → 2 × 2 cluster, warm', (m) => m.ingest_warm_rows_per_cpu_s?.cluster ?? undefined),
  rate('analyzer rows', (m) => m.analyze_rows_per_cpu_s),
  rate('broker messages (all brokers)', (m) => m.broker_messages_per_cpu_s),
  '', planMarkdown(measured, input, plan(measured, input)), '',
].join('\n'));
