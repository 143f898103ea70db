import { attr, defineTable, gauge, nullable, ts } from './column.ts';

/**
 * One row per kernel or driver event worth acting on (OOM kill, XID, link flap, ...), parsed
 * from /dev/kmsg or `journalctl -k`. `seq` is the kmsg sequence number (the agent's own
 * counter when read from the journal), so an at-least-once replay collapses on the key.
 */
export const nodeEvents = defineTable({
  name: 'node_events',
  description: 'Kernel and driver events (OOM kills, hung tasks, lockups, crashes, MCE/EDAC, XID, link and file-system events).',
  engine: { kind: 'idempotent_samples' },
  orderBy: ['host', 'ts', 'seq'],
  timeColumn: 'ts',
  ttlDays: 365,
  columns: {
    ts: ts('Wall time of the kernel record (boot time + monotonic stamp).'),
    host: attr('lc', 'Host name.', 'host.name'),
    seq: attr('u32', 'kmsg sequence number (journal fallback: the agent\'s own counter).'),
    kind: attr('lc', 'oom_kill | hung_task | soft_lockup | segfault | trap | mce | edac | gpu_xid | link_down | link_up | fs_not_responding | fs_ok.'),
    severity: attr('lc', 'info | warning | critical.'),
    priority: attr('u8', 'Syslog level of the record, 0 (emerg) to 7 (debug).'),
    pid: nullable(attr('i32', 'Process the event names (OOM victim, crashed or hung task, XID pid).')),
    comm: attr('str', 'Command name of that process; empty when none.'),
    device: attr('lc', 'GPU PCI address, interface, memory controller, CPU or file server; empty when none.'),
    code: nullable(attr('i32', 'Numeric code: the XID number; null for kinds without one.')),
    cgroup: attr('str', 'Memory cgroup of an OOM victim (task_memcg); empty otherwise.'),
    rss_bytes: nullable(gauge('bytes', 'OOM victim\'s anon + file + shmem RSS at the kill.')),
    limit_bytes: nullable(gauge('bytes', 'Memory cgroup limit at a cgroup OOM kill.')),
    detail: attr('str', 'Short parsed detail (fault address, lockup seconds, XID text, bridge).'),
    raw: attr('str', 'The kernel message text as logged (capped in length).'),
  },
});
