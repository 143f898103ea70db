import type { Readable } from 'node:stream';

/**
 * Collects a RunLens role's JSON log lines (one object per line on stderr) into `lines`;
 * anything that is not JSON is passed through to our stderr so it is not lost.
 */
export function collectJsonLines(stream: Readable | null | undefined): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  let buf = '';
  stream?.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try { lines.push(JSON.parse(line) as Record<string, unknown>); } catch { process.stderr.write(`${line}\n`); }
    }
  });
  return lines;
}
