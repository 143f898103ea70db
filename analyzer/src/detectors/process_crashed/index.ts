import { defineDetector } from '../detector.ts';
import type { FindingDraft } from '../detector.ts';
import { ownedEvents } from '../node-events.ts';
import { type HostEvent, type HostView, hasEvents } from '../../window/run-window.ts';

/** The signal the kernel sends for each fault it logs (arch/x86/kernel/traps.c, mm/fault.c). */
export function signalOf(e: HostEvent): string {
  if (e.kind === 'segfault' || /general protection/.test(e.detail)) return 'SIGSEGV';
  if (/invalid opcode/.test(e.detail)) return 'SIGILL';
  if (/divide error/.test(e.detail)) return 'SIGFPE';
  if (/int3/.test(e.detail)) return 'SIGTRAP';
  if (/alignment|bus error/.test(e.detail)) return 'SIGBUS';
  return 'SIGSEGV';
}

/** `at 0x0 ip 0x…` (segfault) or `… ip 0x…` (trap) from the parsed detail. */
export function addresses(detail: string): { fault_addr: string | null; ip: string | null } {
  return { fault_addr: /\bat (0x[0-9a-f]+)/.exec(detail)?.[1] ?? null, ip: /\bip (0x[0-9a-f]+)/.exec(detail)?.[1] ?? null };
}

function toDraft(h: HostView, e: HostEvent): FindingDraft {
  const signal = signalOf(e);
  const { fault_addr, ip } = addresses(e.detail);
  const where = [fault_addr !== null ? `accessing ${fault_addr}` : '', ip !== null ? `at ip ${ip}` : ''].filter(Boolean).join(' ');
  return {
    kind: 'process_crashed', scope: 'pid', scope_id: String(e.pid ?? ''), host: h.host, start_ts: e.ts, end_ts: e.ts,
    severity: 'critical', confidence: e.owned_by === 'pid' ? 0.95 : 0.85,
    message: `${e.comm || 'A process'} (pid ${e.pid ?? '?'}) crashed with ${signal} on ${h.host}${where ? ` ${where}` : ''}`,
    advice: `Get a core dump: run with ulimit -c unlimited (or coredumpctl list ${e.comm} on systemd hosts), then gdb <binary> <core> and bt; `
      + `map the ip to a source line with addr2line -e <binary> <ip minus the mapping base in the kernel line>; `
      + `the kernel line is in dmesg -T | grep "${e.comm}\\[${e.pid ?? ''}\\]". Rebuild with -g -fsanitize=address to catch the bad access earlier.`,
    evidence: { pid: e.pid, comm: e.comm, signal, fault_addr, ip, fault: e.kind, attributed_by: e.owned_by, kernel_line: e.raw },
  };
}

/** A process of the run died on a fault the kernel logged (segfault, trap, general protection). */
export const processCrashed = defineDetector({
  id: 'process_crashed',
  description: 'A process of the run crashed on a signal (segfault or trap), with the faulting address and ip.',
  evaluate(w) {
    if (!(w.hosts ?? []).some(hasEvents)) return [];
    return (w.hosts ?? []).flatMap((h) => ownedEvents(h, ['segfault', 'trap']).map((e) => toDraft(h, e)));
  },
});
