import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupEntry } from './parse.ts';

export const V1_CONTROLLERS = ['cpu', 'cpuacct', 'memory', 'blkio'] as const;
export type V1Controller = (typeof V1_CONTROLLERS)[number];

/** Where one cgroup's files live. A v1 process may sit in different paths per controller. */
export type CgroupLocation =
  | { readonly version: 1; readonly path: string; readonly dirs: Partial<Record<V1Controller, string>> }
  | { readonly version: 2; readonly path: string; readonly dir: string };

/** Which hierarchies this host mounts, probed once. */
export interface CgroupLayout {
  readonly root: string;
  /** Directory of the v2 hierarchy: `<root>` on a pure v2 host, `<root>/unified` on a hybrid one. */
  readonly v2Root: string | null;
  readonly v1: boolean;
}

export function probeLayout(sysRoot: string): CgroupLayout | null {
  const root = join(sysRoot, 'fs', 'cgroup');
  let v2Root: string | null = null;
  if (existsSync(join(root, 'cgroup.controllers'))) v2Root = root;
  else if (existsSync(join(root, 'unified', 'cgroup.controllers'))) v2Root = join(root, 'unified');
  const v1 = V1_CONTROLLERS.some((c) => existsSync(join(root, c)));
  return v1 || v2Root !== null ? { root, v2Root, v1 } : null;
}

/** A combined mount (`cpu,cpuacct`) is usually reachable as either name; try them in turn. */
function v1MountDir(root: string, controllers: readonly string[], want: string): string | null {
  for (const name of [want, controllers.join(',')]) {
    const dir = join(root, name);
    if (existsSync(dir)) return dir;
  }
  return null;
}

/**
 * v1 controllers win on a hybrid host: there the unified hierarchy normally holds no
 * controllers. Controllers that share a path become one location, so a process whose
 * memory cgroup differs from its cpu cgroup yields two honest rows, not one mixed one.
 */
export function locate(layout: CgroupLayout, entries: readonly CgroupEntry[]): CgroupLocation[] {
  const byPath = new Map<string, Partial<Record<V1Controller, string>>>();
  if (layout.v1) {
    for (const e of entries) {
      for (const c of V1_CONTROLLERS) {
        if (!e.controllers.includes(c)) continue;
        const mount = v1MountDir(layout.root, e.controllers, c);
        if (mount === null) continue;
        const dirs = byPath.get(e.path) ?? {};
        dirs[c] = join(mount, e.path);
        byPath.set(e.path, dirs);
      }
    }
  }
  if (byPath.size > 0) return [...byPath].map(([path, dirs]) => ({ version: 1, path, dirs }));
  const unified = entries.find((e) => e.id === 0 && e.controllers.length === 0);
  if (!unified || layout.v2Root === null) return [];
  return [{ version: 2, path: unified.path, dir: join(layout.v2Root, unified.path) }];
}
