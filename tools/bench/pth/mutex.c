/*
 * Mutex handoff, GNU Pth: two threads take one mutex in turn, each holding
 * it across a yield so that the other finds it taken and must wait for it.
 */
#include <pth.h>

#include "bench.h"

static pth_mutex_t lock = PTH_MUTEX_INIT;
static long rounds;
static long shared;

static void *contender(void *arg)
{
	for (long i = 0; i < rounds; i++) {
		pth_mutex_acquire(&lock, FALSE, NULL);
		shared++;
		pth_yield(NULL);
		pth_mutex_release(&lock);
	}
	return arg;
}

int main(int argc, char **argv)
{
	pth_t a, b;
	uint64_t t0;

	rounds = bench_arg(argc, argv, 1, 200000);
	pth_init();
	t0 = bench_now_ns();
	a = pth_spawn(PTH_ATTR_DEFAULT, contender, NULL);
	b = pth_spawn(PTH_ATTR_DEFAULT, contender, NULL);
	if (!a || !b)
		bench_die("pth_spawn failed");
	pth_join(a, NULL);
	pth_join(b, NULL);
	if (shared != 2 * rounds)
		bench_die("lost updates: %ld of %ld", shared, 2 * rounds);
	bench_report("mutex_handoff", (double)(bench_now_ns() - t0) / (2.0 * rounds), "ns",
		     "lower");
	pth_kill();
	return 0;
}
