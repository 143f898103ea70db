import { type IncomingMessage, type Server, createServer } from 'node:http';
import { freePort } from '@runlens/pipeline/testing/index';

/* Test kit: an HTTP receiver for alert deliveries (Alertmanager's webhook notifications, RunLens's signed webhook). */

export interface Delivery { path: string; headers: IncomingMessage['headers']; body: string }

/** The test's own HTTP receiver: records every POST; `fail` answers 500 to the next N posts. */
export async function receiver(): Promise<{ url: string; got: Delivery[]; fail: { n: number }; server: Server }> {
  const got: Delivery[] = [];
  const fail = { n: 0 };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      if (fail.n > 0) {
        fail.n--;
        res.writeHead(500).end();
        return;
      }
      got.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(200).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, got, fail, server };
}
