// Blocking interference, Boost.Fiber on its work-stealing scheduler over as
// many kernel threads as CPU-bound fibers: they count units of work in
// windows, alone and (alternating) while other fibers sit in a raw blocking
// read() on a pipe written only after each window.
#include <sys/syscall.h>
#include <vector>

#include "pool.hpp"

#include "bench.h"

static int pipe_fds[2];
static volatile uint64_t sink; // keeps the work from being optimised away

static double phase(int ncpu, int nblocked, uint64_t window_ns)
{
	std::vector<long> done((size_t)ncpu, 0);
	std::vector<boost::fibers::fiber> fibers;
	uint64_t deadline = bench_now_ns() + window_ns;
	pid_t releaser = bench_release_at(pipe_fds[1], deadline + window_ns / 10, nblocked);
	long total = 0;

	for (int i = 0; i < nblocked; i++)
		fibers.emplace_back([] {
			char c;

			if (syscall(SYS_read, pipe_fds[0], &c, 1) != 1)
				bench_die("read: %s", strerror(errno));
		});
	for (int i = 0; i < ncpu; i++)
		fibers.emplace_back([&done, i, deadline] {
			uint64_t x = (uint64_t)i;

			while (bench_now_ns() < deadline) {
				x = bench_burn(x);
				done[(size_t)i]++;
				boost::this_fiber::yield();
			}
			sink = x;
		});
	for (auto &f : fibers)
		f.join();
	for (long d : done)
		total += d;
	bench_reap(releaser);
	return (double)total / ((double)window_ns / 1e9);
}

int main(int argc, char **argv)
{
	int ncpu = (int)bench_arg(argc, argv, 1, 2);
	int nblocked = (int)bench_arg(argc, argv, 2, 2);
	uint64_t window_ns = (uint64_t)bench_arg(argc, argv, 3, 300) * 1000000u;
	long pairs = bench_arg(argc, argv, 4, 3);

	if (pipe(pipe_fds))
		bench_die("pipe: %s", strerror(errno));
	stealing_pool pool((unsigned int)ncpu);
	double alone = 0, beside = 0;

	// Alternating windows, so that the load of the machine falls on both.
	for (long i = 0; i < pairs; i++) {
		alone += phase(ncpu, 0, window_ns) / pairs;
		beside += phase(ncpu, nblocked, window_ns) / pairs;
	}

	bench_report("work_alone", alone, "units/s", "higher");
	bench_report("work_beside_blocked", beside, "units/s", "higher");
	bench_report("retained", 100.0 * beside / alone, "%", "higher");
	return 0;
}
