// Workload generator: `leak` grows RSS by RATE_MB per second and never frees; `sawtooth`
// grows at the same rate for PERIOD_S, then frees everything; `ramp-hold` grows at RATE_MB
// per second for PERIOD_S, then holds what it has (a working set reached as a ramp);
// `step-hold` adds RATE_MB at once every 2 s for PERIOD_S, then holds (a working set reached
// in steps, e.g. loading shards). Runs DURATION_S seconds.
// Run with --expose-gc so sawtooth's free returns memory to the OS promptly.
const [mode = 'leak', rateMb = '20', durationS = '15', periodS = '4'] = process.argv.slice(2);
const stepMs = 100;
const stepBytes = (Number(rateMb) * 1024 * 1024 * stepMs) / 1000;
const touched = (bytes) => Buffer.allocUnsafe(bytes).fill(7); // fill: touch every page so RSS grows
let held = [];
let sinceFree = 0;
let elapsedMs = 0;
const growing = () => elapsedMs < Number(periodS) * 1000;
const end = Date.now() + Number(durationS) * 1000;
const timer = setInterval(() => {
  if (Date.now() >= end) {
    clearInterval(timer);
    return;
  }
  elapsedMs += stepMs;
  if (mode === 'step-hold') {
    if (growing() && elapsedMs % 2000 === 0) held.push(touched(Number(rateMb) * 1024 * 1024));
    return;
  }
  if (mode === 'ramp-hold' && !growing()) return;
  held.push(touched(stepBytes));
  sinceFree += stepMs;
  if (mode === 'sawtooth' && sinceFree >= Number(periodS) * 1000) {
    held = [];
    sinceFree = 0;
    globalThis.gc?.();
  }
}, stepMs);
