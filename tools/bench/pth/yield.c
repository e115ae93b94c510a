/* Yield ping-pong, GNU Pth: two threads call pth_yield() in a loop. */
#include <pth.h>

#include "bench.h"

static long rounds;

static void *yielder(void *arg)
{
	for (long i = 0; i < rounds; i++)
		pth_yield(NULL);
	return arg;
}

int main(int argc, char **argv)
{
	pth_t a, b;
	uint64_t t0;

	rounds = bench_arg(argc, argv, 1, 1000000);
	pth_init();
	t0 = bench_now_ns();
	a = pth_spawn(PTH_ATTR_DEFAULT, yielder, NULL);
	b = pth_spawn(PTH_ATTR_DEFAULT, yielder, NULL);
	if (!a || !b)
		bench_die("pth_spawn failed");
	pth_join(a, NULL);
	pth_join(b, NULL);
	bench_report("yield", (double)(bench_now_ns() - t0) / (2.0 * rounds), "ns", "lower");
	pth_kill();
	return 0;
}
