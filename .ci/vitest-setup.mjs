// Global setup of the integration project: the workload tools (stress-ng, fio, chromium) are
// there for every way the tests start, `npm test` or `npx vitest run <file>`.
import { ensureTools } from './ensure-tools.mjs';

export default function setup() {
  ensureTools();
}
