import { describe, expect, it } from 'vitest';
import { eventRows, eventWindow } from '../testdata/node-events.ts';
import { idle } from './index.ts';

// The parser's output for the documented hung-task line (collector kernel_events testdata/documented.kmsg).
const hung = eventRows('idle', 'documented-hung-task.rows.json');
const T = hung[0]?.ts ?? 0;

describe('idle: a task the kernel reports hung', () => {
  it('is an idle finding at pid scope when the task is one of the run\'s processes, over the time it was blocked', () => {
    const found = idle.evaluate(eventWindow({ events: hung, from: T - 5000, to: T, pids: [512] })).filter((f) => f.scope === 'pid');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'idle', scope_id: '512', host: 'node07', severity: 'warning', start_ts: T - 122_000, end_ts: T });
    expect(found[0]?.evidence).toMatchObject({ pid: 512, comm: 'kworker/u64:2', blocked_s: 122, process_state: 'D', source: 'hung_task', attributed_by: 'pid' });
    expect(found[0]?.message).toBe('Hung task: the kernel reports kworker/u64:2 (pid 512) on node07 blocked in uninterruptible sleep for more than 122 s');
    expect(found[0]?.advice).toMatch(/NFS\/Lustre.*task kworker\/u64:2:512 blocked/);
  });

  it('is not the run\'s when the pid is another process\'s', () => {
    expect(idle.evaluate(eventWindow({ events: hung, from: T - 5000, to: T, pids: [513] })).filter((f) => f.scope === 'pid')).toEqual([]);
  });
});
