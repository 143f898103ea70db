import type { Finding } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { runEnding, signalOfExit } from './run-ending.ts';

const oom = { kind: 'oom_killed', message: 'Out of memory: the kernel killed python3 (pid 7) on n1 at 64 MiB RSS', after_end: 0 } as unknown as Finding;
const ended = (exit_code: number | null, tags: string[] = [], status = 'failed') => ({ status, exit_code, tags });

describe('runEnding', () => {
  it('says exit code, signal, OOM kill (kernel event, Slurm, memory cgroup counter) or time limit', () => {
    expect(runEnding(ended(0, [], 'finished'), [])).toMatchObject({ how: 'exited', exit_code: 0, signal: null });
    expect(runEnding(ended(2), [])).toMatchObject({ how: 'failed', detail: 'exited 2' });
    expect(runEnding(ended(143), [])).toMatchObject({ how: 'signal', signal: 'SIGTERM', detail: 'killed by SIGTERM (exit 143)' });
    expect(runEnding(ended(137), [oom])).toMatchObject({ how: 'oom_killed', signal: 'SIGKILL', source: 'kernel_event', detail: expect.stringContaining('python3 (pid 7)') });
    expect(runEnding(ended(137, ['memcg_oom_kills=1']), [])).toMatchObject({ how: 'oom_killed', source: 'memcg_oom_kill_counter' });
    expect(runEnding(ended(253, ['slurm_state=OUT_OF_MEMORY']), [])).toMatchObject({ how: 'oom_killed', source: 'slurm_state' });
    expect(runEnding(ended(143, ['slurm_state=TIMEOUT', 'time_limit_s=120']), [oom])).toMatchObject({ how: 'time_limit', detail: expect.stringContaining('2 min') });
  });

  it('an OOM kill the command survived is not how it ended; running and lost runs say so', () => {
    expect(runEnding(ended(0, ['memcg_oom_kills=2'], 'finished'), [oom])).toMatchObject({ how: 'exited' });
    expect(runEnding(ended(null, [], 'running'), [])).toMatchObject({ how: 'running' });
    expect(runEnding(ended(null, [], 'lost'), [])).toMatchObject({ how: 'lost' });
    expect(signalOfExit(128)).toBeNull();
    expect(signalOfExit(139)).toBe('SIGSEGV');
  });
});
