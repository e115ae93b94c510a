// Condition-variable ping-pong, Boost.Fiber: a turn passed back and forth.
#include <boost/fiber/all.hpp>
#include <mutex>

#include "bench.h"

int main(int argc, char **argv)
{
	long rounds = bench_arg(argc, argv, 1, 100000);
	boost::fibers::mutex lock;
	boost::fibers::condition_variable changed;
	int turn = 0;
	auto player = [&](int me) {
		for (long i = 0; i < rounds; i++) {
			std::unique_lock<boost::fibers::mutex> lk(lock);
			changed.wait(lk, [&] { return turn == me; });
			turn = !me;
			changed.notify_one();
		}
	};
	uint64_t t0 = bench_now_ns();
	boost::fibers::fiber a(player, 0), b(player, 1);

	a.join();
	b.join();
	bench_report("cond_pingpong", (double)(bench_now_ns() - t0) / (2.0 * rounds), "ns",
		     "lower");
	return 0;
}
