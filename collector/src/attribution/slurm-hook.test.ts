import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScontrolJob } from './scontrol-job.ts';
import { type SlurmStartMessage, epilogState, hookJobInfo, slurmEndMessage, slurmStartMessage, startMessage } from './slurm-hook.ts';
import { SlurmJobTracker } from './slurm-job-tracker.ts';
import type { ScontrolAnswer } from './scontrol-query.ts';

// Captured in epilogs on Slurm 22.05 (deploy/testbed): the job is COMPLETING, only Reason tells the end.
const golden = (name: string) => parseScontrolJob(readFileSync(join(import.meta.dirname, 'testdata', 'scontrol', name), 'utf8'));
const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('epilogState: how the job ended, as Slurm shows it while the epilog runs', () => {
  it.each([
    ['completing-oom.txt', 'OUT_OF_MEMORY', 253],
    ['completing-timeout.txt', 'TIMEOUT', 143],
    ['completing-failed.txt', 'FAILED', 3],
    ['completing-cancelled-none.txt', null, 143], // cancelled, but Reason=None: ask scontrol once COMPLETING clears
    ['completed.txt', 'COMPLETED', 0],
  ])('%s → %s (exit %s)', (file, state, exit) => {
    const info = golden(file);
    expect(info?.state).toMatch(/COMPLETING|COMPLETED/);
    expect(epilogState(info)).toBe(state);
    expect(info?.exit_code).toBe(exit);
  });
  it('says nothing without an answer', () => expect(epilogState(null)).toBeNull());
});

const start = (over: Partial<SlurmStartMessage> = {}): SlurmStartMessage => ({
  ...startMessage('rlnode2', golden('running-uneven.txt'), { job_id: '2', user: 'rltest', uid: 1000, partition: 'p', nodes: ['rlnode1', 'rlnode2'] }), ...over,
});

describe('hook messages', () => {
  it('round-trip through the schema into what scontrol would have said', () => {
    const m = slurmStartMessage.parse(JSON.parse(JSON.stringify(start())));
    expect(hookJobInfo(m)).toMatchObject({ job_id: '2', name: 'x2', user: 'rltest', state: 'RUNNING', nodes: ['rlnode1', 'rlnode2'] });
    expect(hookJobInfo(m).cpus_per_node.get('rlnode2')).toBe(1);
  });
  it('refuses unknown fields, oversized text, bad ids and non-end states', () => {
    expect(slurmStartMessage.safeParse({ ...start(), extra: 1 }).success).toBe(false);
    expect(slurmStartMessage.safeParse({ ...start(), command: 'x'.repeat(5000) }).success).toBe(false);
    expect(slurmStartMessage.safeParse({ ...start(), job_id: '2; rm -rf /' }).success).toBe(false);
    expect(slurmStartMessage.safeParse({ ...start(), nodes: ['../etc'] }).success).toBe(false);
    const end = { op: 'slurm_end', node: 'rlnode2', job_id: '2', state: 'TIMEOUT', exit_code: 143, end_ms: 5 };
    expect(slurmEndMessage.safeParse(end).success).toBe(true);
    expect(slurmEndMessage.safeParse({ ...end, state: 'RUNNING' }).success).toBe(false);
    expect(slurmEndMessage.safeParse({ ...end, exit_code: 9999 }).success).toBe(false);
  });
});

describe('SlurmJobTracker with the hooks', () => {
  const none = new Map();
  function tracker(answers: ScontrolAnswer[]) {
    const asked: string[] = [];
    const t = new SlurmJobTracker({
      cluster: 'c', host: 'rlnode2', refreshMs: 60_000, endPollMs: 1000, patienceMs: 5000, lostAfterMs: 30_000,
      scontrol: (id) => { asked.push(id); return Promise.resolve(answers.shift() ?? { kind: 'error', detail: 'none left' }); },
    });
    return { t, asked };
  }

  it('announces at the prolog, before any process, and closes at the epilog with its state, without asking scontrol', () => {
    const { t, asked } = tracker([]);
    t.prolog(1000, start());
    const [running] = t.observe(1500, none);
    expect(running).toMatchObject({ run_id: 'slurm-c-2', app: 'x2', user: 'rltest', status: 'running', alloc_cores: 1, hosts: ['rlnode1', 'rlnode2'] });
    expect(running?.tags).toContain('slurm_hooks=prolog');
    // The job's output file travels with the run (issue 12 item 3: the report names it).
    expect(running?.tags).toContain('stdout_path=/tmp/rl-2.out');
    for (let now = 2000; now < 50_000; now += 1000) expect(t.observe(now, none)).toEqual([]); // no processes here yet: still running
    t.epilog(50_200, { op: 'slurm_end', node: 'rlnode2', job_id: '2', state: 'TIMEOUT', exit_code: 143, end_ms: 50_100 });
    const [end] = t.observe(50_500, none);
    expect(end).toMatchObject({ status: 'failed', exit_code: 143, end_ts: 50_100 });
    expect(end?.tags).toEqual(expect.arrayContaining(['slurm_state=TIMEOUT', 'slurm_hooks=prolog,epilog']));
    expect(asked).toEqual([]);
    t.prolog(51_000, start()); // a late or repeated hook does not reopen it
    expect(t.observe(52_000, none)).toEqual([]);
  });

  it('an epilog that could not tell the state makes the agent ask until Slurm says it', async () => {
    const { t, asked } = tracker([{ kind: 'ok', text: readFileSync(join(import.meta.dirname, 'testdata', 'scontrol', 'cancelled.txt'), 'utf8') }]);
    t.prolog(1000, start({ command: 'srun md' }));
    t.observe(1500, none);
    t.epilog(3000, { op: 'slurm_end', node: 'rlnode2', job_id: '2', state: null, exit_code: 143, end_ms: 3000 });
    expect(t.observe(3500, none)).toEqual([]);
    await flush();
    const [end] = t.observe(4500, none);
    expect(asked).toEqual(['2']);
    expect(end).toMatchObject({ status: 'failed', exit_code: 143, end_ts: 3000 });
    expect(end?.tags).toContain('slurm_state=CANCELLED');
    expect(end?.cmd, 'the prolog\'s command survives scontrol\'s (null)').toBe('srun md');
  });
});
