// Workload generator: `leak` grows RSS by RATE_MB per second and never frees; `sawtooth`
// grows at the same rate for PERIOD_S, then frees everything. Runs DURATION_S seconds.
// Run with --expose-gc so sawtooth's free returns memory to the OS promptly.
const [mode = 'leak', rateMb = '20', durationS = '15', periodS = '4'] = process.argv.slice(2);
const stepMs = 100;
const stepBytes = (Number(rateMb) * 1024 * 1024 * stepMs) / 1000;
let held = [];
let sinceFree = 0;
const end = Date.now() + Number(durationS) * 1000;
const timer = setInterval(() => {
  if (Date.now() >= end) {
    clearInterval(timer);
    return;
  }
  held.push(Buffer.allocUnsafe(stepBytes).fill(7)); // fill: touch every page so RSS grows
  sinceFree += stepMs;
  if (mode === 'sawtooth' && sinceFree >= Number(periodS) * 1000) {
    held = [];
    sinceFree = 0;
    globalThis.gc?.();
  }
}, stepMs);
