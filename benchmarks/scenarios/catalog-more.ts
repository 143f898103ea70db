import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Scenario } from './scenario.ts';
import { oneHostRun } from './scenario.ts';
import { CONCURRENT_SCENARIOS } from './concurrent.ts';
import { GENERATORS, MEMORY_PATTERN, exited, sleep, start } from './workloads.ts';

const duty = join(GENERATORS, 'duty.mjs');
const fioWrite = (s: number): string[] => ['--name=seqw', `--filename=${join(tmpdir(), `runlens-scenario-fio-${process.pid}`)}`, '--rw=write', '--bs=1M', '--size=1G', '--direct=1', '--time_based', `--runtime=${s}`, '--ioengine=sync', '--unlink=1'];
const MPIRUN = ['--allow-run-as-root', '--oversubscribe', '-np', '2'];

/** A command as the run's root; resolves when it exits. */
function simple(app: string, cmd: string, args: readonly string[], alloc: number): Scenario['run'] {
  return (stack, id) => oneHostRun(stack, id, app, [cmd, ...args].join(' '), alloc, async (track) => {
    const c = start(cmd, args);
    track(c.pid ?? 0);
    await exited(c);
    return {};
  });
}

/**
 * Issue 10's further shapes: short runs, working sets reached in steps and as a ramp, a slow leak,
 * interference late in a run, a multi-phase job, clean jobs of other shapes, real `mpirun` jobs
 * (balanced and not), and concurrent runs (concurrent.ts).
 */
export const MORE_SCENARIOS: readonly Scenario[] = [
  // Short runs: judged on their totals (kernel CPU and IO counters) against cores and the measured device.
  { name: 'short_cpu_2s', clean: true, expect: ['cpu_bound'], allow: [], run: simple('stress-ng', 'stress-ng', ['--cpu', '1', '--timeout', '2s'], 1) },
  { name: 'short_io_write_3s', clean: false, expect: ['io_bound'], allow: ['low_cpu_utilization'], run: simple('fio', 'fio', fioWrite(3), 1) },
  // Working sets: growth that stops is not a leak, whatever its shape; growth to the end is.
  // Once its working set is reached the generator holds it and does nothing for 10 s: `idle`
  // (info) is then a true observation, not a false alarm. What these test is memory_leak's absence.
  { name: 'step_hold_not_leak', clean: false, expect: [], allow: ['low_cpu_utilization', 'idle'], run: simple('shards', 'node', [MEMORY_PATTERN, 'step-hold', '40', '18', '8'], 1) },
  { name: 'ramp_hold_not_leak', clean: false, expect: [], allow: ['low_cpu_utilization', 'idle'], run: simple('ramp', 'node', [MEMORY_PATTERN, 'ramp-hold', '30', '18', '6'], 1) },
  { name: 'slow_leak', clean: false, expect: ['memory_leak'], allow: ['low_cpu_utilization'], run: simple('leaker', 'node', [MEMORY_PATTERN, 'leak', '6', '20'], 1) },
  {
    name: 'interference_late', clean: false, expect: ['cpu_interference'], allow: ['cpu_bound', 'low_cpu_utilization', 'metric_outlier'],
    // Its own app: under 'stress-ng' its baseline was the suite's other, 15 s stress-ng runs (the
    // command fingerprint keeps option names, not values), so it read as a 2x regression whenever
    // the 12 s of interference fell just under 40% of the whole run and did not explain it.
    run: (stack, id) => oneHostRun(stack, id, 'stress-ng-late', 'stress-ng --cpu 2 --timeout 30s', 2, async (track) => {
      const c = start('stress-ng', ['--cpu', '2', '--timeout', '30s']);
      track(c.pid ?? 0);
      await sleep(16_000);
      const onset = Date.now();
      start('sh', ['-c', 'stress-ng --cpu 2 --timeout 12s >/dev/null 2>&1 &']);
      await exited(c);
      return { cpu_interference: onset };
    }),
  },
  // Multi-phase: 6 s of direct writes, then 12 s of compute on its one core.
  {
    name: 'multi_phase_io_then_cpu', clean: false, expect: ['cpu_bound'], allow: ['io_bound', 'low_cpu_utilization'],
    run: simple('phases', 'sh', ['-c', `fio ${fioWrite(6).join(' ')} >/dev/null; stress-ng --cpu 1 --timeout 12s`], 1),
  },
  // Clean jobs of other shapes.
  { name: 'clean_two_node_workers', clean: true, expect: ['cpu_bound'], allow: [], run: simple('workers', 'sh', ['-c', `node ${duty} 1 14 & node ${duty} 1 14 & wait`], 2) },
  { name: 'clean_duty_95', clean: true, expect: ['cpu_bound'], allow: [], run: simple('solver', 'node', [duty, '0.95', '14'], 1) },
  { name: 'serial_on_two_cores', clean: false, expect: ['low_cpu_utilization'], allow: [], run: simple('serial', 'node', [duty, '0.95', '14'], 2) },
  // Real Open MPI jobs: two ranks, balanced and not.
  { name: 'mpirun_balanced', clean: true, expect: ['cpu_bound'], allow: [], run: simple('mpi', 'mpirun', [...MPIRUN, 'node', duty, '0.95', '15'], 2) },
  {
    name: 'mpirun_unbalanced', clean: false, expect: ['load_imbalance'], allow: ['low_cpu_utilization'],
    run: simple('mpi', 'mpirun', [...MPIRUN, 'sh', '-c', `exec node ${duty} $([ "$OMPI_COMM_WORLD_RANK" = 0 ] && echo 0.9 || echo 0.15) 15`], 2),
  },
  ...CONCURRENT_SCENARIOS,
];
