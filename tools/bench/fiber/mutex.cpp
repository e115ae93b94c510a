// Mutex handoff, Boost.Fiber: two fibers take one mutex in turn, each
// holding it across a yield so that the other finds it taken and waits.
#include <boost/fiber/all.hpp>
#include <mutex>

#include "bench.h"

int main(int argc, char **argv)
{
	long rounds = bench_arg(argc, argv, 1, 200000);
	boost::fibers::mutex lock;
	long shared = 0;
	auto contender = [&] {
		for (long i = 0; i < rounds; i++) {
			std::lock_guard<boost::fibers::mutex> held(lock);
			shared++;
			boost::this_fiber::yield();
		}
	};
	uint64_t t0 = bench_now_ns();
	boost::fibers::fiber a(contender), b(contender);

	a.join();
	b.join();
	if (shared != 2 * rounds)
		bench_die("lost updates: %ld of %ld", shared, 2 * rounds);
	bench_report("mutex_handoff", (double)(bench_now_ns() - t0) / (2.0 * rounds), "ns",
		     "lower");
	return 0;
}
