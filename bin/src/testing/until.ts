import { sleep } from '@runlens/schemas';

/**
 * Polls `probe` every 200 ms until it gives a value, for at most `timeoutMs`; the error names
 * `what` and, when given, what `seen` says was last observed. Generous deadlines: tests must pass on a busy machine.
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 120_000, seen: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${seen() ? `; last seen: ${seen()}` : ''}`);
    await sleep(200);
  }
}
