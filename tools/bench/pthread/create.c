/* Create+join of an empty thread, pthreads (default attributes). */
#include <pthread.h>

#include "bench.h"

static void *empty(void *arg)
{
	return arg;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 100000);
	uint64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		pthread_t t;
		int err = pthread_create(&t, NULL, empty, NULL);

		if (err)
			bench_die("pthread_create: %s", strerror(err));
		pthread_join(t, NULL);
	}
	bench_report("create_join", (double)(bench_now_ns() - t0) / n, "ns", "lower");
	return 0;
}
