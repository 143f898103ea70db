import { ConfigError, RetryableError, createLogger } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { Readiness, StartupStopped, StillWaiting } from './readiness.ts';

const logged = (): { lines: { msg: string; condition?: string }[]; log: ReturnType<typeof createLogger> } => {
  const lines: { msg: string; condition?: string }[] = [];
  return { lines, log: createLogger('info', {}, (l) => lines.push(JSON.parse(l) as { msg: string })) };
};
const fast = { baseMs: 1, capMs: 2 };

describe('readiness', () => {
  it('retries until the dependency answers, logging one line per condition, not per retry', async () => {
    const { lines, log } = logged();
    const r = new Readiness(log);
    let tries = 0;
    const seen: string[][] = [];
    const value = await r.until('ClickHouse at http://db:8123', async () => {
      seen.push([...r.state().waiting_for]);
      tries++;
      if (tries < 5) throw new RetryableError('connect ECONNREFUSED');
      if (tries < 9) throw new StillWaiting('the schema in ClickHouse at http://db:8123');
      return 42;
    }, fast);
    expect(value).toBe(42);
    expect(lines.map((l) => l.msg)).toEqual([
      'waiting for ClickHouse at http://db:8123',
      'waiting for the schema in ClickHouse at http://db:8123',
      'no longer waiting for the schema in ClickHouse at http://db:8123',
    ]);
    expect(seen[3]).toEqual(['ClickHouse at http://db:8123']);
    expect(r.state()).toEqual({ live: true, ready: false, waiting_for: [] });
    r.markReady();
    expect(r.state().ready).toBe(true);
  });

  it('gives up only on a configuration error', async () => {
    const r = new Readiness(logged().log);
    await expect(r.until('Kafka at k:9092', () => Promise.reject(new ConfigError(['RUNLENS_X: bad'])), fast)).rejects.toBeInstanceOf(ConfigError);
    expect(r.state().waiting_for).toEqual([]);
  });

  it('reports every open wait, and is not ready while one is open', async () => {
    const r = new Readiness(logged().log);
    r.markReady();
    const pending = r.until('Kafka at k:9092', () => Promise.reject(new Error('down')), { baseMs: 50, capMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(r.state()).toEqual({ live: true, ready: false, waiting_for: ['Kafka at k:9092'] });
    r.stop();
    await expect(pending).rejects.toBeInstanceOf(StartupStopped);
    expect(r.state().waiting_for).toEqual([]);
  });
});
