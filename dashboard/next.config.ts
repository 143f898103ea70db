import type { NextConfig } from 'next';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The lockfile sits in the repository root (npm workspaces), one folder up.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const config: NextConfig = {
  turbopack: { root },
  outputFileTracingRoot: root,
  poweredByHeader: false,
  // forbidden() answers 403 on another user's run.
  experimental: { authInterrupts: true },
};

export default config;
