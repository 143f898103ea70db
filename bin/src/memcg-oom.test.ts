import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memcgOomAtStart, memcgOomKillsSince } from './memcg-oom.ts';

// This process's own memory cgroup (v1 memory.oom_control or v2 memory.events), where the machine has one.
const start = memcgOomAtStart(process.pid);

describe('memory cgroup OOM kill counter', () => {
  it.skipIf(start === null)('reads this process\'s memory cgroup counter and counts no kill since', () => {
    expect(existsSync(start?.counter_file ?? '')).toBe(true);
    expect(memcgOomKillsSince(start)).toBe(0);
  });

  it('gives null for a process that does not exist or a cgroup that is gone', () => {
    expect(memcgOomAtStart(2 ** 30)).toBeNull();
    expect(memcgOomKillsSince({ counter_file: '/nonexistent/memory.events', at_start: 0 })).toBeNull();
  });
});
