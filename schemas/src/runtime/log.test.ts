import { describe, expect, it } from 'vitest';
import { createLogger } from './log.ts';

describe('logger redaction', () => {
  const logged = (fields: Record<string, unknown>): string => {
    const lines: string[] = [];
    createLogger('info', { token: 'base-secret' }, (l) => lines.push(l)).info('m', fields);
    return lines.join('\n');
  };

  it('redacts secret-named keys at the top, inside objects and inside arrays', () => {
    const line = logged({
      RUNLENS_KAFKA_PASSWORD: 'p1', kafka: { security: { sasl: { username: 'u', password: 'p2' } } },
      users: [{ name: 'a', client_secret: 'p3' }], authorization: 'Bearer p4',
    });
    expect(line).not.toMatch(/p1|p2|p3|p4|base-secret/);
    expect(line).toContain('"username":"u"');
    expect(line).toContain('"name":"a"');
  });

  it('leaves other values alone, and cuts off absurd nesting instead of walking it', () => {
    type Deep = { next?: Deep; password?: string };
    const deep: Deep = {};
    let cur = deep;
    for (let i = 0; i < 20; i++) cur = cur.next = {};
    cur.password = 'deep-secret';
    const line = logged({ n: 1, list: [1, 'x'], deep });
    expect(line).toContain('"n":1,"list":[1,"x"]');
    expect(line).not.toContain('deep-secret');
  });
});
