import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter.ts';

const clock = (): { now: () => number; advance(ms: number): void } => {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => { t += ms; } };
};

describe('login limiter', () => {
  it('blocks a user after 5 failures in a minute, with a Retry-After until the oldest ages out', () => {
    const c = clock();
    const l = new LoginLimiter(undefined, c.now);
    for (let i = 0; i < 5; i++) {
      expect(l.retryAfterS('ann', `10.0.0.${i}`)).toBe(0);
      l.begin('ann', `10.0.0.${i}`);
      c.advance(1000);
    }
    expect(l.retryAfterS('ann', '10.0.0.99')).toBe(55);
    expect(l.retryAfterS('bob', '10.0.0.99')).toBe(0);
    c.advance(55_000);
    expect(l.retryAfterS('ann', '10.0.0.99')).toBe(0);
  });
  it('blocks an address after 20 failures across users', () => {
    const c = clock();
    const l = new LoginLimiter(undefined, c.now);
    for (let i = 0; i < 20; i++) l.begin(`user${i}`, '10.0.0.1');
    expect(l.retryAfterS('someone', '10.0.0.1')).toBe(60);
    expect(l.retryAfterS('someone', '10.0.0.2')).toBe(0);
  });
  it('does not count a sign-in that succeeded, and forgives the user', () => {
    const c = clock();
    const l = new LoginLimiter(undefined, c.now);
    for (let i = 0; i < 4; i++) l.begin('ann', '10.0.0.1');
    l.succeeded(l.begin('ann', '10.0.0.1'));
    expect(l.retryAfterS('ann', '10.0.0.1')).toBe(0);
    for (let i = 0; i < 4; i++) l.begin('ann', '10.0.0.1');
    expect(l.retryAfterS('ann', '10.0.0.1')).toBe(0);
  });
  it('remembers a bounded number of keys', () => {
    const l = new LoginLimiter({ windowMs: 60_000, perUser: 1, perAddress: 100, maxKeys: 10 }, clock().now);
    for (let i = 0; i < 50; i++) l.begin(`u${i}`, 'a');
    expect(l.retryAfterS('u49', 'b')).toBeGreaterThan(0);
    expect(l.retryAfterS('u0', 'b')).toBe(0); // evicted, not kept for ever
  });
});
