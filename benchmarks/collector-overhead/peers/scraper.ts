import { median } from '../proc-meter.ts';
import { type PeerChild, sleep, waitUntilReady } from './child.ts';
import type { RunningAgent } from './peer.ts';

/** Prometheus's default scrape_timeout; a socket that accepts but never answers must not hang the run. */
const SCRAPE_TIMEOUT_MS = 10_000;

/**
 * Scrapes a Prometheus exporter's /metrics at 1 Hz from this process, as a Prometheus server
 * would; each scrape makes the exporter collect. Ticks = successful scrapes.
 */
export async function scrapeAt1Hz(name: string, peer: PeerChild, url: string): Promise<RunningAgent> {
  let scrapes = 0;
  let failures = 0;
  let lastBytes = 0;
  const durations: number[] = [];
  const scrape = async (): Promise<boolean> => {
    const t0 = performance.now();
    try {
      if (peer.exitReason() !== null) return false; // never count a scrape of whatever took the port
      const res = await fetch(url, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
      const body = await res.text();
      if (!res.ok) return false;
      lastBytes = body.length;
      durations.push(performance.now() - t0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    await waitUntilReady(peer, name, scrape, 10_000);
  } catch (e) {
    await peer.stop();
    throw e instanceof Error ? new Error(`${e.message} (no answer on ${url})`) : e;
  }
  let running = true;
  const loop = (async () => {
    // Fixed 1 Hz grid; a scrape slower than 1 s delays the next one rather than overlapping it.
    for (let next = performance.now() + 1000; running; next += 1000) {
      await sleep(Math.max(0, next - performance.now()));
      if (!running) break;
      if (await scrape()) scrapes++;
      else failures++;
    }
  })();
  return {
    pid: peer.pid,
    exitReason: peer.exitReason,
    ticks: async () => scrapes,
    extra: async () => ({ scrape_failures: failures, last_body_bytes: lastBytes, scrape_ms_median: median(durations), exited: peer.exitReason() }),
    stop: async () => {
      running = false;
      await loop;
      await peer.stop();
    },
  };
}
