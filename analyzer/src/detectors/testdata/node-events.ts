import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from '@runlens/schemas';
import { HostState } from '../../state/host-state.ts';
import { RunState } from '../../state/run-state.ts';
import type { RunWindow } from '../../window/run-window.ts';
import { QUIET } from './windows.ts';

/* Test support: node_events rows (copied from the kernel_events parser's golden outputs) on a run's host. */

export function eventRows(dir: string, name: string): Row<'node_events'>[] {
  return JSON.parse(readFileSync(join(import.meta.dirname, '..', dir, 'testdata', name), 'utf8')) as Row<'node_events'>[];
}

export interface EventRunSpec {
  readonly events: readonly Row<'node_events'>[];
  /** The run's samples on the host: one per second over [from, to]. */
  readonly from: number;
  readonly to: number;
  readonly pids?: readonly number[];
  readonly cgroups?: readonly string[];
  readonly host?: string;
}

/** The window the analyzer builds for a run on `host` after these rows, through the real state (attribution included). */
export function eventWindow(spec: EventRunSpec): RunWindow {
  const host = spec.host ?? 'node07';
  const h = new HostState(host);
  for (const e of spec.events) h.addEvent(e);
  const run = new RunState('r1');
  for (let ts = spec.from; ts <= spec.to; ts += 1000) run.addHostTick(host, { ...QUIET, ts });
  for (const p of spec.pids ?? []) run.addPid(host, p);
  for (const c of spec.cgroups ?? []) run.addCgroupPath(host, c);
  return run.window(new Map([[host, h]]));
}
