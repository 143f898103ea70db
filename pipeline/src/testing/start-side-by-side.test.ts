import { describe, expect, it } from 'vitest';
import { startSideBySide } from './servers.ts';

/** A server stand-in that records how it was stopped; the helper only orders starts and stops. */
function fakeServer(name: string, stopped: string[]): { name: string; stop(opts?: { kill?: boolean }): Promise<void> } {
  return { name, stop: async (opts) => { stopped.push(`${name}${opts?.kill ? ' killed' : ''}`); } };
}

describe('startSideBySide', () => {
  it('returns every server, in order, when all start', async () => {
    const stopped: string[] = [];
    const [a, b] = await startSideBySide([Promise.resolve(fakeServer('kafka', stopped)), Promise.resolve(fakeServer('clickhouse', stopped))] as const);
    expect([a.name, b.name]).toEqual(['kafka', 'clickhouse']);
    expect(stopped).toEqual([]);
  });

  it('kills the servers that started when another fails, and throws that failure', async () => {
    const stopped: string[] = [];
    const late = new Promise<ReturnType<typeof fakeServer>>((resolve) => setTimeout(() => resolve(fakeServer('clickhouse', stopped)), 20));
    await expect(startSideBySide([Promise.reject(new Error('kafka: port taken')), late] as const)).rejects.toThrow('kafka: port taken');
    expect(stopped).toEqual(['clickhouse killed']);
  });
});
