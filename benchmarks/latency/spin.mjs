// Workload: a solver stand-in that keeps one core busy FRACTION of every 100 ms for at most
// SECONDS. TAG is only there so process-exporter can name its group from the command line.
const [, , tag = 'lat', fraction = '0.1', seconds = '600'] = process.argv;
const end = Date.now() + Number(seconds) * 1000;
let x = 0;
function slice() {
  const start = Date.now();
  while (Date.now() - start < 100 * Number(fraction)) x += Math.sqrt(x + 1);
  if (Date.now() < end) setTimeout(slice, Math.max(0, 100 - (Date.now() - start)));
}
void tag;
slice();
