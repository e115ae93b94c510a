/*
 * Blocking interference, pthreads: CPU-bound threads count units of work
 * in windows, alone and (alternating) while other threads sit in a raw
 * blocking read() on a pipe that is written only after each window.
 */
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>

#include "bench.h"

static uint64_t deadline;
static int pipe_fds[2];

static void *cpu_worker(void *arg)
{
	long *done = arg;
	uint64_t x = (uint64_t)(uintptr_t)arg;

	while (bench_now_ns() < deadline) {
		x = bench_burn(x);
		(*done)++;
		sched_yield();
	}
	return (void *)(uintptr_t)(x & 1);
}

static void *blocker(void *arg)
{
	char c;

	/* The raw system call, whatever a library may wrap read() with. */
	if (syscall(SYS_read, pipe_fds[0], &c, 1) != 1)
		bench_die("read: %s", strerror(errno));
	return arg;
}

static double phase(int ncpu, int nblocked, uint64_t window_ns)
{
	pthread_t cpu[64], blocked[64];
	long done[64] = {0}, total = 0;
	pid_t releaser;

	deadline = bench_now_ns() + window_ns;
	releaser = bench_release_at(pipe_fds[1], deadline + window_ns / 10, nblocked);
	for (int i = 0; i < nblocked; i++)
		if (pthread_create(&blocked[i], NULL, blocker, NULL))
			bench_die("pthread_create failed");
	for (int i = 0; i < ncpu; i++)
		if (pthread_create(&cpu[i], NULL, cpu_worker, &done[i]))
			bench_die("pthread_create failed");
	for (int i = 0; i < ncpu; i++) {
		pthread_join(cpu[i], NULL);
		total += done[i];
	}
	for (int i = 0; i < nblocked; i++)
		pthread_join(blocked[i], NULL);
	bench_reap(releaser);
	return (double)total / ((double)window_ns / 1e9);
}

int main(int argc, char **argv)
{
	int ncpu = (int)bench_arg(argc, argv, 1, 2);
	int nblocked = (int)bench_arg(argc, argv, 2, 2);
	uint64_t window_ns = (uint64_t)bench_arg(argc, argv, 3, 300) * 1000000u;
	long pairs = bench_arg(argc, argv, 4, 3);
	double alone = 0, beside = 0;

	if (ncpu > 64 || nblocked > 64)
		bench_die("at most 64 threads of each kind");
	if (pipe(pipe_fds))
		bench_die("pipe: %s", strerror(errno));
	/* Alternating windows, so that the load of the machine falls on both. */
	for (long i = 0; i < pairs; i++) {
		alone += phase(ncpu, 0, window_ns) / pairs;
		beside += phase(ncpu, nblocked, window_ns) / pairs;
	}
	bench_report("work_alone", alone, "units/s", "higher");
	bench_report("work_beside_blocked", beside, "units/s", "higher");
	bench_report("retained", 100.0 * beside / alone, "%", "higher");
	return 0;
}
