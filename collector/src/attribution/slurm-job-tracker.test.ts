import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScontrolAnswer } from './scontrol-query.ts';
import { type SeenSlurmJob, SlurmJobTracker } from './slurm-job-tracker.ts';

const golden = (name: string): string => readFileSync(join(import.meta.dirname, 'testdata', 'scontrol', name), 'utf8');
const flush = (): Promise<void> => new Promise((r) => setImmediate(r));
const job2: ReadonlyMap<string, SeenSlurmJob> = new Map([['slurm-c-2', { job: { job_id: '2', sluid: '', step: '0' }, app_env: '', proc_cgroup: null }]]);
const none: ReadonlyMap<string, SeenSlurmJob> = new Map();

function tracker(answers: ScontrolAnswer[], scontrol = true): { t: SlurmJobTracker; asked: string[] } {
  const asked: string[] = [];
  const query = (id: string): Promise<ScontrolAnswer> => {
    asked.push(id);
    return Promise.resolve(answers.shift() ?? { kind: 'error', detail: 'none left' });
  };
  const t = new SlurmJobTracker({
    cluster: 'c', host: 'rlnode2', scontrol: scontrol ? query : null, refreshMs: 60_000, endPollMs: 1000, patienceMs: 5000, lostAfterMs: 30_000,
  });
  return { t, asked };
}

describe('SlurmJobTracker', () => {
  it('names the run from Slurm, asks once while the job runs, and closes it with Slurm\'s end state', async () => {
    const { t, asked } = tracker([{ kind: 'ok', text: golden('running-uneven.txt') }, { kind: 'ok', text: golden('cancelled-completing.txt') },
      { kind: 'ok', text: golden('cancelled.txt') }]);
    expect(t.observe(1000, job2)).toEqual([]);
    await flush();
    const [first] = t.observe(2000, job2);
    expect(first).toMatchObject({ app: 'x2', user: 'rltest', status: 'running', hosts: ['rlnode1', 'rlnode2'], alloc_cores: 1 });
    expect(first?.tags).toContain('time_limit_s=300');
    for (let now = 3000; now < 10_000; now += 1000) expect(t.observe(now, job2)).toEqual([]);
    expect(asked).toHaveLength(1);
    expect(t.observe(10_000, none)).toEqual([]); // gone: asks, Slurm says COMPLETING
    await flush();
    expect(t.observe(11_000, none)).toEqual([]); // asks again
    await flush();
    const [end] = t.observe(12_000, none);
    expect(end).toMatchObject({ status: 'failed', exit_code: 143, updated_ts: 12_000 });
    expect(end?.tags).toContain('slurm_state=CANCELLED');
    expect(t.observe(13_000, job2)).toEqual([]); // a straggler does not reopen it
  });

  it('prefers RUNLENS_APP from the job environment to the job name', async () => {
    const { t } = tracker([{ kind: 'ok', text: golden('running-uneven.txt') }]);
    const seen = new Map([['slurm-c-2', { job: { job_id: '2', sluid: '', step: '0' }, app_env: 'lammps', proc_cgroup: null }]]);
    t.observe(1000, seen);
    await flush();
    expect(t.observe(2000, seen)[0]?.app).toBe('lammps');
  });

  it('keeps a job\'s cgroup to sample while the job is open, also between steps, and drops it when the job ends', () => {
    const { t } = tracker([], false);
    const cg = '4:memory:/slurm_rlnode2/uid_1000/job_2/step_0/task_0\n';
    t.observe(1000, new Map([['slurm-c-2', { job: { job_id: '2', sluid: '', step: '0' }, app_env: '', proc_cgroup: cg }]]));
    t.observe(2000, job2); // a process known by its environment only keeps the cgroup seen before
    t.observe(3000, none);
    expect(t.jobCgroups()).toEqual([{ run_id: 'slurm-c-2', proc_cgroup: cg }]);
    expect(t.observe(40_000, none)[0]).toMatchObject({ status: 'lost' });
    expect(t.jobCgroups()).toEqual([]);
  });

  it('without scontrol: announces at once and closes as lost when the processes stay gone', () => {
    const { t } = tracker([], false);
    expect(t.observe(1000, job2)[0]).toMatchObject({ app: 'slurm', status: 'running', hosts: ['rlnode2'] });
    expect(t.observe(20_000, none)).toEqual([]);
    expect(t.observe(31_000, none)[0]).toMatchObject({ status: 'lost', end_ts: 1000 });
  });

  it('a purged job (Invalid job id) closes as lost; a job running elsewhere stays open', async () => {
    const { t } = tracker([{ kind: 'ok', text: golden('running-uneven.txt') }, { kind: 'ok', text: golden('running-uneven.txt') }, { kind: 'not_found' }]);
    t.observe(1000, job2);
    await flush();
    expect(t.observe(2000, none)).toEqual([expect.objectContaining({ status: 'running' })]);
    await flush();
    expect(t.observe(3000, none)).toEqual([]); // RUNNING on another node: stays open, asks again
    await flush();
    expect(t.observe(4000, none)[0]).toMatchObject({ status: 'lost', end_ts: 1000 }); // purged
  });

  it('asks less often while scontrol fails (no controller)', async () => {
    const { t, asked } = tracker([]); // every ask errors
    t.observe(1000, job2);
    for (let now = 2000; now <= 28_000; now += 1000) {
      await flush();
      t.observe(now, none); // the job's processes are not on this node
    }
    // Each failed ask doubles the wait: 2 asks in 27 s where it was 11.
    expect(asked.length).toBeGreaterThanOrEqual(2);
    expect(asked.length).toBeLessThanOrEqual(4);
  });
});

