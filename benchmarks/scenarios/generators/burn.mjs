// Workload generator: a fixed amount of single-threaded compute (ITERATIONS million square
// roots), so that wall time measures how much CPU the process was given.
const millions = Number(process.argv[2] ?? '300');
let x = 0;
for (let i = 0; i < millions * 1e6; i++) x += Math.sqrt(i);
if (x < 0) console.log(x);
