/* Fork-join tree, GNU Pth: fib(n), a thread spawned for fib(n-1) at every call. */
#include <pth.h>

#include "bench.h"

static long fib(long n);

static void *fib_thread(void *arg)
{
	return (void *)(intptr_t)fib((long)(intptr_t)arg);
}

static long fib(long n)
{
	pth_t child;
	void *left;
	long right;

	if (n < 2)
		return n;
	child = pth_spawn(PTH_ATTR_DEFAULT, fib_thread, (void *)(intptr_t)(n - 1));
	if (!child)
		bench_die("pth_spawn: %s", strerror(errno));
	right = fib(n - 2);
	pth_join(child, &left);
	return (long)(intptr_t)left + right;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 20);
	uint64_t t0;
	long got;

	pth_init();
	t0 = bench_now_ns();
	got = fib(n);
	if (got != bench_fib_expected(n))
		bench_die("fib(%ld) = %ld, expected %ld", n, got, bench_fib_expected(n));
	bench_report("forkjoin", (double)(bench_now_ns() - t0) / 1e6, "ms", "lower");
	pth_kill();
	return 0;
}
