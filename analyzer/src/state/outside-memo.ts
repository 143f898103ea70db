import type { BackgroundTick } from '../window/run-window.ts';

/** Slots per ring: ticks are remembered by second modulo this, over 4 minutes of a host's recent ticks (the live windows are 60 s). */
const SLOTS = 256;
/** A run's memo not asked for this long is dropped (its run ended, or moved to another replica). */
const IDLE_MS = SLOTS * 1000;

/**
 * The slot of a tick's second. Floor and multiply, not `%`: on a double (a time in seconds since
 * 1970 is not known to fit an int32) `%` is a call to the C library's fmod, and this was 3% of the
 * analyzer's CPU. The same value for every time, NaN for NaN.
 */
const slotOf = (ts: number): number => {
  const s = Math.floor(ts / 1000);
  return s - Math.floor(s / SLOTS) * SLOTS;
};

/**
 * One run's outside ticks on one host, by slot: valid while the host's tick in that slot has not
 * changed since. With each, how many run loads the tick held: a walk over the window steps over a
 * tick it knows without a search for where the tick's loads end (each probe a cache miss).
 */
export class RunOutsideMemo {
  private readonly ts = new Float64Array(SLOTS).fill(NaN);
  private readonly version = new Float64Array(SLOTS);
  private readonly value: (BackgroundTick | null)[] = new Array<BackgroundTick | null>(SLOTS).fill(null);
  private readonly loads = new Int32Array(SLOTS);
  lastUsed = -Infinity;

  constructor(private readonly host: OutsideMemo) {}

  /** The outside tick at `ts` worked out before, or undefined where it must be worked out (again). */
  get(ts: number): BackgroundTick | null | undefined {
    const k = slotOf(ts);
    return this.ts[k] === ts && this.version[k] === this.host.versionAt(ts) ? this.value[k] : undefined;
  }

  /** How many run loads the tick held when its value was worked out; ask only after `get` gave a value. */
  loadsAt(ts: number): number {
    return this.loads[slotOf(ts)] as number;
  }

  set(ts: number, value: BackgroundTick | null, loads: number): void {
    const version = this.host.versionAt(ts);
    if (version < 0) return;
    const k = slotOf(ts);
    this.ts[k] = ts;
    this.version[k] = version;
    this.value[k] = value;
    this.loads[k] = loads;
  }
}

/**
 * Each run's outside load per tick of a host, worked out once. Every run on a host has its window
 * cut at every tick, and all but the newest ticks of it are the same as at the tick before: without
 * this, each evaluation walked every run's load over the whole window again (runs × ticks per run,
 * and an object per tick). A row of a tick (a late run load, the background) gives that tick a new
 * version, so a value is never older than its inputs. Rings by second, not maps by time: a lookup
 * is an array read. Only recent ticks are kept; an older window (a whole run at its end) is worked
 * out without remembering.
 */
export class OutsideMemo {
  private readonly ts = new Float64Array(SLOTS).fill(NaN);
  private readonly version = new Float64Array(SLOTS);
  private versions = 0;
  private readonly runs = new Map<string, RunOutsideMemo>();
  private newest = -Infinity;
  private swept = -Infinity;

  /** The version of tick `ts`, -1 where its slot holds another tick (it is too old to remember). */
  versionAt(ts: number): number {
    const k = slotOf(ts);
    return this.ts[k] === ts ? (this.version[k] as number) : -1;
  }

  /** A row of tick `ts` arrived: what was worked out for that tick is stale. */
  changed(ts: number): void {
    if (Number.isNaN(ts)) return;
    const k = slotOf(ts);
    // A tick too old for the ring takes no slot from a newer one; if it still holds one, that is made stale.
    if (this.ts[k] !== ts && ts < this.newest - (SLOTS - 2) * 1000) return;
    this.ts[k] = ts;
    this.version[k] = ++this.versions;
    this.newest = Math.max(this.newest, ts);
  }

  /** The memo of one run's view of this host. */
  of(runId: string): RunOutsideMemo {
    let m = this.runs.get(runId);
    if (!m) this.runs.set(runId, (m = new RunOutsideMemo(this)));
    m.lastUsed = this.newest;
    if (this.newest - this.swept >= IDLE_MS) this.sweep();
    return m;
  }

  get size(): number {
    return this.runs.size;
  }

  private sweep(): void {
    this.swept = this.newest;
    for (const [run, m] of this.runs) if (m.lastUsed < this.newest - IDLE_MS) this.runs.delete(run);
  }
}
