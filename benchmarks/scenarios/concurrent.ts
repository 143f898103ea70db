import { RUN_ID_ENV } from '@runlens/collector';
import { type Finding, type Row, rowsOfRun } from '@runlens/schemas';
import { hostname } from 'node:os';
import type { ScenarioStack } from './harness.ts';
import { type Scenario, runRow } from './scenario.ts';
import { exited, sleep, start } from './workloads.ts';

/** One of several runs sharing this machine: its command starts `delayMs` after the first. */
export interface ConcurrentRun {
  readonly id: string;
  readonly cmd: string;
  readonly args: readonly string[];
  readonly allocCores: number;
  readonly delayMs: number;
}

export interface ConcurrentOutcome {
  readonly start: number;
  /** When the second run (or the outside competitor) started: the onset of contention. */
  readonly onset: number;
  readonly findings: ReadonlyMap<string, Finding[]>;
  readonly procs: ReadonlyMap<string, Row<'process_samples'>[]>;
}

/**
 * Runs started as `runlens run` starts them (root registered with the agent, RUN_ID_ENV in the
 * environment), concurrently on this host; `outside` is a command started through a shell that
 * exits at once, so it belongs to no run. Each run is finished when its command exits.
 */
export async function concurrentRuns(
  stack: ScenarioStack, runs: readonly ConcurrentRun[], outside?: { delayMs: number; script: string },
): Promise<ConcurrentOutcome> {
  const host = hostname();
  const agent = await stack.agent(host, false);
  const begin = Date.now();
  const findings = new Map<string, Finding[]>();
  const one = async (r: ConcurrentRun): Promise<void> => {
    await sleep(r.delayMs);
    const cmd = [r.cmd, ...r.args].join(' ');
    const startTs = Date.now();
    await stack.publishRun(runRow(r.id, r.cmd, cmd, r.allocCores, [host], startTs));
    const c = start(r.cmd, r.args, { [RUN_ID_ENV]: r.id });
    agent.addRun({ run_id: r.id, root_pid: c.pid ?? 0 });
    await exited(c);
    findings.set(r.id, await stack.finish(runRow(r.id, r.cmd, cmd, r.allocCores, [host], startTs, Date.now())));
  };
  const competitor = async (): Promise<void> => {
    if (!outside) return;
    await sleep(outside.delayMs);
    await exited(start('sh', ['-c', `${outside.script} >/dev/null 2>&1 &`]));
  };
  await Promise.all([...runs.map(one), competitor()]);
  const procs = new Map<string, Row<'process_samples'>[]>();
  for (const r of runs) procs.set(r.id, await rowsOfRun(stack.store, 'process_samples', r.id));
  const onset = begin + Math.max(outside?.delayMs ?? 0, ...runs.map((r) => r.delayMs));
  return { start: begin, onset, findings, procs };
}

/** Two 2-core runs on the 2 cores: the second, started 8 s into the first, slows it, and the first's verdict names it. */
export function contendingRuns(ids: readonly [string, string]): ConcurrentRun[] {
  return [
    { id: ids[0], cmd: 'stress-ng', args: ['--cpu', '2', '--timeout', '24s'], allocCores: 2, delayMs: 0 },
    { id: ids[1], cmd: 'stress-ng', args: ['--cpu', '2', '--timeout', '12s'], allocCores: 2, delayMs: 8000 },
  ];
}

const interferenceOf = (fs: readonly Finding[] | undefined): Finding | undefined => fs?.find((f) => f.kind === 'cpu_interference');

export const CONCURRENT_SCENARIOS: readonly Scenario[] = [
  {
    // The first run's verdict: cpu_interference naming the second run (evidence outside_runs).
    name: 'concurrent_runs_contend', clean: false, expect: ['cpu_interference'], allow: ['cpu_bound', 'low_cpu_utilization', 'metric_outlier'],
    async run(stack, id) {
      const o = await concurrentRuns(stack, contendingRuns([id, `${id}-b`]));
      const f = interferenceOf(o.findings.get(id));
      const named = f !== undefined && String(f.evidence.outside_runs ?? '').includes(`${id}-b`);
      return { findings: named ? (o.findings.get(id) ?? []) : (o.findings.get(id) ?? []).filter((x) => x !== f), onset: { cpu_interference: o.onset }, start: o.start };
    },
  },
  {
    // A run whose command daemonises its worker (re-parented away at once): the worker is still
    // the run's, by its environment, so the run is cpu_bound and not interfered with by itself.
    // Not `clean`: on this shared machine other people's load is real interference.
    name: 'daemonised_worker', clean: false, expect: ['cpu_bound'], allow: ['cpu_interference'],
    async run(stack, id) {
      const o = await concurrentRuns(stack, [{ id, cmd: 'sh', args: ['-c', '(stress-ng --cpu 1 --timeout 14s >/dev/null 2>&1 &); sleep 15'], allocCores: 1, delayMs: 0 }]);
      return { findings: o.findings.get(id) ?? [], onset: {}, start: o.start };
    },
  },
];
