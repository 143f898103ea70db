/*
 * RunLens PMPI interposition library (the mpiP / IPM approach): wraps MPI_Init/Finalize and
 * the common blocking and collective calls, and accumulates the wall time each rank spends
 * inside MPI, and the CPU time spent there. Open MPI's waiting ranks spin, so /proc shows them
 * as busy as computing ranks; the time inside MPI tells them apart, and CPU time outside MPI is
 * the rank's own compute, whatever share of a core the scheduler gave it.
 *
 * Reporting: a thread rewrites $RUNLENS_MPI_DIR/<pid> once a second, and once more at
 * MPI_Finalize, with one line:
 *   runlens_mpi 1 rank=R size=N start_ticks=T mpi_s=S mpi_cpu_s=M cpu_s=P wall_s=W calls=C final=F
 * (T: the process start time, /proc/self/stat field 22, so a reused pid is told apart; then
 * seconds since MPI_Init returned: wall and CPU inside MPI, process CPU, wall; calls; 1 at
 * MPI_Finalize), written to a temporary name and renamed, so a reader never sees half a line.
 * Each wrapped call costs two monotonic-clock and two thread-CPU-clock reads (~1 us). Without
 * RUNLENS_MPI_DIR the library only counts. It is built without linking libmpi, so preloading
 * it into processes that are not MPI programs (mpirun, sh) costs nothing: the PMPI_* symbols
 * are bound lazily (-z lazy), when a wrapper runs, and wrappers only run in MPI programs.
 */
#define _GNU_SOURCE
#include <mpi.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef OMPI_MAJOR_VERSION
/* Open MPI's MPI_COMM_WORLD is the address of a libmpi variable; a weak reference keeps this
   library loadable in processes without libmpi (data references are bound at load time). */
#pragma weak ompi_mpi_comm_world
#endif

static uint64_t mpi_ns;      /* closed calls: total wall ns inside MPI */
static uint64_t mpi_cpu_ns;  /* closed calls: CPU ns inside MPI (spinning while waiting) */
static uint64_t open_calls;  /* calls in progress (several threads may be inside MPI) */
static uint64_t open_sum_ns; /* sum of the start times of calls in progress */
static uint64_t main_open_cpu_ns; /* CPU clock of the main thread when its open call began; 0 if none */
static uint64_t calls;
static uint64_t init_ns, init_cpu_ns;
static int my_rank = -1, world_size = 0;
static unsigned long long start_ticks; /* /proc/self/stat field 22: with the pid, this process's identity */
static pthread_t main_thread;
static clockid_t main_clock;
static int have_main_clock;
static __thread int depth; /* MPI calls made from inside a wrapped call are not counted twice */

static pthread_t reporter;
static int reporter_running;
static pthread_mutex_t stop_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cv = PTHREAD_COND_INITIALIZER;
static int stopping;

static uint64_t clock_ns(clockid_t c) {
  struct timespec t;
  if (clock_gettime(c, &t) != 0) return 0;
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static uint64_t now_ns(void) { return clock_ns(CLOCK_MONOTONIC); }

struct call { uint64_t wall, cpu; };

static struct call enter(void) {
  struct call c = {0, 0};
  if (depth++ > 0) return c;
  c.wall = now_ns();
  c.cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID);
  if (have_main_clock && pthread_equal(pthread_self(), main_thread)) __atomic_store_n(&main_open_cpu_ns, c.cpu, __ATOMIC_RELAXED);
  __atomic_add_fetch(&open_sum_ns, c.wall, __ATOMIC_RELAXED);
  __atomic_add_fetch(&open_calls, 1, __ATOMIC_RELAXED);
  return c;
}

static void leave(struct call c) {
  if (--depth > 0 || c.wall == 0) return;
  __atomic_add_fetch(&mpi_cpu_ns, clock_ns(CLOCK_THREAD_CPUTIME_ID) - c.cpu, __ATOMIC_RELAXED);
  if (have_main_clock && pthread_equal(pthread_self(), main_thread)) __atomic_store_n(&main_open_cpu_ns, 0, __ATOMIC_RELAXED);
  __atomic_add_fetch(&mpi_ns, now_ns() - c.wall, __ATOMIC_RELAXED);
  __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
  __atomic_sub_fetch(&open_calls, 1, __ATOMIC_RELAXED);
  __atomic_sub_fetch(&open_sum_ns, c.wall, __ATOMIC_RELAXED);
}

#define TIMED(expr) do { struct call c_ = enter(); int rc_ = (expr); leave(c_); return rc_; } while (0)

static void write_report(int final) {
  const char *dir = getenv("RUNLENS_MPI_DIR");
  if (!dir || !*dir || my_rank < 0) return;
  uint64_t now = now_ns();
  /* Time of calls still in progress counts up to now: a rank stuck in a barrier is waiting. */
  uint64_t open_n = __atomic_load_n(&open_calls, __ATOMIC_RELAXED);
  uint64_t open_s = __atomic_load_n(&open_sum_ns, __ATOMIC_RELAXED);
  uint64_t inside = __atomic_load_n(&mpi_ns, __ATOMIC_RELAXED) + (open_n * now > open_s ? open_n * now - open_s : 0);
  uint64_t inside_cpu = __atomic_load_n(&mpi_cpu_ns, __ATOMIC_RELAXED);
  uint64_t open_cpu = __atomic_load_n(&main_open_cpu_ns, __ATOMIC_RELAXED);
  uint64_t main_cpu = have_main_clock ? clock_ns(main_clock) : 0;
  if (open_cpu != 0 && main_cpu > open_cpu) inside_cpu += main_cpu - open_cpu;
  uint64_t cpu = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
  char path[4096], tmp[4200], line[320];
  int n = snprintf(line, sizeof line,
                   "runlens_mpi 1 rank=%d size=%d start_ticks=%llu mpi_s=%.6f mpi_cpu_s=%.6f cpu_s=%.6f wall_s=%.6f calls=%llu final=%d\n",
                   my_rank, world_size, start_ticks, inside / 1e9, inside_cpu / 1e9, (cpu > init_cpu_ns ? cpu - init_cpu_ns : 0) / 1e9,
                   (now - init_ns) / 1e9, (unsigned long long)__atomic_load_n(&calls, __ATOMIC_RELAXED), final);
  if (snprintf(path, sizeof path, "%s/%d", dir, (int)getpid()) >= (int)sizeof path) return;
  snprintf(tmp, sizeof tmp, "%s/.%d.tmp", dir, (int)getpid());
  FILE *f = fopen(tmp, "w");
  if (!f) return;
  int ok = fwrite(line, 1, (size_t)n, f) == (size_t)n;
  if (fclose(f) != 0) ok = 0;
  if (ok) rename(tmp, path);
  else unlink(tmp);
}

static void *report_loop(void *arg) {
  (void)arg;
  pthread_mutex_lock(&stop_mu);
  while (!stopping) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 1;
    pthread_cond_timedwait(&stop_cv, &stop_mu, &until);
    if (!stopping) write_report(0);
  }
  pthread_mutex_unlock(&stop_mu);
  return NULL;
}

static unsigned long long read_start_ticks(void) {
  char buf[2048];
  FILE *f = fopen("/proc/self/stat", "r");
  if (!f) return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *p = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
  if (!p) return 0;
  unsigned long long v = 0;
  /* after ") " come fields 3..: state is field 3, starttime field 22 */
  for (int field = 2; p && field < 22; field++) p = strchr(p + 1, ' ');
  if (p) v = strtoull(p + 1, NULL, 10);
  return v;
}

static void started(void) {
  start_ticks = read_start_ticks();
  init_ns = now_ns();
  init_cpu_ns = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
  main_thread = pthread_self();
  have_main_clock = pthread_getcpuclockid(main_thread, &main_clock) == 0;
  PMPI_Comm_rank(MPI_COMM_WORLD, &my_rank);
  PMPI_Comm_size(MPI_COMM_WORLD, &world_size);
  write_report(0);
  reporter_running = pthread_create(&reporter, NULL, report_loop, NULL) == 0;
}

int MPI_Init(int *argc, char ***argv) {
  int rc = PMPI_Init(argc, argv);
  if (rc == MPI_SUCCESS) started();
  return rc;
}

int MPI_Init_thread(int *argc, char ***argv, int required, int *provided) {
  int rc = PMPI_Init_thread(argc, argv, required, provided);
  if (rc == MPI_SUCCESS) started();
  return rc;
}

int MPI_Finalize(void) {
  if (reporter_running) {
    pthread_mutex_lock(&stop_mu);
    stopping = 1;
    pthread_cond_signal(&stop_cv);
    pthread_mutex_unlock(&stop_mu);
    pthread_join(reporter, NULL);
    reporter_running = 0;
  }
  write_report(1);
  return PMPI_Finalize();
}

int MPI_Barrier(MPI_Comm c) { TIMED(PMPI_Barrier(c)); }
int MPI_Allreduce(const void *s, void *r, int n, MPI_Datatype t, MPI_Op o, MPI_Comm c) { TIMED(PMPI_Allreduce(s, r, n, t, o, c)); }
int MPI_Reduce(const void *s, void *r, int n, MPI_Datatype t, MPI_Op o, int root, MPI_Comm c) { TIMED(PMPI_Reduce(s, r, n, t, o, root, c)); }
int MPI_Bcast(void *b, int n, MPI_Datatype t, int root, MPI_Comm c) { TIMED(PMPI_Bcast(b, n, t, root, c)); }
int MPI_Send(const void *b, int n, MPI_Datatype t, int d, int tag, MPI_Comm c) { TIMED(PMPI_Send(b, n, t, d, tag, c)); }
int MPI_Recv(void *b, int n, MPI_Datatype t, int s, int tag, MPI_Comm c, MPI_Status *st) { TIMED(PMPI_Recv(b, n, t, s, tag, c, st)); }
int MPI_Sendrecv(const void *sb, int sn, MPI_Datatype st, int d, int stag, void *rb, int rn, MPI_Datatype rt, int s, int rtag,
                 MPI_Comm c, MPI_Status *status) { TIMED(PMPI_Sendrecv(sb, sn, st, d, stag, rb, rn, rt, s, rtag, c, status)); }
int MPI_Wait(MPI_Request *r, MPI_Status *s) { TIMED(PMPI_Wait(r, s)); }
int MPI_Waitall(int n, MPI_Request r[], MPI_Status s[]) { TIMED(PMPI_Waitall(n, r, s)); }
int MPI_Allgather(const void *s, int sn, MPI_Datatype st, void *r, int rn, MPI_Datatype rt, MPI_Comm c) { TIMED(PMPI_Allgather(s, sn, st, r, rn, rt, c)); }
int MPI_Alltoall(const void *s, int sn, MPI_Datatype st, void *r, int rn, MPI_Datatype rt, MPI_Comm c) { TIMED(PMPI_Alltoall(s, sn, st, r, rn, rt, c)); }
int MPI_Gather(const void *s, int sn, MPI_Datatype st, void *r, int rn, MPI_Datatype rt, int root, MPI_Comm c) { TIMED(PMPI_Gather(s, sn, st, r, rn, rt, root, c)); }
int MPI_Scatter(const void *s, int sn, MPI_Datatype st, void *r, int rn, MPI_Datatype rt, int root, MPI_Comm c) { TIMED(PMPI_Scatter(s, sn, st, r, rn, rt, root, c)); }
