import type { Finding, FindingKind, Row } from '@runlens/schemas';
import { hostname } from 'node:os';
import type { ScenarioStack } from './harness.ts';

export interface Outcome {
  readonly findings: Finding[];
  /** When each expected fault began (epoch ms); defaults to the run start. */
  readonly onset: Partial<Record<FindingKind, number>>;
  readonly start: number;
}

export interface Scenario {
  readonly name: string;
  /** A clean run: nothing of warning severity or worse may be raised. */
  readonly clean: boolean;
  readonly expect: readonly FindingKind[];
  /** Kinds that are true side effects of the workload; not counted as false alarms. */
  readonly allow: readonly FindingKind[];
  readonly needs?: 'cgroup_quota';
  run(stack: ScenarioStack, runId: string): Promise<Outcome>;
}

export function runRow(runId: string, app: string, cmd: string, allocCores: number, hosts: string[], start: number, end?: number): Row<'runs'> {
  return {
    run_id: runId, app, user: 'scenarios', cluster: 'scenarios', job_id: '', sluid: '', step: '', cmd, status: end ? 'finished' : 'running',
    start_ts: start, end_ts: end ?? null, updated_ts: end ?? start, exit_code: end ? 0 : null, hosts, ranks: hosts.length, alloc_cores: allocCores,
    alloc_gpus: 0, tags: ['scenario'], cpu_user_s: null, cpu_sys_s: null, read_bytes: null, write_bytes: null, rchar: null, wchar: null,
  };
}

/**
 * A one-host run on this machine: `body` starts the workload (one root process), reports
 * onsets, and resolves when the workload is done.
 */
export async function oneHostRun(
  stack: ScenarioStack, runId: string, app: string, cmd: string, allocCores: number,
  body: (track: (pid: number) => void) => Promise<Partial<Record<FindingKind, number>>>,
): Promise<Outcome> {
  const host = hostname();
  const agent = await stack.agent(host, false);
  const start = Date.now();
  await stack.publishRun(runRow(runId, app, cmd, allocCores, [host], start));
  const onset = await body((pid) => agent.addRun({ run_id: runId, root_pid: pid }));
  const findings = await stack.finish(runRow(runId, app, cmd, allocCores, [host], start, Date.now()));
  return { findings, onset, start };
}
