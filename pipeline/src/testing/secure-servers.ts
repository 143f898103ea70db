import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type TestServer, freePort } from './servers.ts';
import type { TestCerts } from './tls-certs.ts';

/** The real servers with their doors locked: Kafka on SASL_SSL, ClickHouse on HTTPS with a password. */
const run = promisify(execFile);
const DEPLOY = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'deploy');

export interface TestUser {
  readonly name: string;
  readonly password: string;
}

async function secureServer(kind: 'kafka' | 'clickhouse', args: (dir: string) => string[], url: string, dir: string): Promise<TestServer> {
  const script = (name: string): string => join(DEPLOY, kind, name);
  const s: TestServer = {
    url, dir,
    start: async () => { await run(script('start'), ['--dir', dir, ...args(dir)], { timeout: 300_000 }); },
    stop: async (opts) => { await run(script('stop'), ['--dir', dir, ...(opts?.kill ? ['--kill'] : [])], { timeout: 60_000 }); },
  };
  await s.start();
  return s;
}

/** One KRaft broker whose only client listener is SASL_SSL; `users` get SCRAM-SHA-256 and -512 credentials. */
export async function startSecureKafka(certs: TestCerts, users: readonly TestUser[]): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-kafka-sasl-'));
  const usersFile = join(dir, 'scram-users');
  writeFileSync(usersFile, users.map((u) => `${u.name} ${u.password}\n`).join(''), { mode: 0o600 });
  const [port, cport] = [await freePort(), await freePort()];
  const args = (): string[] => ['--port', String(port), '--controller-port', String(cport), '--tls-dir', certs.dir, '--scram-users', usersFile];
  return secureServer('kafka', args, `127.0.0.1:${port}`, dir);
}

/** ClickHouse serving HTTP over TLS only, with one user whose password is stored as a SHA-256. */
export async function startSecureClickHouse(certs: TestCerts, user: TestUser): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-clickhouse-tls-'));
  const usersXml = join(dir, 'users.xml');
  const sha = createHash('sha256').update(user.password).digest('hex');
  writeFileSync(usersXml, `<?xml version="1.0"?>
<yandex>
  <profiles><default><allow_experimental_low_cardinality_type>1</allow_experimental_low_cardinality_type></default></profiles>
  <users><${user.name}><password_sha256_hex>${sha}</password_sha256_hex><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></${user.name}></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`, { mode: 0o600 });
  const [https, tcp] = [await freePort(), await freePort()];
  const args = (): string[] => ['--https-port', String(https), '--tcp-port', String(tcp), '--tls-dir', certs.dir, '--users', usersXml];
  return secureServer('clickhouse', args, `https://127.0.0.1:${https}`, dir);
}
