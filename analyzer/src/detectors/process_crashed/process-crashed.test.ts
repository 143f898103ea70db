import { describe, expect, it } from 'vitest';
import { eventRows, eventWindow } from '../testdata/node-events.ts';
import { processCrashed } from './index.ts';

const real = eventRows('process_crashed', 'real-segfault-trap.rows.json');
const gp = eventRows('process_crashed', 'documented-gp-fault.rows.json');
const T = 1_795_004_221_915;

describe('process_crashed', () => {
  it('reports the real segfault (SIGSEGV at 0x0) and trap (SIGILL) of the run\'s pids with address, ip and gdb advice', () => {
    const found = processCrashed.evaluate(eventWindow({ events: real, from: T - 4000, to: T, pids: [12211, 12213] }));
    expect(found.map((f) => [f.scope_id, f.evidence.signal, f.evidence.fault_addr, f.evidence.ip])).toEqual([
      ['12211', 'SIGSEGV', '0x0', '0x000056460a460139'],
      ['12213', 'SIGILL', null, '0x5557d8f7d12d'],
    ]);
    expect(found[0]?.message).toBe('rl_segv (pid 12211) crashed with SIGSEGV on node07 accessing 0x0 at ip 0x000056460a460139');
    expect(found[0]?.advice).toMatch(/ulimit -c unlimited.*gdb.*addr2line.*dmesg/);
  });

  it('takes a general protection fault for SIGSEGV, and ignores crashes of processes outside the run', () => {
    const ts = gp[0]?.ts ?? 0;
    expect(processCrashed.evaluate(eventWindow({ events: gp, from: ts - 2000, to: ts, pids: [9021] })).map((f) => f.evidence.signal)).toEqual(['SIGSEGV']);
    expect(processCrashed.evaluate(eventWindow({ events: real, from: T - 4000, to: T, pids: [12212] }))).toEqual([]);
  });
});
