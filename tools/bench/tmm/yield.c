/* Yield ping-pong, tmm (model from TMM_MODEL): two threads call tmm_yield(). */
#include "runtime.h"

static long rounds;

static void *yielder(void *arg)
{
	for (long i = 0; i < rounds; i++)
		tmm_yield();
	return arg;
}

int main(int argc, char **argv)
{
	tmm_thread_t *a, *b;
	uint64_t t0;

	rounds = bench_arg(argc, argv, 1, 1000000);
	bench_tmm_start();
	t0 = bench_now_ns();
	a = bench_tmm_spawn(yielder, NULL);
	b = bench_tmm_spawn(yielder, NULL);
	bench_tmm_join(a);
	bench_tmm_join(b);
	bench_report("yield", (double)(bench_now_ns() - t0) / (2.0 * rounds), "ns", "lower");
	bench_tmm_stop();
	return 0;
}
