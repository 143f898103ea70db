import { ConfigError, DataError, RetryableError } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { classifyConnectError } from './connect-error.ts';

/** Messages as the 18.16 server and Node word them (see clickhouse-tls.int.test.ts for the real ones). */
describe('classifyConnectError', () => {
  it('a refused login at connect is a ConfigError, by code or by the 18.16 text', () => {
    expect(classifyConnectError(Object.assign(new Error('Authentication failed'), { code: '516' }))).toBeInstanceOf(ConfigError);
    const old = classifyConnectError(new Error('Code: 193, e.displayText() = DB::Exception: Wrong password for user runlens'));
    expect(old).toBeInstanceOf(ConfigError);
    expect(old.message).toContain('code 193');
  });

  it('an unverifiable certificate is a ConfigError', () => {
    expect(classifyConnectError(Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }))).toBeInstanceOf(ConfigError);
  });

  it('anything else goes to the store classifier: outages retry', () => {
    const e = classifyConnectError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8443'), { code: 'ECONNREFUSED' }));
    expect(e).toBeInstanceOf(RetryableError);
    expect(e).not.toBeInstanceOf(DataError);
  });
});
