import { DASHBOARD_CONTEXT_KEY, type DashboardContext } from '@runlens/schemas';

/** The context the host process published (see `DashboardContext` in schemas). */
export function dashboardContext(): DashboardContext {
  const ctx = (globalThis as Record<string, unknown>)[DASHBOARD_CONTEXT_KEY] as DashboardContext | undefined;
  if (!ctx) throw new Error('the dashboard runs inside `runlens up` or `runlens dashboard`, which provide its store');
  return ctx;
}
