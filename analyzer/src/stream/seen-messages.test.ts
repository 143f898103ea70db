import { type Row, encodeMessage } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { SeenMessages, digestOf } from './seen-messages.ts';

const T = 1_700_000_000_000;
const rows = (cores: number): Row<'runs'>[] => [{
  run_id: 'r1', app: 'a', user: 'u', cluster: 'c', job_id: '', sluid: '', step: '', cmd: 'a', status: 'running', start_ts: T,
  end_ts: null, updated_ts: T, exit_code: null, hosts: ['h1', 'h2'], ranks: 2, alloc_cores: cores, alloc_gpus: 0, tags: [],
  cpu_user_s: null, cpu_sys_s: null, read_bytes: null, write_bytes: null, rchar: null, wchar: null,
}];

describe('seen messages', () => {
  it('knows a message routed twice (the same rows encoded again with the same origin) and lets new rows through', () => {
    const seen = new SeenMessages();
    const origin = { agentId: 'agent-1', seq: 3 };
    const once = encodeMessage('runs', rows(1), origin, 'r1');
    const again = encodeMessage('runs', rows(1), origin, 'r1');
    expect(seen.first(once.key, 'runs', once.value)).toBe(true);
    expect(seen.first(again.key, 'runs', again.value)).toBe(false);
    const other = encodeMessage('runs', rows(2), origin, 'r1');
    expect(seen.first(other.key, 'runs', other.value)).toBe(true);
    expect(seen.first('r2', 'runs', once.value)).toBe(true); // the same rows under another key
  });

  it('takes a router\'s digest of a copy as its own: a copy with it and one without are the same message', () => {
    const seen = new SeenMessages();
    const m = encodeMessage('runs', rows(1), { agentId: 'agent-1', seq: 4 }, 'h1');
    expect(seen.first('h1', 'runs', m.value, digestOf(m.value))).toBe(true);
    expect(seen.first('h1', 'runs', m.value)).toBe(false);
    // A header that is not a digest is worked out again from the bytes.
    const other = encodeMessage('runs', rows(2), { agentId: 'agent-1', seq: 5 }, 'h1');
    expect(seen.first('h1', 'runs', other.value, 'not a digest')).toBe(true);
    expect(seen.first('h1', 'runs', other.value, digestOf(other.value))).toBe(false);
  });

  it('forgets the oldest beyond its window', () => {
    const seen = new SeenMessages(2);
    const v = (n: number): Uint8Array => Uint8Array.of(n);
    for (const n of [1, 2, 3]) expect(seen.first('k', 't', v(n))).toBe(true);
    expect(seen.first('k', 't', v(3))).toBe(false);
    expect(seen.first('k', 't', v(1))).toBe(true);
  });

  it('with a window of one, the key whose last digest is forgotten still knows the new one', () => {
    const seen = new SeenMessages(1);
    const v = (n: number): Uint8Array => Uint8Array.of(n);
    expect(seen.first('k', 't', v(1))).toBe(true);
    expect(seen.first('k', 't', v(2))).toBe(true);
    expect(seen.first('k', 't', v(2))).toBe(false);
    expect(seen.first('k', 'u', v(2))).toBe(true);
    expect(seen.first('k', 't', v(2))).toBe(true);
  });

  it('holds the keys of the messages in its window only: the keys of ended runs are let go', () => {
    const seen = new SeenMessages(100);
    for (let run = 0; run < 1000; run++) for (let n = 0; n < 5; n++) expect(seen.first(`run-${run}`, 'process_samples', Uint8Array.of(n))).toBe(true);
    // 100 messages held, 5 per run: the last 20 runs.
    expect(seen.groupCount).toBe(20);
    expect(seen.first('run-999', 'process_samples', Uint8Array.of(4))).toBe(false);
    expect(seen.first('run-979', 'process_samples', Uint8Array.of(4))).toBe(true);
  });
});
