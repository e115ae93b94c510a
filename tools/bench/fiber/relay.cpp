// Mutex relay, Boost.Fiber: two fibers hand three mutexes of a ring to each
// other, each taking the next and letting go of the one it held, so that
// every step is a handoff from the other fiber (tools/bench/tmm/relay.c).
#include <boost/fiber/all.hpp>

#include "bench.h"

int main(int argc, char **argv)
{
	long steps = bench_arg(argc, argv, 1, 100000);
	boost::fibers::mutex ring[3];
	int ready = 0;
	long done[2] = {0, 0};
	auto relayer = [&](int me) {
		int held = me;

		ring[held].lock();
		ready++;
		while (ready < 2)
			boost::this_fiber::yield();
		for (long i = 0; i < steps; i++) {
			int next = (held + 1) % 3;

			ring[next].lock();
			ring[held].unlock();
			held = next;
			done[me]++;
		}
		ring[held].unlock();
	};
	uint64_t t0 = bench_now_ns();
	boost::fibers::fiber a(relayer, 0), b(relayer, 1);

	a.join();
	b.join();
	if (done[0] + done[1] != 2 * steps)
		bench_die("lost steps: %ld of %ld", done[0] + done[1], 2 * steps);
	bench_report("mutex_relay", (double)(bench_now_ns() - t0) / (2.0 * steps), "ns", "lower");
	return 0;
}
