import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Attributor, type ProcNode, RUN_ID_ENV } from './attributor.ts';

let root = '';
beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'attributor-')); });
afterEach(() => rmSync(root, { recursive: true, force: true }));

function proc(pid: number, files: { cgroup?: string; env?: Record<string, string> }): void {
  mkdirSync(join(root, String(pid)), { recursive: true });
  if (files.cgroup !== undefined) writeFileSync(join(root, String(pid), 'cgroup'), files.cgroup);
  if (files.env) writeFileSync(join(root, String(pid), 'environ'), `${Object.entries(files.env).map(([k, v]) => `${k}=${v}`).join('\0')}\0`);
}

const USER_CG = '0::/user.slice/user-1000.slice/session-4.scope\n';
const SLURM_CG = '0::/system.slice/slurmstepd.scope/job_4242/step_0/user/task_0\n';

/*
 * 1 init
 * ├─ 500 runlens wrapper (root of run-a)
 * │  └─ 501 mpirun
 * │     ├─ 502 rank 0 (Open MPI env)    └─ 503 rank 1 (PMI env)
 * │        └─ 504 a helper the rank forked (inherits the env)
 * ├─ 600 an unrelated shell
 * └─ 700 slurmstepd task (cgroup job_4242, SLURM_PROCID=3)
 *    └─ 701 its child, cgroup unreadable, SLURM_JOB_ID in env
 */
function tree(): ProcNode[] {
  proc(500, { cgroup: USER_CG, env: { HOME: '/root' } });
  proc(501, { cgroup: USER_CG });
  proc(502, { cgroup: USER_CG, env: { OMPI_COMM_WORLD_RANK: '0', OMPI_COMM_WORLD_LOCAL_RANK: '0' } });
  proc(503, { cgroup: USER_CG, env: { PMI_RANK: '1', MPI_LOCALRANKID: '1' } });
  proc(504, { cgroup: USER_CG, env: { OMPI_COMM_WORLD_RANK: '0', OMPI_COMM_WORLD_LOCAL_RANK: '0' } });
  proc(600, { cgroup: USER_CG, env: { SHELL: '/bin/bash' } });
  proc(700, { cgroup: SLURM_CG, env: { SLURM_PROCID: '3', SLURM_LOCALID: '1' } });
  proc(701, { env: { SLURM_JOB_ID: '4242', SLURM_STEP_ID: '0', SLURM_PROCID: '4' } });
  return [
    { pid: 1, ppid: 0, start_ticks: 1 }, { pid: 500, ppid: 1, start_ticks: 100 }, { pid: 501, ppid: 500, start_ticks: 101 },
    { pid: 502, ppid: 501, start_ticks: 102 }, { pid: 503, ppid: 501, start_ticks: 102 }, { pid: 504, ppid: 502, start_ticks: 103 },
    { pid: 600, ppid: 1, start_ticks: 50 }, { pid: 700, ppid: 1, start_ticks: 60 }, { pid: 701, ppid: 700, start_ticks: 61 },
  ];
}

describe('Attributor', () => {
  it('attributes the descendants of a run root to the run, with their ranks', () => {
    const a = new Attributor(root, 'c1');
    a.update(tree(), [{ run_id: 'run-a', root_pid: 500 }]);
    expect(a.lookup(500)).toEqual({ run_id: 'run-a', rank: null, local_rank: null });
    expect(a.lookup(501)).toEqual({ run_id: 'run-a', rank: null, local_rank: null }); // no environ file
    expect(a.lookup(502)).toEqual({ run_id: 'run-a', rank: 0, local_rank: 0 });
    expect(a.lookup(503)).toEqual({ run_id: 'run-a', rank: 1, local_rank: 1 });
    expect(a.lookup(504)).toEqual({ run_id: 'run-a', rank: 0, local_rank: 0 });
  });

  it('gives null to unrelated processes, init, and pids it has never seen', () => {
    const a = new Attributor(root, 'c1');
    a.update(tree(), [{ run_id: 'run-a', root_pid: 500 }]);
    expect(a.lookup(600)).toBeNull();
    expect(a.lookup(1)).toBeNull();
    expect(a.lookup(99_999)).toBeNull();
  });

  it('gives a Slurm cgroup process the run id slurm-<cluster>-<job> and registers the job', () => {
    const a = new Attributor(root, 'c1');
    a.update(tree(), []);
    expect(a.lookup(700)).toEqual({ run_id: 'slurm-c1-4242', rank: 3, local_rank: 1 });
    expect(a.lookup(701)).toEqual({ run_id: 'slurm-c1-4242', rank: 4, local_rank: null }); // from the environment
    // The job's cgroup comes from 700's cgroup file; 701, known by its environment only, does not erase it.
    expect([...a.slurmJobs().entries()]).toEqual([['slurm-c1-4242', { app_env: '', job: { job_id: '4242', sluid: '', step: '0' }, proc_cgroup: SLURM_CG }]]);
    expect(a.lookup(502)).toBeNull();
  });

  it('keeps to its own node where several slurmds share the machine (slurm_<node> subtree), and reads RUNLENS_APP', () => {
    const cg = (node: string, job: number): string => `4:memory:/slurm_${node}/uid_1001/job_${job}/step_0/task_0\n3:cpuset:/slurm_${node}/uid_1001/job_${job}/step_0\n`;
    proc(800, { cgroup: cg('rlnode1', 11), env: { RUNLENS_APP: 'lammps' } });
    proc(801, { cgroup: cg('rlnode2', 12) });
    proc(802, { cgroup: '0::/\n', env: { SLURM_JOB_ID: '13', SLURMD_NODENAME: 'rlnode2' } });
    const nodes: ProcNode[] = [800, 801, 802].map((pid) => ({ pid, ppid: 1, start_ticks: 1 }));
    const n1 = new Attributor(root, 'c1', null, 'rlnode1');
    n1.update(nodes, []);
    expect([800, 801, 802].map((p) => n1.lookup(p)?.run_id ?? null)).toEqual(['slurm-c1-11', null, null]);
    expect(n1.slurmJobs().get('slurm-c1-11')?.app_env).toBe('lammps');
    const n2 = new Attributor(root, 'c1', null, 'rlnode2');
    n2.update(nodes, []);
    expect([800, 801, 802].map((p) => n2.lookup(p)?.run_id ?? null)).toEqual([null, 'slurm-c1-12', 'slurm-c1-13']);
    n2.update([], []);
    expect(n2.slurmJobs().size).toBe(0); // only this tick's jobs
  });

  it('calls another node\'s slurmd, jobs and tasks elsewhere (not sampled there), and its own and unrelated processes not', () => {
    const cg = (node: string, job: number): string => `4:memory:/slurm_${node}/uid_1001/job_${job}/step_0/task_0\n1:cpu:/slurm_${node}\n`;
    proc(810, { cgroup: cg('rlnode1', 21) });
    proc(811, { cgroup: cg('rlnode2', 22) });
    proc(812, { cgroup: '1:cpu:/slurm_rlnode2\n4:memory:/\n' }); // rlnode2's slurmd, under its node's CPU quota
    proc(813, { cgroup: '1:cpu:/\n4:memory:/user.slice\n' }); // anyone else on the machine: outside load
    const n1 = new Attributor(root, 'c1', null, 'rlnode1');
    n1.update([810, 811, 812, 813].map((pid) => ({ pid, ppid: 1, start_ticks: 1 })), []);
    expect([810, 811, 812, 813].map((p) => n1.elsewhere(p))).toEqual([false, true, true, false]);
    const anywhere = new Attributor(root, 'c1');
    anywhere.update([810, 811, 812, 813].map((pid) => ({ pid, ppid: 1, start_ticks: 1 })), []);
    expect([810, 811, 812, 813].some((p) => anywhere.elsewhere(p))).toBe(false);
  });

  it('the run tree wins over a Slurm cgroup', () => {
    const a = new Attributor(root, 'c1');
    a.update(tree(), [{ run_id: 'run-s', root_pid: 700 }]);
    expect(a.lookup(700)).toEqual({ run_id: 'run-s', rank: 3, local_rank: 1 });
    expect(a.lookup(701)?.run_id).toBe('run-s');
  });

  it('follows the runs of the latest update: an ended run no longer claims its tree', () => {
    const a = new Attributor(root, 'c1');
    a.update(tree(), [{ run_id: 'run-a', root_pid: 500 }]);
    expect(a.lookup(502)?.run_id).toBe('run-a');
    a.update(tree(), []);
    expect(a.lookup(502)).toBeNull();
  });

  it('reads a process identity once, and again when the pid is reused (new start time)', () => {
    const a = new Attributor(root, 'c1');
    const procs = tree();
    a.update(procs, [{ run_id: 'run-a', root_pid: 500 }]);
    expect(a.lookup(503)?.rank).toBe(1);
    proc(503, { env: { PMI_RANK: '9' } });
    a.update(procs, [{ run_id: 'run-a', root_pid: 500 }]);
    expect(a.lookup(503)?.rank).toBe(1);
    a.update(procs.map((p) => (p.pid === 503 ? { ...p, start_ticks: 999 } : p)), [{ run_id: 'run-a', root_pid: 500 }]);
    expect(a.lookup(503)?.rank).toBe(9);
  });

  it('does not loop forever on a parent cycle (a pid reused as its own ancestor)', () => {
    const a = new Attributor(root, 'c1');
    a.update([{ pid: 900, ppid: 901, start_ticks: 1 }, { pid: 901, ppid: 900, start_ticks: 1 }], [{ run_id: 'r', root_pid: 500 }]);
    expect(a.lookup(900)).toBeNull();
  });
  it('never moves a successor of the root pid into the run: the root is pid plus start time', () => {
    const a = new Attributor(root, 'c1');
    const procs = tree();
    a.update(procs, [{ run_id: 'run-a', root_pid: 500 }]);
    expect(a.lookup(502)?.run_id).toBe('run-a');
    // The run's tree is gone; an unrelated shell and its child now hold pids 500 and 502.
    const successor = [{ pid: 1, ppid: 0, start_ticks: 1 }, { pid: 500, ppid: 1, start_ticks: 900 }, { pid: 502, ppid: 500, start_ticks: 901 }];
    a.update(successor, [{ run_id: 'run-a', root_pid: 500 }]);
    expect([a.lookup(500), a.lookup(502)]).toEqual([null, null]);
    const given = new Attributor(root, 'c1'); // the start the registrar read wins over what is seen
    given.update(successor, [{ run_id: 'run-a', root_pid: 500, root_start_ticks: 100 }]);
    expect(given.lookup(502)).toBeNull();
  });

  it('keeps a process in its run after its parents exit (re-parented to init), and keeps its rank', () => {
    const a = new Attributor(root, 'c1');
    a.update(tree(), [{ run_id: 'run-a', root_pid: 500 }]);
    expect(a.lookup(504)).toEqual({ run_id: 'run-a', rank: 0, local_rank: 0 });
    const orphaned = tree().filter((p) => p.pid !== 502 && p.pid !== 501).map((p) => (p.pid === 504 ? { ...p, ppid: 1 } : p));
    a.update(orphaned, [{ run_id: 'run-a', root_pid: 500 }]);
    expect(a.lookup(504)).toEqual({ run_id: 'run-a', rank: 0, local_rank: 0 });
    a.update(orphaned, []); // the run ended: its members are no longer claimed
    expect(a.lookup(504)).toBeNull();
  });

  it('takes a process whose environment names an active run, unless it started before the run', () => {
    proc(950, { env: { [RUN_ID_ENV]: 'run-a' } });
    proc(951, { env: { [RUN_ID_ENV]: 'run-a' } });
    proc(952, { env: { [RUN_ID_ENV]: 'run-gone' } });
    const a = new Attributor(root, 'c1');
    a.update([...tree(), { pid: 950, ppid: 1, start_ticks: 300 }, { pid: 951, ppid: 1, start_ticks: 20 }, { pid: 952, ppid: 1, start_ticks: 300 }], [{ run_id: 'run-a', root_pid: 500 }]);
    expect([950, 951, 952].map((p) => a.lookup(p)?.run_id ?? null)).toEqual(['run-a', null, null]);
  });

  it('refuses a process of another user that names the run in its environment', () => {
    proc(960, { env: { [RUN_ID_ENV]: 'run-a' } });
    chownSync(join(root, '960'), 4242, 4242); // another user's process: /proc/<pid> is owned by its user
    proc(961, { env: { [RUN_ID_ENV]: 'run-a' } }); // the run owner's
    const a = new Attributor(root, 'c1');
    a.update([...tree(), { pid: 960, ppid: 1, start_ticks: 300 }, { pid: 961, ppid: 1, start_ticks: 300 }], [{ run_id: 'run-a', root_pid: 500 }]);
    expect(a.lookup(960)).toBeNull();
    expect(a.lookup(961)?.run_id).toBe('run-a');
  });

  it('gives a child that lost the rank environment its nearest ranked ancestor\'s rank', () => {
    proc(505, { cgroup: USER_CG, env: { PATH: '/usr/bin' } }); // `env -i`-style helper of rank 0
    proc(506, { cgroup: USER_CG }); // its child, environ unreadable
    const a = new Attributor(root, 'c1');
    a.update([...tree(), { pid: 505, ppid: 502, start_ticks: 104 }, { pid: 506, ppid: 505, start_ticks: 105 }], [{ run_id: 'run-a', root_pid: 500 }]);
    expect(a.lookup(506)).toEqual({ run_id: 'run-a', rank: 0, local_rank: 0 });
    expect(a.lookup(505)).toEqual({ run_id: 'run-a', rank: 0, local_rank: 0 });
    expect(a.lookup(501)).toEqual({ run_id: 'run-a', rank: null, local_rank: null }); // mpirun has no ranked ancestor
  });
});
