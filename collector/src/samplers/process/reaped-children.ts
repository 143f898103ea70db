/** What one scan read of a sampled process, as far as reaping is concerned. */
export interface ScannedProcess {
  /** `pid:start_ticks`, the rate trackers' key. */
  readonly key: string;
  readonly pid: number;
  readonly ppid: number;
  /**
   * Cumulative /proc/<pid>/io counters in the IO tracker's order; null where io was unreadable.
   * The caller may overwrite the array after `scan`: what is kept is a copy.
   */
  readonly io: readonly number[] | null;
  readonly minflt: number;
  readonly cminflt: number;
}

/** Our last reading of a process, updated in place each scan (no object per process per scan). */
interface Seen {
  readonly key: string;
  readonly pid: number;
  ppid: number;
  /** Our own copy, updated in place. */
  io: number[] | null;
  minflt: number;
  cminflt: number;
  parentKey: string | null;
  /** The scan that last read it. */
  scan: number;
}

/** A reaped child's IO that its parent's counters will show a second time. */
interface Credit {
  readonly left: number[];
  /** The parent's cminflt before the reap, and by how much the reap must raise it. */
  readonly baseCminflt: number;
  readonly faults: number;
  readonly scan: number;
}

/** `from` copied into `into` (reused when it fits), or null. */
function copyInto(into: number[] | null, from: readonly number[] | null): number[] | null {
  if (!from) return null;
  if (!into || into.length !== from.length) return [...from];
  for (let i = 0; i < from.length; i++) into[i] = from[i]!;
  return into;
}

/** Scans a credit waits for the reap to show in its parent before it is dropped. */
const MAX_AGE_SCANS = 3;
/** Credits one parent may hold: a fork bomb between two scans cannot grow this without limit. */
const MAX_PER_PARENT = 256;
/** Parents that vanished along with their child: walk up at most this far. */
const MAX_DEPTH = 16;

/**
 * When a parent reaps a child with wait(), Linux adds the child's whole-life IO counters (and
 * those of the child's own reaped children) to the parent's /proc/<pid>/io. The child's IO up to
 * our last reading of it was already counted in the child's rows, so that part is subtracted from
 * the parent's next deltas. The reap itself is recognised by the parent's cminflt, which the same
 * kernel code raises by the child's page faults: a parent that ignores SIGCHLD gets its children
 * auto-reaped, receives nothing, and keeps its own IO.
 */
export class ReapedChildren {
  private last = new Map<string, Seen>();
  private credits = new Map<string, Credit[]>();
  private scanNo = 0;

  /**
   * Present processes by pid. It and `last` are updated in place and lose only departed
   * processes: clearing and refilling a map and a set every scan regrew their tables, garbage
   * that outlived the young generation.
   */
  private byPid = new Map<number, Seen>();

  /** Once per scan, before the deltas: credits the parents of processes gone since the last scan. */
  scan(now: readonly ScannedProcess[]): void {
    const n = ++this.scanNo;
    const { byPid, last } = this;
    // Indexed loops over `now`: under --optimize-for-size, for-of made an iterator result per element.
    for (let i = 0; i < now.length; i++) {
      const seen = last.get(now[i]!.key);
      if (seen) seen.scan = n;
    }
    // Credits see the gone processes and their parents as the previous scan left them.
    // forEach, not for-of: here for-of over a Map made an entry array or result object per entry.
    last.forEach((gone) => {
      if (gone.scan !== n && gone.io) this.credit(gone, gone.io);
    });
    last.forEach((seen, k) => {
      if (seen.scan === n) return;
      last.delete(k);
      if (byPid.get(seen.pid) === seen) byPid.delete(seen.pid);
    });
    for (let i = 0; i < now.length; i++) {
      const p = now[i]!;
      let seen = last.get(p.key);
      if (!seen) {
        seen = { key: p.key, pid: p.pid, ppid: p.ppid, io: null, minflt: p.minflt, cminflt: p.cminflt, parentKey: null, scan: n };
        last.set(p.key, seen);
      }
      byPid.set(p.pid, seen);
    }
    for (let i = 0; i < now.length; i++) {
      const p = now[i]!;
      const seen = last.get(p.key);
      if (!seen) continue;
      seen.ppid = p.ppid;
      seen.io = copyInto(seen.io, p.io);
      seen.minflt = p.minflt;
      seen.cminflt = p.cminflt;
      seen.parentKey = byPid.get(p.ppid)?.key ?? null;
    }
    for (const [parent, list] of this.credits) {
      const kept = list.filter((c) => n - c.scan < MAX_AGE_SCANS);
      if (!this.present(parent) || kept.length === 0) this.credits.delete(parent);
      else this.credits.set(parent, kept);
    }
  }

  /** Whether the process `key` was read in the current scan. */
  private present(key: string): boolean {
    return this.last.get(key)?.scan === this.scanNo;
  }

  /**
   * Removes, counter by counter and never below zero, the credited children's IO from one
   * parent's deltas, once the parent's cminflt shows it reaped them. Returns `deltas` itself
   * when the parent has no credit (the common case), else a corrected copy.
   */
  correct(key: string, cminflt: number, deltas: number[]): number[] {
    const list = this.credits.get(key);
    if (!list) return deltas;
    const out = [...deltas];
    for (const c of list) {
      if (cminflt - c.baseCminflt < Math.max(1, c.faults)) continue;
      for (let i = 0; i < out.length; i++) {
        const take = Math.min(c.left[i] ?? 0, out[i] ?? 0);
        out[i] = (out[i] ?? 0) - take;
        c.left[i] = (c.left[i] ?? 0) - take;
      }
    }
    const open = list.filter((c) => c.left.some((v) => v > 0));
    if (open.length > 0) this.credits.set(key, open);
    else this.credits.delete(key);
    return out;
  }

  /** The nearest ancestor still sampled: a parent reaped in the same interval passed the IO up. */
  private credit(child: Seen, io: readonly number[]): void {
    let parent = child.parentKey === null ? undefined : this.last.get(child.parentKey);
    for (let depth = 0; parent && !this.present(parent.key) && depth < MAX_DEPTH; depth++) {
      parent = parent.parentKey === null ? undefined : this.last.get(parent.parentKey);
    }
    if (!parent || !this.present(parent.key)) return; // reparented to an unsampled reaper, or gone
    const list = this.credits.get(parent.key) ?? [];
    list.push({ left: [...io], baseCminflt: parent.cminflt, faults: child.minflt + child.cminflt, scan: this.scanNo });
    this.credits.set(parent.key, list.slice(-MAX_PER_PARENT));
  }
}
