export { serveApi } from './http-api.ts';
export { buildDashboard, dashboardBuildStale, DASHBOARD_DIR, type DashboardHandle } from './dashboard-host.ts';
export { UserAdminError, addUser, listUsers, removeUser, setRole } from './user-admin.ts';
