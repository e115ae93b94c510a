// Live threads, Boost.Fiber: N fibers created and left sleeping on one event
// (a flag under a fiber mutex and condition variable); reports the time to
// have them all asleep and the memory each costs, then wakes and joins them.
#include <boost/fiber/all.hpp>
#include <mutex>
#include <vector>

#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 100000);
	boost::fibers::mutex lock;
	boost::fibers::condition_variable event, all_asleep;
	long asleep = 0;
	bool event_set = false;
	std::vector<boost::fibers::fiber> fibers;
	fibers.reserve((size_t)n);
	long rss0 = bench_maxrss_kb();
	uint64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		try {
			fibers.emplace_back([&] {
				std::unique_lock<boost::fibers::mutex> lk(lock);
				if (++asleep == n)
					all_asleep.notify_one();
				event.wait(lk, [&] { return event_set; });
			});
		} catch (const std::exception &e) {
			bench_die("created %ld of %ld fibers: %s", i, n, e.what());
		}
	}
	{
		std::unique_lock<boost::fibers::mutex> lk(lock);
		all_asleep.wait(lk, [&] { return asleep == n; });
	}
	uint64_t t1 = bench_now_ns();
	long rss1 = bench_maxrss_kb();
	{
		std::unique_lock<boost::fibers::mutex> lk(lock);
		event_set = true;
	}
	event.notify_all();
	for (auto &f : fibers)
		f.join();
	bench_report("create_live", (double)(t1 - t0) / n, "ns", "lower");
	bench_report("mem_per_thread", (double)(rss1 - rss0) * 1024.0 / n, "B", "lower");
	return 0;
}
