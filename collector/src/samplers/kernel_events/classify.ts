import type { Row } from '@runlens/schemas';

/** The columns one kernel line can fill by itself; the parser adds time, host, seq and raw. */
export type EventFields = Pick<Row<'node_events'>, 'kind' | 'severity'>
  & Partial<Pick<Row<'node_events'>, 'pid' | 'comm' | 'device' | 'code' | 'detail' | 'rss_bytes'>>;

/** Lines that carry no event of their own but describe the OOM kill that follows them. */
export type Classified =
  | { readonly type: 'event'; readonly fields: EventFields }
  | { readonly type: 'oom_context'; readonly pid: number; readonly cgroup: string }
  | { readonly type: 'memcg_usage'; readonly limit_bytes: number };

type Rule = (text: string) => Classified | null;
const event = (fields: EventFields): Classified => ({ type: 'event', fields });
const num = (s: string | undefined): number => Number(s ?? 'NaN');
const COMM = '(.{1,64}?)';

/** mm/oom_kill.c __oom_kill_process: "<Out of memory|Memory cgroup out of memory>: Killed process PID (COMM) total-vm:…". */
const OOM = new RegExp(`^(Out of memory|Memory cgroup out of memory)(?: \\(oom_kill_allocating_task\\))?: Killed process (\\d+) \\(${COMM}\\)(?: total-vm:\\d+kB, anon-rss:(\\d+)kB, file-rss:(\\d+)kB, shmem-rss:(\\d+)kB)?`);
const oomKill: Rule = (t) => {
  const m = OOM.exec(t);
  if (!m) return null;
  const rss = m[4] === undefined ? null : (num(m[4]) + num(m[5]) + num(m[6])) * 1024;
  return event({ kind: 'oom_kill', severity: 'critical', pid: num(m[2]), comm: m[3] ?? '', rss_bytes: rss,
    detail: m[1] === 'Out of memory' ? 'global' : 'memcg' });
};

/** mm/oom_kill.c dump_oom_summary: "oom-kill:constraint=…,task_memcg=/x,task=COMM,pid=N,uid=N" (COMM may hold commas). */
const OOM_CTX_PID = /,pid=(\d{1,10}),uid=\d{1,10}$/;
const oomContext: Rule = (t) => {
  if (!t.startsWith('oom-kill:')) return null;
  const pid = OOM_CTX_PID.exec(t);
  const at = t.indexOf(',task_memcg=');
  if (!pid || at < 0) return null;
  const end = t.indexOf(',', at + 12);
  return { type: 'oom_context', pid: num(pid[1]), cgroup: t.slice(at + 12, end < 0 ? t.length : end) };
};

/** mm/memcontrol-v1.c: "memory: usage 65536kB, limit 65536kB, failcnt 60". */
const MEMCG = /^memory: usage \d+kB, limit (\d+)kB/;
const memcgUsage: Rule = (t) => {
  const m = MEMCG.exec(t);
  return m ? { type: 'memcg_usage', limit_bytes: num(m[1]) * 1024 } : null;
};

/** kernel/hung_task.c: "INFO: task COMM:PID blocked for more than N seconds." */
const HUNG = new RegExp(`^INFO: task ${COMM}:(\\d+) blocked for more than (\\d+) seconds`);
const hungTask: Rule = (t) => {
  const m = HUNG.exec(t);
  return m ? event({ kind: 'hung_task', severity: 'warning', pid: num(m[2]), comm: m[1] ?? '', detail: `blocked>${m[3]}s` }) : null;
};

/** kernel/watchdog.c: "watchdog: BUG: soft lockup - CPU#3 stuck for 22s! [COMM:PID]". */
const LOCKUP = new RegExp(`^(?:watchdog: )?BUG: soft lockup - CPU#(\\d+) stuck for (\\d+)s! \\[${COMM}:(\\d+)\\]`);
const softLockup: Rule = (t) => {
  const m = LOCKUP.exec(t);
  return m ? event({ kind: 'soft_lockup', severity: 'critical', device: `cpu${m[1]}`, comm: m[3] ?? '', pid: num(m[4]), detail: `stuck ${m[2]}s` }) : null;
};

/** arch/x86/mm/fault.c show_signal_msg: "COMM[PID]: segfault at ADDR ip IP sp SP error N in …". */
const SEGV = new RegExp(`^${COMM}\\[(\\d+)\\]: segfault at ([0-9a-f]{1,16}) ip ([0-9a-f]{1,16})`);
const segfault: Rule = (t) => {
  const m = SEGV.exec(t);
  return m ? event({ kind: 'segfault', severity: 'warning', comm: m[1] ?? '', pid: num(m[2]), detail: `at 0x${m[3]} ip 0x${m[4]}` }) : null;
};

/** arch/x86/kernel/traps.c do_trap/GP: "traps: COMM[PID] trap invalid opcode ip:… " or "… general protection fault ip:…". */
const TRAP = new RegExp(`^traps: ${COMM}\\[(\\d+)\\] (trap [a-z0-9 ]{1,40}?|general protection fault[^:]{0,40}?) ip:([0-9a-f]{1,16})`);
const trap: Rule = (t) => {
  const m = TRAP.exec(t);
  return m ? event({ kind: 'trap', severity: 'warning', comm: m[1] ?? '', pid: num(m[2]), detail: `${m[3]} ip 0x${m[4]}` }) : null;
};

export const PROCESS_RULES: readonly Rule[] = [oomKill, oomContext, memcgUsage, hungTask, softLockup, segfault, trap];
