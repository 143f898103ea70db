import { attr, counter, defineTable, nullable, rate, ts } from './column.ts';

/**
 * One row per MPI rank per tick, from the PMPI interposition library that `runlens run --mpi`
 * preloads (collector/src/samplers/mpi). Time inside MPI is what tells waiting ranks from
 * computing ones: Open MPI's waiting ranks spin, so /proc shows both busy.
 */
export const mpiSamples = defineTable({
  name: 'mpi_samples',
  description: 'Per-rank wall and CPU time inside MPI calls, from the RunLens PMPI library (mpiP / IPM approach).',
  engine: { kind: 'idempotent_samples' },
  orderBy: ['host', 'run_id', 'rank', 'pid', 'ts'],
  timeColumn: 'ts',
  ttlDays: 90,
  columns: {
    ts: ts('Tick time.'),
    host: attr('lc', 'Host name.', 'host.name'),
    run_id: attr('str', 'Run the rank belongs to.'),
    rank: attr('i32', 'Rank in MPI_COMM_WORLD.'),
    size: attr('i32', 'Size of MPI_COMM_WORLD.'),
    pid: attr('i32', 'Process id of the rank.', 'process.pid'),
    wall_s: counter('s', 'Wall time since MPI_Init returned, as the rank last reported it.'),
    mpi_s: counter('s', 'Wall time inside wrapped MPI calls since MPI_Init (calls in progress included).'),
    mpi_cpu_s: counter('s', 'CPU time inside wrapped MPI calls (a waiting rank that spins burns it).'),
    cpu_s: counter('s', 'Process CPU time since MPI_Init.'),
    calls: counter('count', 'Wrapped MPI calls completed.'),
    mpi_share: nullable(rate('ratio', 'Share of wall time inside MPI since the previous report; null on the first.')),
    final: attr('u8', '1 once the rank reported from MPI_Finalize.'),
  },
});
