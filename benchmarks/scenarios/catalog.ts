import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { type Scenario, oneHostRun } from './scenario.ts';
import { slowNode } from './slow-node.ts';
import { GENERATORS, MEMORY_PATTERN, exited, limitMemory, sleep, start } from './workloads.ts';

const gen = (name: string): string => join(GENERATORS, name);

/** A command as the run's root; resolves when it exits. */
function simple(app: string, cmd: string, args: string[], alloc: number): Scenario['run'] {
  return (stack, id) => oneHostRun(stack, id, app, [cmd, ...args].join(' '), alloc, async (track) => {
    const c = start(cmd, args);
    track(c.pid ?? 0);
    await exited(c);
    return {};
  });
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'clean_cpu_1core', clean: true, expect: ['cpu_bound'], allow: [], run: simple('stress-ng', 'stress-ng', ['--cpu', '1', '--timeout', '15s'], 1) },
  { name: 'clean_cpu_2cores', clean: true, expect: ['cpu_bound'], allow: [], run: simple('stress-ng', 'stress-ng', ['--cpu', '2', '--timeout', '15s'], 2) },
  { name: 'oversubscription', clean: false, expect: ['oversubscription'], allow: ['cpu_bound'], run: simple('stress-ng', 'stress-ng', ['--cpu', '4', '--timeout', '15s'], 2) },
  { name: 'memory_leak', clean: false, expect: ['memory_leak'], allow: ['low_cpu_utilization'], run: simple('leaker', 'node', [MEMORY_PATTERN, 'leak', '20', '16'], 1) },
  { name: 'sawtooth_not_leak', clean: false, expect: [], allow: ['low_cpu_utilization'], run: simple('sawtooth', 'node', ['--expose-gc', MEMORY_PATTERN, 'sawtooth', '20', '16', '3'], 1) },
  { name: 'io_bandwidth', clean: false, expect: ['io_bound'], allow: ['low_cpu_utilization'], run: simple('fio', 'fio', ['--name=seqw', `--filename=${join(tmpdir(), 'runlens-scenario-fio')}`, '--rw=write', '--bs=1M', '--size=2G', '--direct=1', '--time_based', '--runtime=15', '--ioengine=sync', '--unlink=1'], 1) },
  { name: 'io_metadata', clean: false, expect: ['io_metadata_bound'], allow: [], run: simple('metastorm', 'node', [gen('metadata.mjs'), '15'], 1) },
  {
    // The competitor's start and exit really do move the run's CPU series (2 → ~1 → 2 cores), so
    // an info-level metric_outlier on that step is a true observation, not a false alarm; it
    // showed up in 1 of 5 CI runs, depending on how the step fell against the ticks.
    name: 'cpu_interference', clean: false, expect: ['cpu_interference'], allow: ['cpu_bound', 'low_cpu_utilization', 'metric_outlier'],
    run: (stack, id) => oneHostRun(stack, id, 'stress-ng', 'stress-ng --cpu 2 --timeout 24s', 2, async (track) => {
      const c = start('stress-ng', ['--cpu', '2', '--timeout', '24s']);
      track(c.pid ?? 0);
      await sleep(8000);
      const onset = Date.now();
      // Started through a shell that exits at once, so the competitor is re-parented away from
      // this process (RunLens's own tree is never counted as outside load).
      start('sh', ['-c', 'stress-ng --cpu 2 --timeout 14s >/dev/null 2>&1 &']);
      await exited(c);
      return { cpu_interference: onset };
    }),
  },
  {
    name: 'hung_sigstop', clean: false, expect: ['idle'], allow: ['cpu_bound', 'low_cpu_utilization'],
    run: (stack, id) => oneHostRun(stack, id, 'solver', 'node duty.mjs 0.9 26', 1, async (track) => {
      const c = start('node', [gen('duty.mjs'), '0.9', '26']);
      track(c.pid ?? 0);
      await sleep(6000);
      const onset = Date.now();
      c.kill('SIGSTOP');
      await sleep(15_000);
      c.kill('SIGCONT');
      await exited(c);
      return { idle: onset };
    }),
  },
  {
    name: 'load_imbalance', clean: false, expect: ['load_imbalance'], allow: ['low_cpu_utilization'],
    run: (stack, id) => oneHostRun(stack, id, 'ranks', 'sh ranks 0.1 0.1 0.1 0.45', 2, async (track) => {
      const d = gen('duty.mjs');
      const script = [0.1, 0.1, 0.1, 0.45].map((f, r) => `RANK=${r} node ${d} ${f} 18 &`).join(' ') + ' wait';
      const c = start('sh', ['-c', script]);
      track(c.pid ?? 0);
      await exited(c);
      return {};
    }),
  },
  {
    name: 'memory_pressure', clean: false, expect: ['memory_pressure'], allow: ['low_cpu_utilization', 'memory_leak', 'idle'], needs: 'cgroup_quota',
    run: (stack, id) => oneHostRun(stack, id, 'holder', 'node hold.mjs 232 16', 1, async (track) => {
      // Stopped until it is inside its cgroup, so every byte is charged to the limit.
      const c = start('sh', ['-c', `kill -STOP $$; exec node ${gen('hold.mjs')} 232 16`]);
      track(c.pid ?? 0);
      await sleep(200);
      const release = limitMemory(c.pid ?? 0, 256 * 1024 * 1024, 'memory-pressure');
      const onset = Date.now();
      c.kill('SIGCONT');
      await exited(c);
      release();
      return { memory_pressure: onset };
    }),
  },
  slowNode,
];
