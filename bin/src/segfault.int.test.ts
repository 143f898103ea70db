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
const CRASH = 'import ctypes, time\ntime.sleep(3)\nctypes.string_at(0)';

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
  }, 90_000);
});
