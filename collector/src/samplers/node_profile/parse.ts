/** Pure parsers for host capability sources. They never throw. */

export interface CpuTopology {
  readonly cpu_model: string;
  readonly logical_cpus: number;
  readonly physical_cores: number;
  readonly sockets: number;
}

function blocks(text: string): Map<string, string>[] {
  return text.split(/\n\s*\n/).map((b) => {
    const m = new Map<string, string>();
    for (const line of b.split('\n')) {
      const i = line.indexOf(':');
      if (i > 0) m.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
    }
    return m;
  }).filter((m) => m.has('processor'));
}

/**
 * /proc/cpuinfo: physical cores are unique (physical id, core id) pairs. arm64 and some
 * VMs print neither; then every logical CPU counts as a core on one socket.
 */
export function parseCpuinfo(text: string): CpuTopology {
  const procs = blocks(text);
  const model = procs.map((p) => p.get('model name') ?? p.get('Model') ?? p.get('cpu model')).find((x) => x) ?? 'unknown';
  const cores = new Set<string>();
  const sockets = new Set<string>();
  for (const p of procs) {
    const phys = p.get('physical id');
    const core = p.get('core id');
    if (phys === undefined || core === undefined) continue;
    cores.add(`${phys}/${core}`);
    sockets.add(phys);
  }
  return {
    cpu_model: model, logical_cpus: procs.length,
    physical_cores: cores.size > 0 ? cores.size : procs.length,
    sockets: sockets.size > 0 ? sockets.size : 1,
  };
}

/** Logical CPUs from /proc/stat `cpuN` lines (online CPUs). */
export function countStatCpus(text: string): number {
  return text.split('\n').filter((l) => /^cpu\d+\s/.test(l)).length;
}

/** MemTotal in bytes, or null. */
export function parseMemTotal(text: string): number | null {
  const m = /^MemTotal:\s+(\d+)\s+kB/m.exec(text);
  return m?.[1] === undefined ? null : Number(m[1]) * 1024;
}

export interface GpuInventory {
  readonly models: string[];
  /** Memory of one GPU (the largest), bytes. */
  readonly mem_total_bytes: number | null;
}

/** `nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits` (MiB). */
export function parseGpuInventory(text: string): GpuInventory {
  const models: string[] = [];
  let mem: number | null = null;
  for (const line of text.split('\n')) {
    const parts = line.split(',').map((s) => s.trim());
    const name = parts[0];
    if (parts.length !== 2 || !name) continue;
    models.push(name);
    const mib = parts[1] !== undefined && /^\d+$/.test(parts[1]) ? Number(parts[1]) : null;
    if (mib !== null) mem = Math.max(mem ?? 0, mib * 1024 * 1024);
  }
  return { models, mem_total_bytes: mem };
}
