// Yield ping-pong, Boost.Fiber (default round-robin scheduler, one thread).
#include <boost/fiber/all.hpp>

#include "bench.h"

int main(int argc, char **argv)
{
	long rounds = bench_arg(argc, argv, 1, 1000000);
	auto yielder = [rounds] {
		for (long i = 0; i < rounds; i++)
			boost::this_fiber::yield();
	};
	uint64_t t0 = bench_now_ns();
	boost::fibers::fiber a(yielder), b(yielder);

	a.join();
	b.join();
	bench_report("yield", (double)(bench_now_ns() - t0) / (2.0 * rounds), "ns", "lower");
	return 0;
}
