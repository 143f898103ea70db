/** Names that always reach a server bound to loopback (the Host header's name, lower case). */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '::1'];

export function isLoopback(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  return a === 'localhost' || a === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(a);
}

/** `host[:port]` out of a Host header, or null when it is not one (a bare IPv6 address, junk). */
export function parseHostHeader(value: string | undefined): { name: string; port: string | null } | null {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::(\d{1,5}))?$/i.exec((value ?? '').trim());
  if (!m?.[1]) return null;
  return { name: m[1].toLowerCase().replace(/^\[|\]$/g, ''), port: m[2] ?? null };
}

export type HostVerdict = 'ok' | 'bad' | 'refused';

/**
 * Which Host headers the server answers (DNS rebinding: a page on evil.example that resolves
 * to 127.0.0.1 still sends `Host: evil.example`). Loopback names and the bind address count on
 * the server's own port; configured entries are `name` (any port, e.g. behind a proxy) or
 * `name:port`.
 */
export class HostAllowlist {
  private readonly ownPort = new Set<string>();
  private readonly anyPort = new Set<string>();
  private readonly exact = new Set<string>();

  constructor(bindAddress: string, configured: readonly string[], private readonly port: () => number) {
    for (const n of [...LOOPBACK_NAMES, bindAddress]) this.ownPort.add(n.toLowerCase().replace(/^\[|\]$/g, ''));
    for (const entry of configured) {
      const h = parseHostHeader(entry);
      if (h?.port) this.exact.add(`${h.name}:${h.port}`);
      else if (h) this.anyPort.add(h.name);
    }
  }

  check(header: string | undefined): HostVerdict {
    const h = parseHostHeader(header);
    if (!h) return 'bad';
    if (this.anyPort.has(h.name)) return 'ok';
    const port = h.port ?? '80';
    if (this.exact.has(`${h.name}:${port}`)) return 'ok';
    return this.ownPort.has(h.name) && port === String(this.port()) ? 'ok' : 'refused';
  }
}
