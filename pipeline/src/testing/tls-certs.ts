import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A private CA and one server certificate for 127.0.0.1/localhost, made by `openssl`. */
export interface TestCerts {
  /** Holds ca.pem, server.pem (certificate), server.key (PKCS#8) and broker.pem (key + certificate, Kafka's PEM keystore). */
  readonly dir: string;
  readonly caPem: string;
}

async function openssl(cwd: string, args: readonly string[]): Promise<void> {
  await run('openssl', [...args], { cwd, timeout: 60_000 });
}

/** `name` tells two CAs apart in a test that needs an untrusted one too. */
export async function makeTestCerts(name = 'runlens-test-ca'): Promise<TestCerts> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-tls-'));
  const days = ['-days', '2'];
  await openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', ...days, '-subj', `/CN=${name}`]);
  await openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  // Clients check the address they dialled (127.0.0.1) against the subjectAltName.
  writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', ...days, '-extfile', 'san.cnf']);
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  writeFileSync(join(dir, 'broker.pem'), read('server.key') + read('server.pem'), { mode: 0o600 });
  return { dir, caPem: read('ca.pem') };
}
