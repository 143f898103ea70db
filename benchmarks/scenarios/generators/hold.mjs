// Workload generator: allocates SIZE_MB of touched memory within a second, then holds it for
// SECONDS (a working set sitting near its memory limit).
const sizeMb = Number(process.argv[2] ?? '200');
const seconds = Number(process.argv[3] ?? '15');
const held = [];
for (let i = 0; i < sizeMb / 8; i++) held.push(Buffer.allocUnsafe(8 * 1024 * 1024).fill(i % 256));
setTimeout(() => held.length, seconds * 1000);
