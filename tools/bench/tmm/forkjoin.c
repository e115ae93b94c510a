/*
 * Fork-join tree, tmm (model from TMM_MODEL, kernel threads from
 * TMM_KTHREADS under M:N): fib(n), a thread spawned for fib(n-1) at every call.
 */
#include "runtime.h"

static long fib(long n);

static void *fib_thread(void *arg)
{
	return (void *)(intptr_t)fib((long)(intptr_t)arg);
}

static long fib(long n)
{
	tmm_thread_t *child;
	long right;

	if (n < 2)
		return n;
	child = bench_tmm_spawn(fib_thread, (void *)(intptr_t)(n - 1));
	right = fib(n - 2);
	return (long)(intptr_t)bench_tmm_join(child) + right;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 20);
	uint64_t t0;
	long got;

	bench_tmm_start();
	t0 = bench_now_ns();
	got = fib(n);
	if (got != bench_fib_expected(n))
		bench_die("fib(%ld) = %ld, expected %ld", n, got, bench_fib_expected(n));
	bench_report("forkjoin", (double)(bench_now_ns() - t0) / 1e6, "ms", "lower");
	bench_tmm_stop();
	return 0;
}
