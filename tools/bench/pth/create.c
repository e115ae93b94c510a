/* Create+join of an empty thread, GNU Pth (default attributes). */
#include <pth.h>

#include "bench.h"

static void *empty(void *arg)
{
	return arg;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 100000);
	uint64_t t0;

	pth_init();
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		pth_t t = pth_spawn(PTH_ATTR_DEFAULT, empty, NULL);

		if (!t)
			bench_die("pth_spawn: %s", strerror(errno));
		pth_join(t, NULL);
	}
	bench_report("create_join", (double)(bench_now_ns() - t0) / n, "ns", "lower");
	pth_kill();
	return 0;
}
