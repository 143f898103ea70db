import type { Row } from '@runlens/schemas';
import { PROCESS_RULES } from './classify.ts';
import type { Classified } from './classify.ts';
import { HARDWARE_RULES } from './classify-hw.ts';
import type { KernelRecord } from './record.ts';

const RULES = [...PROCESS_RULES, ...HARDWARE_RULES];
/** A memcg OOM report spans ~60 records (stats dump, task list) before the kill line. */
const CONTEXT_RECORDS = 200;

export function classify(text: string): Classified | null {
  for (const rule of RULES) {
    const c = rule(text);
    if (c) return c;
  }
  return null;
}

/**
 * Kernel records in, `node_events` rows out. Holds only the OOM report's context (the memcg
 * limit and the victim's cgroup), one slot each, forgotten after CONTEXT_RECORDS records.
 * Never throws: a record that matches nothing gives null.
 */
export class KernelEventParser {
  private limit: { bytes: number; seq: number } | null = null;
  private victim: { pid: number; cgroup: string; seq: number } | null = null;

  constructor(private readonly host: string, private readonly bootMs: number, private readonly maxRawChars = 1024) {}

  push(rec: KernelRecord): Row<'node_events'> | null {
    const text = rec.text.slice(0, this.maxRawChars);
    const c = classify(text);
    if (!c) return null;
    if (c.type === 'memcg_usage') {
      this.limit = { bytes: c.limit_bytes, seq: rec.seq };
      return null;
    }
    if (c.type === 'oom_context') {
      this.victim = { pid: c.pid, cgroup: c.cgroup, seq: rec.seq };
      return null;
    }
    const f = c.fields;
    const row: Row<'node_events'> = {
      ts: Math.round(this.bootMs + rec.usec / 1000), host: this.host, seq: rec.seq, kind: f.kind, severity: f.severity,
      priority: rec.level, pid: f.pid ?? null, comm: f.comm ?? '', device: f.device ?? '', code: f.code ?? null,
      cgroup: '', rss_bytes: f.rss_bytes ?? null, limit_bytes: null, detail: f.detail ?? '', raw: text,
    };
    return f.kind === 'oom_kill' ? this.withOomContext(row, rec.seq) : row;
  }

  private withOomContext(row: Row<'node_events'>, seq: number): Row<'node_events'> {
    const fresh = (at: number): boolean => seq >= at && seq - at <= CONTEXT_RECORDS;
    if (this.victim && this.victim.pid === row.pid && fresh(this.victim.seq)) row.cgroup = this.victim.cgroup;
    if (this.limit && row.detail === 'memcg' && fresh(this.limit.seq)) row.limit_bytes = this.limit.bytes;
    this.victim = null;
    this.limit = null;
    return row;
  }
}
