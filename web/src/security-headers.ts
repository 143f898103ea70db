import type { ServerResponse } from 'node:http';

/**
 * Sent on every response, the dashboard's included (set before Next's handler runs; Next keeps
 * headers already set). The CSP leaves scripts and styles alone, because Next inlines its
 * bootstrap scripts, and closes framing, plugins, <base> hijacking and foreign form targets.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'",
  'referrer-policy': 'same-origin',
};

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
}
