export { serveApi } from './http-api.ts';
export { buildDashboard, dashboardBuildStale, DASHBOARD_DIR } from './dashboard-host.ts';
