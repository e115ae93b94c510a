// Fork-join tree, Boost.Fiber on its work-stealing scheduler over K kernel
// threads: fib(n), a fiber spawned for fib(n-1) at every call.
#include "pool.hpp"

#include "bench.h"

static long fib(long n)
{
	if (n < 2)
		return n;
	long left = 0;
	boost::fibers::fiber child([&left, n] { left = fib(n - 1); });
	long right = fib(n - 2);

	child.join();
	return left + right;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 20);
	unsigned int kthreads = (unsigned int)bench_arg(argc, argv, 2, 1);
	stealing_pool pool(kthreads);
	uint64_t t0 = bench_now_ns();
	long got = fib(n);
	double ms = (double)(bench_now_ns() - t0) / 1e6;

	if (got != bench_fib_expected(n))
		bench_die("fib(%ld) = %ld, expected %ld", n, got, bench_fib_expected(n));
	bench_report("forkjoin", ms, "ms", "lower");
	return 0;
}
