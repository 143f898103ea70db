// Workload generator: keeps one core busy FRACTION of every 100 ms for DURATION_S seconds
// (a rank doing a fixed share of work, then waiting).
const fraction = Number(process.argv[2] ?? '0.5');
const durationS = Number(process.argv[3] ?? '20');
const end = Date.now() + durationS * 1000;
let x = 0;
function slice() {
  const start = Date.now();
  while (Date.now() - start < 100 * fraction) x += Math.sqrt(x + 1);
  if (Date.now() < end) setTimeout(slice, Math.max(0, 100 - (Date.now() - start)));
}
slice();
