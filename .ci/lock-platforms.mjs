// The registry this project installs from lacks some optional per-platform binaries (chDB's
// and Next's builds for macOS, Windows, linux-arm64), so `npm install` leaves them out of
// package-lock.json and `npm ci` then refuses the lock as out of sync. This adds lock entries
// for them, marked optional with their os/cpu, so npm ci skips them on other platforms
// without fetching anything. Run after changing dependencies: node .ci/lock-platforms.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = 'package-lock.json';
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const PLATFORM = /-(darwin|linux|win32)-(arm64|x64)(?:-(gnu|musl|msvc))?$/;
let added = 0;
for (const entry of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const m = PLATFORM.exec(name);
    if (lock.packages[key] || !m) continue;
    const [, os, cpu, libc] = m;
    lock.packages[key] = {
      version, optional: true, os: [os], cpu: [cpu], ...(libc === 'gnu' ? { libc: ['glibc'] } : libc === 'musl' ? { libc: ['musl'] } : {}),
      license: entry.license ?? 'UNKNOWN',
    };
    added++;
  }
}
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.error(`lock-platforms: ${added} optional platform entries added`);
