/* Create+join of an empty thread, tmm (model from TMM_MODEL, default attributes). */
#include "runtime.h"

static void *empty(void *arg)
{
	return arg;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 100000);
	uint64_t t0;

	bench_tmm_start();
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		bench_tmm_join(bench_tmm_spawn(empty, NULL));
	bench_report("create_join", (double)(bench_now_ns() - t0) / n, "ns", "lower");
	bench_tmm_stop();
	return 0;
}
