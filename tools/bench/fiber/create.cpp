// Create+join of an empty fiber, Boost.Fiber (default stack and scheduler).
#include <boost/fiber/all.hpp>

#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 100000);
	uint64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		boost::fibers::fiber f([] {});
		f.join();
	}
	bench_report("create_join", (double)(bench_now_ns() - t0) / n, "ns", "lower");
	return 0;
}
