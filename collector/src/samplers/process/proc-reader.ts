import { readdirSync } from 'node:fs';
import { openFilesLimit } from '../../lib/proc-files.ts';
import type { LastPidWatch } from './last-pid.ts';
import { FILES_PER_PROCESS, ProcSlot } from './proc-slot.ts';

/** Listings reused in a row before procRoot is listed anyway: a bound on what a wrapped pid counter could hide. */
export const MAX_REUSED_LISTINGS = 30;

/**
 * How many processes may keep their files open: a quarter of the descriptor limit stays for
 * sockets, logs and the other samplers, and the rest holds FILES_PER_PROCESS per process.
 */
export function keptOpenBudget(limit: number | null = openFilesLimit()): number {
  if (limit === null) return 0;
  return Math.max(0, Math.min(32_768, Math.floor((limit * 0.75 - 256) / FILES_PER_PROCESS)));
}

/**
 * Reads every process under procRoot into one slot per pid that lives as long as the pid does,
 * keeping files open between ticks (about 3x cheaper than open+read+close) up to `maxKeptOpen`
 * processes. A process that vanishes mid-read is skipped; a reused pid is detected by its start
 * time.
 */
export class ProcReader {
  private slots = new Map<number, ProcSlot>();
  private scan = 0;
  private readonly pids: number[] = [];
  private readonly read: ProcSlot[] = [];
  /** Listings reused since procRoot was last listed; starts full, so the first call lists. */
  private reused = MAX_REUSED_LISTINGS;

  /**
   * `newTasks`: where given, a listing is reused while it reports no task created since the
   * previous call (see LastPidWatch).
   */
  constructor(private readonly procRoot: string, private readonly maxKeptOpen: number, private readonly newTasks: LastPidWatch | null = null) {}

  /**
   * The numeric entries of procRoot; the array is reused by the next call. While no task was
   * created since the previous call, the pids read by the last readAll stand in for the listing
   * (a process gone since fails its read there): listing /proc took ~1.1 ms per tick at 1,000
   * processes, and made a string per entry.
   */
  listPids(): number[] {
    const pids = this.pids;
    pids.length = 0;
    if (this.newTasks !== null && !this.newTasks.moved() && this.reused < MAX_REUSED_LISTINGS) {
      this.reused++;
      for (let i = 0; i < this.read.length; i++) pids.push(this.read[i]!.pid);
      return pids;
    }
    this.reused = 0;
    const names = readdirSync(this.procRoot);
    // Indexed loops, not for-of: the agent runs with --optimize-for-size, and for-of here made
    // an iterator result per element.
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const c = name.charCodeAt(0);
      if (c >= 48 && c <= 57) pids.push(Number(name));
    }
    return pids;
  }

  /**
   * The slots of the processes of `pids` read in this scan, in `pids` order; the array is reused
   * by the next call, and a slot is overwritten by its next reading. Slots of pids not read are
   * closed and forgotten.
   */
  readAll(pids: readonly number[]): readonly ProcSlot[] {
    const scan = ++this.scan;
    const out = this.read;
    out.length = 0;
    for (let i = 0; i < pids.length; i++) {
      const pid = pids[i]!;
      let slot = this.slots.get(pid);
      if (!slot) {
        slot = new ProcSlot(pid, `${this.procRoot}/${pid}`, this.slots.size < this.maxKeptOpen);
        this.slots.set(pid, slot);
      }
      if (slot.load(scan)) out.push(slot);
    }
    this.slots.forEach((slot, pid) => {
      if (slot.scan !== scan) {
        slot.close();
        this.slots.delete(pid);
      }
    });
    return out;
  }

  closeAll(): void {
    for (const s of this.slots.values()) s.close();
    this.slots.clear();
    this.newTasks?.close();
  }
}
