/*
 * Fork-join tree, pthreads: fib(n) with a thread spawned for fib(n-1) at
 * every call.  The number of CPUs comes from the affinity mask the driver
 * sets (taskset), since pthreads have no other knob for it.
 */
#include <pthread.h>

#include "bench.h"

static long fib(long n);

static void *fib_thread(void *arg)
{
	return (void *)(intptr_t)fib((long)(intptr_t)arg);
}

static long fib(long n)
{
	pthread_t child;
	void *left;
	long right;
	int err;

	if (n < 2)
		return n;
	err = pthread_create(&child, NULL, fib_thread, (void *)(intptr_t)(n - 1));
	if (err)
		bench_die("pthread_create: %s", strerror(err));
	right = fib(n - 2);
	pthread_join(child, &left);
	return (long)(intptr_t)left + right;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 20);
	uint64_t t0 = bench_now_ns();
	long got = fib(n);
	double ms = (double)(bench_now_ns() - t0) / 1e6;

	if (got != bench_fib_expected(n))
		bench_die("fib(%ld) = %ld, expected %ld", n, got, bench_fib_expected(n));
	bench_report("forkjoin", ms, "ms", "lower");
	return 0;
}
