// Workload generator: a metadata storm. Creates, stats, renames and unlinks small files in a
// loop for DURATION_S seconds: many file-system operations, almost no bytes.
import { mkdtempSync, openSync, closeSync, writeSync, statSync, renameSync, unlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const durationS = Number(process.argv[2] ?? '15');
const dir = mkdtempSync(join(process.argv[3] ?? '/tmp', 'rl-meta-'));
const end = Date.now() + durationS * 1000;
let i = 0;
while (Date.now() < end) {
  const a = join(dir, `f${i % 512}`);
  const fd = openSync(a, 'w');
  writeSync(fd, 'x');
  closeSync(fd);
  statSync(a);
  renameSync(a, `${a}.r`);
  unlinkSync(`${a}.r`);
  i++;
}
rmSync(dir, { recursive: true, force: true });
