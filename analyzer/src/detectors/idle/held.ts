import type { RunTick } from '../../window/run-window.ts';

/** What holds an idle run still, from its processes' states: stopped (T, t) or uninterruptible sleep (D). */
export type HeldBy = 'T' | 'D';

export const HELD_BY: readonly HeldBy[] = ['T', 'D'];

/** A process of the run is in that state at this tick. */
export function holds(t: RunTick, h: HeldBy): boolean {
  return h === 'T' ? t.stopped_procs > 0 : t.d_state_procs > 0;
}

export const HELD: Record<HeldBy, { message: string; advice: string; evidence: Record<string, string> }> = {
  T: {
    message: 'Stopped (process state T)',
    advice: 'A process of the run is stopped: suspended (scontrol suspend, SIGSTOP, Ctrl-Z) or held by a debugger. Resume it (scontrol resume / kill -CONT PID) or find who stopped it (grep State /proc/PID/status; ps -o pid,stat,wchan).',
    evidence: { process_state_means: 'stopped by a signal or a tracer' },
  },
  D: {
    message: 'Stuck in uninterruptible IO (process state D)',
    advice: 'A process of the run waits in the kernel (state D) and nothing moves: usually storage that does not answer (NFS/Lustre server, a dying disk). Look at cat /proc/PID/stack and /proc/PID/wchan, dmesg for "not responding" or "hung task", and tell operations.',
    evidence: { process_state_means: 'uninterruptible sleep, usually waiting on storage' },
  },
};
