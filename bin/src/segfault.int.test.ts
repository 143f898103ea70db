import { accessSync, constants } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { monitoredRun } from './testing/monitored-run.ts';

const canRun = ((): boolean => {
  try {
    accessSync('/dev/kmsg', constants.R_OK);
    return true;
  } catch {
    return false;
  }
})();

// Runs for 3 s (so the sampler knows the pid as the run's), then reads address 0.
const CRASH = 'import ctypes, sys, time\ntime.sleep(3)\nprint("about to read address 0", file=sys.stderr, flush=True)\nctypes.string_at(0)';

describe.skipIf(!canRun)('runlens run: a command that segfaults (the kernel logs it in /dev/kmsg)', () => {
  it('exits 139 and the report shows process_crashed with the pid, the signal and the fault address', async () => {
    const { report, code, stderr } = await monitoredRun(() => ['python3', '-c', CRASH]);
    expect(code, stderr).toBe(139);
    const crash = report.findings.find((f) => f.kind === 'process_crashed');
    expect(crash, JSON.stringify(report.findings.map((f) => f.kind))).toBeDefined();
    expect(crash).toMatchObject({ scope: 'pid' });
    expect(crash?.evidence).toMatchObject({ comm: 'python3', signal: 'SIGSEGV', fault: 'segfault', fault_addr: '0x0' });
    expect(String(crash?.evidence.kernel_line)).toMatch(/python3\[\d+\]: segfault at 0 /);
    expect(report.summary.top_processes.map((p) => p.pid)).toContain(crash?.evidence.pid);
    // How it ended, and the kernel line and the last stderr line linked to the finding (issue 12 items 2 and 3).
    expect(report.run.ending).toMatchObject({ how: 'signal', signal: 'SIGSEGV', exit_code: 139 });
    const event = report.events?.find((e) => e.kind === 'segfault' && e.pid === crash?.evidence.pid);
    expect(event?.findings).toEqual(['process_crashed']);
    // The wrapper shell's own "Segmentation fault" line follows the command's last line.
    const last = report.log?.lines.find((l) => l.line === 'about to read address 0');
    expect(report.log?.lines.map((l) => l.line)).toEqual(['about to read address 0', 'Segmentation fault']);
    expect(last?.near).toEqual(expect.arrayContaining(['process_crashed', 'segfault']));
  }, 90_000);
});
