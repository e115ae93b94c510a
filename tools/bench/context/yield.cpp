// The floor for any user-level switch: Boost.Context's boost::context::fiber,
// a register-only switch with no scheduler.  Each resume() is two switches
// (there and back); the figure is per switch, like a yield.
#include <boost/context/fiber.hpp>

#include "bench.h"

namespace ctx = boost::context;

int main(int argc, char **argv)
{
	long rounds = bench_arg(argc, argv, 1, 1000000);
	ctx::fiber other{[](ctx::fiber &&back) {
		for (;;)
			back = std::move(back).resume();
		return std::move(back);
	}};
	uint64_t t0 = bench_now_ns();

	for (long i = 0; i < rounds; i++)
		other = std::move(other).resume();
	bench_report("yield", (double)(bench_now_ns() - t0) / (2.0 * rounds), "ns", "lower");
	return 0;
}
