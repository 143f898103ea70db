// Global setup of the integration project: the workload tools (stress-ng, fio, chromium) are
// there for every way the tests start, `npm test` or `npx vitest run <file>`; and dist/ is
// rebuilt from the sources under test before any test spawns bin/runlens (the launcher would
// rebuild a stale dist itself; building once here keeps that out of the tests' timings).
import { buildDist } from '../bin/build.mjs';
import { ensureTools } from './ensure-tools.mjs';

export default async function setup() {
  ensureTools();
  await buildDist();
}
