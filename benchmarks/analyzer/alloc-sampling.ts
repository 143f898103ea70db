import { Session } from 'node:inspector';

/** Bytes between two samples: about 300 k samples over the default measured phase, so the total is within a fraction of a percent. */
const INTERVAL = 32 * 1024;

/** Frames whose subtree is the harness making its input (the agents' work), left out as its CPU is. */
const HARNESS = new Set(['tickMessages', 'nodeMessages', 'encodeMessage', 'encodeBatch', 'row', 'background']);

interface Node { readonly callFrame: { readonly functionName: string }; readonly selfSize: number; readonly children: readonly Node[] }

/**
 * V8's sampling heap profiler over a phase, dead objects included: the bytes the analyzer
 * allocated, which its garbage collector then walks and frees. Unlike CPU time on this VM, it
 * hardly moves between runs, so a change that allocates less shows without many alternated rounds.
 */
export class AllocSampling {
  private readonly session = new Session();

  start(): void {
    this.session.connect();
    this.session.post('HeapProfiler.enable');
    this.session.post('HeapProfiler.startSampling', { samplingInterval: INTERVAL, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  }

  /** Bytes allocated since `start`, the harness's input left out. */
  async stop(): Promise<number> {
    const profile = await new Promise<{ head: Node }>((resolve, reject) => {
      this.session.post('HeapProfiler.stopSampling', (e, r) => (e ? reject(e) : resolve(r.profile as unknown as { head: Node })));
    });
    this.session.disconnect();
    return bytesOf(profile.head);
  }
}

function bytesOf(n: Node): number {
  if (HARNESS.has(n.callFrame.functionName)) return 0;
  let sum = n.selfSize;
  for (const c of n.children) sum += bytesOf(c);
  return sum;
}
