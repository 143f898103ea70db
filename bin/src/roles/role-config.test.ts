import { ConfigError } from '@runlens/schemas';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadRoleConfig } from './role-config.ts';

const schema = z.object({
  RUNLENS_KAFKA_BROKERS: z.string().min(1),
  RUNLENS_METRICS_PORT: z.coerce.number().int().max(65535).default(9464),
  RUNLENS_STORE: z.enum(['clickhouse', 'chdb']).default('clickhouse'),
});

describe('role configuration', () => {
  it('reports every problem at once, by variable name', () => {
    const err = (() => {
      try {
        loadRoleConfig(schema, { RUNLENS_METRICS_PORT: '99999', RUNLENS_STORE: 'postgres' });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toContain('RUNLENS_KAFKA_BROKERS');
    expect(problems).toContain('RUNLENS_METRICS_PORT');
    expect(problems).toContain('RUNLENS_STORE');
  });

  it('reads a file and lets the environment override it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'c.json');
    writeFileSync(file, JSON.stringify({ RUNLENS_KAFKA_BROKERS: 'a:1', RUNLENS_METRICS_PORT: 1234 }));
    const c = loadRoleConfig(schema, { RUNLENS_CONFIG_FILE: file, RUNLENS_METRICS_PORT: '4321' });
    expect(c).toEqual({ RUNLENS_KAFKA_BROKERS: 'a:1', RUNLENS_METRICS_PORT: 4321, RUNLENS_STORE: 'clickhouse' });
  });

  it('names a broken config file', () => {
    expect(() => loadRoleConfig(schema, { RUNLENS_CONFIG_FILE: '/nonexistent/x.json', RUNLENS_KAFKA_BROKERS: 'a:1' })).toThrow(/RUNLENS_CONFIG_FILE/);
  });
});
