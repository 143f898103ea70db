import { ConfigError, createLogger } from '@runlens/schemas';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { busSchema, kafkaConnection } from './bus-config.ts';
import { loadRoleConfig } from './role-config.ts';
import { openConfiguredStore, storeSchema } from './store-config.ts';

const schema = z.object({ ...busSchema, ...storeSchema });
const dir = mkdtempSync(join(tmpdir(), 'bus-config-'));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const problemsOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.join('\n');
    throw e;
  }
  return '';
};

describe('Kafka and ClickHouse security settings', () => {
  it('without TLS or a user the bus stays PLAINTEXT (a loopback test broker)', () => {
    const c = loadRoleConfig(schema, { RUNLENS_KAFKA_BROKERS: 'a:1, b:2' });
    expect(kafkaConnection(c)).toEqual({ brokers: ['a:1', 'b:2'], compression: 'lz4' });
  });

  it('compresses with lz4 unless told gzip; anything else is a configuration error', () => {
    expect(kafkaConnection(loadRoleConfig(schema, { RUNLENS_KAFKA_BROKERS: 'k:1', RUNLENS_KAFKA_COMPRESSION: 'gzip' })).compression).toBe('gzip');
    expect(problemsOf(() => loadRoleConfig(schema, { RUNLENS_KAFKA_BROKERS: 'k:1', RUNLENS_KAFKA_COMPRESSION: 'zstd' }))).toContain('RUNLENS_KAFKA_COMPRESSION');
  });

  it('reads the CA and the password from files; a trailing newline is not part of the password', () => {
    const c = loadRoleConfig(schema, {
      RUNLENS_KAFKA_BROKERS: 'k:9093', RUNLENS_KAFKA_CA_FILE: file('ca.pem', CA), RUNLENS_KAFKA_USERNAME: 'runlens',
      RUNLENS_KAFKA_PASSWORD_FILE: file('pw', 's3cret\n'), RUNLENS_KAFKA_SASL_MECHANISM: 'scram-sha-256',
    });
    expect(kafkaConnection(c)).toEqual({
      brokers: ['k:9093'], compression: 'lz4', security: { tls: { caPem: CA }, sasl: { mechanism: 'scram-sha-256', username: 'runlens', password: 's3cret' } },
    });
  });

  it('TLS with the system CAs, and SCRAM-SHA-512 by default', () => {
    const c = loadRoleConfig(schema, { RUNLENS_KAFKA_BROKERS: 'k:9093', RUNLENS_KAFKA_TLS: 'true', RUNLENS_KAFKA_USERNAME: 'u', RUNLENS_KAFKA_PASSWORD: 'p' });
    expect(kafkaConnection(c).security).toEqual({ tls: {}, sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' } });
  });

  it('reports unreadable files and bad values together, by variable name', () => {
    const problems = problemsOf(() => loadRoleConfig(schema, {
      RUNLENS_KAFKA_PASSWORD_FILE: join(dir, 'missing'), RUNLENS_KAFKA_CA_FILE: file('not-pem', 'hello'),
      RUNLENS_KAFKA_SASL_MECHANISM: 'plain', RUNLENS_CLICKHOUSE_PASSWORD_FILE: file('empty', '\n'),
    }));
    for (const name of ['RUNLENS_KAFKA_BROKERS', 'RUNLENS_KAFKA_PASSWORD_FILE', 'RUNLENS_KAFKA_CA_FILE', 'RUNLENS_KAFKA_SASL_MECHANISM', 'RUNLENS_CLICKHOUSE_PASSWORD_FILE']) {
      expect(problems).toContain(name);
    }
  });

  it('refuses a user without a password, two passwords, and SASL without TLS, all at once', () => {
    const noPassword = loadRoleConfig(schema, { RUNLENS_KAFKA_BROKERS: 'k:1', RUNLENS_KAFKA_USERNAME: 'u' });
    expect(problemsOf(() => kafkaConnection(noPassword))).toMatch(/RUNLENS_KAFKA_PASSWORD or RUNLENS_KAFKA_PASSWORD_FILE: required[\s\S]*RUNLENS_KAFKA_TLS: must be true/);
    const both = loadRoleConfig(schema, { RUNLENS_KAFKA_BROKERS: 'k:1', RUNLENS_KAFKA_TLS: '1', RUNLENS_KAFKA_USERNAME: 'u', RUNLENS_KAFKA_PASSWORD: 'p', RUNLENS_KAFKA_PASSWORD_FILE: file('pw2', 'q') });
    expect(problemsOf(() => kafkaConnection(both))).toContain('set one, not both');
    const orphan = loadRoleConfig(schema, { RUNLENS_KAFKA_BROKERS: 'k:1', RUNLENS_KAFKA_PASSWORD: 'p' });
    expect(problemsOf(() => kafkaConnection(orphan))).toContain('RUNLENS_KAFKA_USERNAME: required');
  });

  it('refuses two ClickHouse passwords before connecting', async () => {
    const c = loadRoleConfig(schema, { RUNLENS_KAFKA_BROKERS: 'k:1', RUNLENS_CLICKHOUSE_PASSWORD: 'p', RUNLENS_CLICKHOUSE_PASSWORD_FILE: file('chpw', 'q') });
    await expect(openConfiguredStore(c)).rejects.toThrow(/RUNLENS_CLICKHOUSE_PASSWORD and RUNLENS_CLICKHOUSE_PASSWORD_FILE: set one/);
  });

  it('the logger redacts every password, whether it came from a variable or a file', () => {
    const c = loadRoleConfig(schema, {
      RUNLENS_KAFKA_BROKERS: 'k:1', RUNLENS_KAFKA_TLS: 'yes', RUNLENS_KAFKA_USERNAME: 'u', RUNLENS_KAFKA_PASSWORD_FILE: file('pw3', 'from-a-file'),
      RUNLENS_CLICKHOUSE_PASSWORD: 'from-a-variable',
    });
    const lines: string[] = [];
    createLogger('info', {}, (l) => lines.push(l)).info('config', { ...c, kafka: kafkaConnection(c) });
    expect(lines.join('\n')).not.toMatch(/from-a-file|from-a-variable/);
    expect(lines.join('\n')).toContain('"RUNLENS_KAFKA_USERNAME":"u"');
  });
});
