import type { HostEvent, HostView } from '../window/run-window.ts';

/** Past the run's last sample: the kill or crash that ended it comes after the last tick. */
export const END_GRACE_MS = 10_000;

/** Events of these kinds that name one of the run's processes (node_events attributed by pid or memory cgroup). */
export function ownedEvents(h: HostView, kinds: readonly string[]): HostEvent[] {
  return (h.events ?? []).filter((e) => e.owned_by !== null && kinds.includes(e.kind));
}

/** Events of these kinds on the host while the run was live on it. */
export function liveEvents(h: HostView, kinds: readonly string[]): HostEvent[] {
  const live = h.live;
  if (!live) return [];
  return (h.events ?? []).filter((e) => kinds.includes(e.kind) && e.ts >= live.start && e.ts <= live.end + END_GRACE_MS);
}

export function mib(bytes: number | null): string {
  return bytes === null ? 'unknown' : `${Math.round(bytes / 2 ** 20)} MiB`;
}
