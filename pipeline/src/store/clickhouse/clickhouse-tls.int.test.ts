import { ConfigError, RetryableError } from '@runlens/schemas';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestCerts, type TestServer, makeTestCerts, nodeSampleRow, startSecureClickHouse } from '../../testing/index.ts';
import type { Store } from '../types.ts';
import { ClickHouseStore, type ClickHouseStoreOptions } from './index.ts';

/**
 * Debian's ClickHouse 18.16 serving HTTP over TLS only (`<https_port>`, certificate from
 * openssl here) with one user whose password is stored as a SHA-256 in users.xml. The
 * store connects, creates its tables and reads back only with the CA and the password.
 */
const PASSWORD = randomBytes(12).toString('hex');

describe('ClickHouse over HTTPS with a user and password', () => {
  let certs: TestCerts;
  let server: TestServer;
  const opened: Store[] = [];
  const connect = async (o: Partial<ClickHouseStoreOptions>): Promise<ClickHouseStore> => {
    const store = await ClickHouseStore.connect({ url: server.url, database: `t_${randomBytes(4).toString('hex')}`, username: 'runlens', password: PASSWORD, caCertPem: certs.caPem, ...o });
    opened.push(store);
    return store;
  };
  const refusal = (o: Partial<ClickHouseStoreOptions>): Promise<unknown> => connect(o).then(() => null, (e: unknown) => e);

  beforeAll(async () => {
    certs = await makeTestCerts();
    server = await startSecureClickHouse(certs, { name: 'runlens', password: PASSWORD });
  });
  afterAll(async () => {
    for (const s of opened) await s.close().catch(() => undefined);
    await server?.stop();
  });

  it('with the CA, the user and the password: migrates, writes and reads back', async () => {
    const store = await connect({});
    expect(server.url).toMatch(/^https:/);
    await store.migrate();
    await store.insertRows('node_samples', Array.from({ length: 10 }, (_, i) => nodeSampleRow('tls-host', i)));
    const rows = await store.query<{ n: number | string }>('SELECT count() AS n FROM node_samples FINAL WHERE host = {h:String}', { h: 'tls-host' });
    expect(rows.map((r) => Number(r.n))).toEqual([10]);
  });

  it('without the password, or with a wrong one, connect is a ConfigError naming the refusal', async () => {
    for (const password of ['', 'not-the-password']) {
      const e = await refusal({ password });
      expect(e).toBeInstanceOf(ConfigError);
      expect(String(e)).toMatch(/refused our credentials \(code 19[34]\)/);
      expect(String(e)).not.toContain('not-the-password');
    }
    expect(String(await refusal({ username: 'default', password: '' }))).toMatch(/refused our credentials \(code 192\)/);
  });

  it('a client that does not trust the certificate refuses the server: ConfigError', async () => {
    const other = await makeTestCerts('some-other-ca');
    const e = await refusal({ caCertPem: other.caPem });
    expect(e).toBeInstanceOf(ConfigError);
    expect(String(e)).toMatch(/TLS failed.*certificate/s);
  });

  it('plain HTTP to the TLS port gets no answer it could mistake for data: RetryableError', async () => {
    const e = await refusal({ url: server.url.replace('https:', 'http:'), caCertPem: undefined });
    expect(e).toBeInstanceOf(RetryableError);
  });
});
