/*
 * The machine's own parallel speedup, as a reference for the fork-join
 * workload: twelve plain, thread-free computations of fib(n + 4) shared out
 * among k pthreads (k dividing 12), so that the run on one thread lasts
 * about as long as a fork-join tree of fib(n).  No thread is created after
 * the k start, nothing is shared and nothing waits: the time on two threads
 * over the time on one is all that two CPUs give this kind of work right
 * now, which on a virtual machine whose CPUs share a core with each other or
 * with other guests can be far from 2.
 *
 *   compute-forkjoin N K
 */
#include <pthread.h>

#include "bench.h"

#define UNITS 12

static long depth;
static long units_each;

/* Recursive on purpose: the same kind of work as the tree, with no threads. */
static long plain_fib(long n)
{
	return n < 2 ? n : plain_fib(n - 1) + plain_fib(n - 2);
}

static void *compute(void *arg)
{
	long sum = 0;

	for (long i = 0; i < units_each; i++)
		sum += plain_fib(depth);
	*(long *)arg = sum;
	return NULL;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 20);
	long k = bench_arg(argc, argv, 2, 1);
	pthread_t threads[UNITS];
	long sums[UNITS];
	uint64_t t0;
	int err;

	if (UNITS % k)
		bench_die("%ld threads cannot share %d units evenly", k, UNITS);
	depth = n + 4;
	units_each = UNITS / k;
	t0 = bench_now_ns();
	for (long i = 0; i < k; i++) {
		err = pthread_create(&threads[i], NULL, compute, &sums[i]);
		if (err)
			bench_die("pthread_create: %s", strerror(err));
	}
	for (long i = 0; i < k; i++) {
		pthread_join(threads[i], NULL);
		if (sums[i] != units_each * bench_fib_expected(depth))
			bench_die("fib(%ld) summed to %ld, expected %ld", depth, sums[i],
				  units_each * bench_fib_expected(depth));
	}
	bench_report("forkjoin", (double)(bench_now_ns() - t0) / 1e6, "ms", "lower");
	return 0;
}
