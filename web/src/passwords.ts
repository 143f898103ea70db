import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

/** `scrypt$<salt hex>$<hash hex>`, the form users.json stores. */
export const PASSWORD_HASH = /^scrypt\$[0-9a-f]+\$[0-9a-f]+$/;
const KEY_BYTES = 32;

/** A key derivation: the real one runs scrypt on libuv's thread pool, never on the event loop. */
export type Kdf = (password: string, salt: Buffer, keyBytes: number) => Promise<Buffer>;

export const scryptKdf: Kdf = (password, salt, keyBytes) => new Promise((resolve, reject) => {
  scrypt(password, salt, keyBytes, (err, key) => (err ? reject(err) : resolve(key)));
});

/** For creating users (first start, tests, tooling); sign-in checks go through `verifyPassword`. */
export function hashPassword(password: string, salt = randomBytes(16)): string {
  return `scrypt$${salt.toString('hex')}$${scryptSync(password, salt, KEY_BYTES).toString('hex')}`;
}

/** Stands in for an unknown user, so that answer costs one scrypt as well. */
const DUMMY = `scrypt$${'5a'.repeat(16)}$${'00'.repeat(KEY_BYTES)}`;

/**
 * True when `password` matches the stored hash. An unknown user (`stored` undefined) runs the
 * same derivation on a dummy hash, so the answer takes as long as for a known user.
 */
export async function verifyPassword(stored: string | undefined, password: string, kdf: Kdf = scryptKdf): Promise<boolean> {
  const [, salt = '', hash = ''] = (stored ?? DUMMY).split('$');
  const want = Buffer.from(hash, 'hex');
  const keyBytes = want.length >= 16 && want.length <= 64 ? want.length : KEY_BYTES;
  const got = await kdf(password, Buffer.from(salt, 'hex'), keyBytes);
  return stored !== undefined && want.length === got.length && timingSafeEqual(want, got);
}
