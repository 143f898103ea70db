import { describe, expect, it } from 'vitest';
import { type Kdf, hashPassword, scryptKdf, verifyPassword } from './passwords.ts';

describe('passwords', () => {
  const stored = hashPassword('s3cret');

  it('accepts the right password and refuses a wrong one or an unknown user', async () => {
    expect(await verifyPassword(stored, 's3cret')).toBe(true);
    expect(await verifyPassword(stored, 'S3cret')).toBe(false);
    expect(await verifyPassword(undefined, 's3cret')).toBe(false);
  });
  it('checks asynchronously (scrypt on the thread pool, not on the event loop)', async () => {
    const check = verifyPassword(stored, 's3cret');
    expect(check).toBeInstanceOf(Promise);
    expect(await check).toBe(true);
  });
  it('spends one identical key derivation on an unknown user as on a known one', async () => {
    const calls: { keyBytes: number; saltBytes: number }[] = [];
    const counting: Kdf = (p, salt, keyBytes) => {
      calls.push({ keyBytes, saltBytes: salt.length });
      return scryptKdf(p, salt, keyBytes);
    };
    await verifyPassword(stored, 'wrong', counting);
    await verifyPassword(undefined, 'wrong', counting);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual(calls[0]);
  });
});
