/*
 * mpiwork: a small MPI workload with tunable imbalance, for RunLens's tests and demos.
 *   mpiwork SECONDS [W0,W1,...]
 * Each iteration every rank computes a busy loop whose length is its weight (rank r takes
 * W[r % count], default 1) times a base unit, then all ranks meet in MPI_Allreduce and
 * MPI_Barrier. Light ranks wait there for the heavy ones: in Open MPI's default they spin.
 * Runs until rank 0 has seen SECONDS pass; prints iterations and time from rank 0.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WEIGHTS 256
#define BASE_STEPS 2000000L

static int parse_weights(const char *s, double *w) {
  int n = 0;
  while (s && *s && n < MAX_WEIGHTS) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0) return -1;
    w[n++] = v;
    s = *end == ',' ? end + 1 : end;
    if (*end && *end != ',') return -1;
  }
  return n;
}

static double compute(long steps, double seed) {
  volatile double x = seed;
  for (long i = 0; i < steps; i++) x = x * 1.0000001 + 1e-9;
  return x;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  double seconds = argc > 1 ? atof(argv[1]) : 10;
  double w[MAX_WEIGHTS] = {1};
  int nw = argc > 2 ? parse_weights(argv[2], w) : 1;
  if (seconds <= 0 || nw <= 0) {
    if (rank == 0) fprintf(stderr, "usage: mpiwork SECONDS [W0,W1,...]\n");
    MPI_Finalize();
    return 2;
  }
  long steps = (long)(w[rank % nw] * BASE_STEPS);
  double t0 = MPI_Wtime(), acc = 0;
  long iterations = 0;
  for (;;) {
    double in[2] = {compute(steps, acc + rank), rank == 0 && MPI_Wtime() - t0 >= seconds ? 1 : 0}, out[2];
    MPI_Allreduce(in, out, 2, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    MPI_Barrier(MPI_COMM_WORLD);
    acc = out[0] * 1e-12;
    iterations++;
    if (out[1] > 0) break;
  }
  if (rank == 0) printf("mpiwork: %d ranks, %ld iterations in %.1f s\n", size, iterations, MPI_Wtime() - t0);
  MPI_Finalize();
  return 0;
}
