import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { processTree } from '../collector-overhead/proc-meter.ts';
import { GENERATORS, canLimitMemory, exited, killAll, limitMemory, setMemoryLimit, sleep, start } from '../scenarios/workloads.ts';

/** The fault kinds besides the stopped process; each is also the RunLens finding kind it should raise. */
export type LatencyKind = 'cpu_interference' | 'oversubscription' | 'memory_pressure';

/** One run of a kind: started and warmed up by the path, then `inject` at the onset. */
export interface KindRun {
  readonly root: ChildProcess;
  /** The run's command line, for its `runs` row. */
  readonly cmd: string;
  inject(): void;
  /** Ends the run's process tree and whatever the fault started (a competitor, a cgroup, files). */
  stop(): Promise<void>;
}

export interface KindSpec {
  readonly kind: LatencyKind;
  /** In the run's tag (`lat-<short>-<i>-<stamp>`), which names its process-exporter group. */
  readonly short: 'ci' | 'os' | 'mp';
  /** The fault, for the table. */
  readonly fault: string;
  readonly app: string;
  allocCores(cores: number): number;
  /** Why this machine cannot produce the fault; null when it can. */
  unavailable(): string | null;
  start(tag: string, cores: number, dir: string): Promise<KindRun>;
}

/** Every workload and competitor ends by itself after this, should the bench die without stopping it. */
const SAFETY_S = 90;
/** memory_pressure: the dataset re-read (its page cache is the working set), the limit before and at the onset. */
const DATASET_MB = 256;
const ROOMY_BYTES = 1024 * 1024 * 1024;
const TIGHT_BYTES = 160 * 1024 * 1024;
const PYTHON = '/usr/bin/python3';

process.on('exit', killAll);

/** SIGKILL to `pid` and its descendants (a stress-ng parent and its workers). */
function killTree(pid: number | undefined): void {
  if (pid === undefined || pid <= 1) return;
  for (const p of processTree(pid)) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

async function readPid(file: string): Promise<number | undefined> {
  for (let i = 0; i < 20 && !existsSync(file); i++) await sleep(50);
  const pid = Number(existsSync(file) ? readFileSync(file, 'utf8').trim() : '');
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

async function stopped(pid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('T')) return;
    await sleep(20);
  }
  throw new Error(`memory_pressure: the run's root (pid ${pid}) did not stop itself before entering its cgroup`);
}

const busy = (cores: number): string => `stress-ng --cpu ${cores} --timeout ${SAFETY_S}s >/dev/null 2>&1`;

/**
 * catalog.ts 'cpu_interference', with the onset mid-run: the run keeps its cores busy, then an
 * outside competitor as busy takes them. It is started through a shell that exits at once, so it is
 * re-parented away from the bench (RunLens's own tree never counts as outside load); its pid file
 * lets the bench end it with the run.
 */
const cpuInterference: KindSpec = {
  kind: 'cpu_interference', short: 'ci', app: 'stress-ng', fault: 'the run busy on all cores; an outside stress-ng as busy starts',
  allocCores: (cores) => cores, unavailable: () => null,
  start: async (tag, cores, dir) => {
    const root = start('sh', ['-c', `${busy(cores)}; : ${tag}`]);
    const pidFile = join(dir, `competitor-${root.pid ?? 0}.pid`);
    return {
      root, cmd: busy(cores),
      inject: () => void start('sh', ['-c', `${busy(cores)} & echo $! > ${pidFile}`]),
      stop: async () => {
        killTree(root.pid);
        killTree(await readPid(pidFile));
        await exited(root);
      },
    };
  },
};

/**
 * catalog.ts 'oversubscription' (stress-ng --cpu 4 on 2 allocated cores), with the onset mid-run:
 * the run's shell keeps `cores` workers busy, and on SIGUSR1 starts as many again inside the run.
 */
const oversubscription: KindSpec = {
  kind: 'oversubscription', short: 'os', app: 'stress-ng', fault: 'the run busy on its cores starts as many busy workers again',
  allocCores: (cores) => cores, unavailable: () => null,
  start: async (tag, cores) => {
    const root = start('sh', ['-c', `trap '${busy(cores)} &' USR1; ${busy(cores)} & until wait; do :; done; : ${tag}`]);
    return {
      root, cmd: busy(cores),
      inject: () => void root.kill('SIGUSR1'),
      stop: async () => {
        killTree(root.pid);
        await exited(root);
      },
    };
  },
};

/**
 * catalog.ts 'memory_pressure' (a memory cgroup v1 limit; the run enters its cgroup stopped, so all
 * it touches is charged there), with the onset mid-run: the run re-reads a mapped dataset whose page
 * cache is its working set (generators/reread.py), under a roomy limit; at the onset the limit drops
 * below the working set, so every pass faults the pages back in while the kernel reclaims. Anonymous
 * memory could not be squeezed: there is no swap, so a limit under it is an OOM kill, another finding.
 */
const memoryPressure: KindSpec = {
  kind: 'memory_pressure', short: 'mp', app: 'dataloader', fault: `the run re-reads a ${DATASET_MB} MB dataset; its cgroup limit drops to ${TIGHT_BYTES / 2 ** 20} MiB`,
  allocCores: () => 1,
  unavailable: () => (!canLimitMemory() ? 'memory_pressure skipped: no writable cgroup v1 memory controller at /sys/fs/cgroup/memory'
    : existsSync(PYTHON) ? null : `memory_pressure skipped: no ${PYTHON} for generators/reread.py`),
  start: async (tag, _cores, dir) => {
    const data = join(dir, tag);
    mkdirSync(data);
    const args = `${join(GENERATORS, 'reread.py')} ${DATASET_MB} ${SAFETY_S} ${data} ${tag}`;
    const root = start('sh', ['-c', `kill -STOP $$; exec ${PYTHON} ${args}`]);
    await stopped(root.pid ?? 0);
    const release = limitMemory(root.pid ?? 0, ROOMY_BYTES, tag);
    root.kill('SIGCONT');
    return {
      root, cmd: `python3 reread.py ${DATASET_MB} ${SAFETY_S}`,
      inject: () => setMemoryLimit(tag, TIGHT_BYTES),
      stop: async () => {
        killTree(root.pid);
        await exited(root);
        release();
        rmSync(data, { recursive: true, force: true });
      },
    };
  },
};

export const KIND_SPECS: Readonly<Record<LatencyKind, KindSpec>> = {
  cpu_interference: cpuInterference, oversubscription, memory_pressure: memoryPressure,
};
