// Channel ping-pong, Boost.Fiber: two unbuffered channels, one each way.
#include <boost/fiber/all.hpp>

#include "bench.h"

int main(int argc, char **argv)
{
	long rounds = bench_arg(argc, argv, 1, 100000);
	boost::fibers::unbuffered_channel<long> ping, pong;
	uint64_t t0 = bench_now_ns();
	boost::fibers::fiber server([&] {
		long v;

		while (ping.pop(v) == boost::fibers::channel_op_status::success)
			pong.push(v + 1);
	});
	long v = 0;

	for (long i = 0; i < rounds; i++) {
		ping.push(v);
		pong.pop(v);
	}
	ping.close();
	server.join();
	if (v != rounds)
		bench_die("got %ld replies, expected %ld", v, rounds);
	bench_report("chan_pingpong", (double)(bench_now_ns() - t0) / (2.0 * rounds), "ns",
		     "lower");
	return 0;
}
