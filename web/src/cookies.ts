import { SESSION_COOKIE } from '@runlens/schemas';

/** One cookie out of a Cookie header. `malformed` when its value is not valid percent-encoding. */
export type CookieRead = { readonly kind: 'absent' } | { readonly kind: 'ok'; readonly value: string } | { readonly kind: 'malformed' };

/** Never throws: a bad `%` sequence is reported as `malformed`, which the server answers with 400. */
export function readCookie(header: string | undefined, name: string): CookieRead {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return { kind: 'ok', value: decodeURIComponent(part.slice(eq + 1).trim()) };
    } catch {
      return { kind: 'malformed' };
    }
  }
  return { kind: 'absent' };
}

export interface SessionCookieOptions {
  /** Sent only over HTTPS; set when the server is reachable beyond loopback. */
  readonly secure: boolean;
  readonly maxAgeS: number;
}

export function sessionCookie(value: string, o: SessionCookieOptions): string {
  return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${Math.round(o.maxAgeS)}${o.secure ? '; Secure' : ''}`;
}
