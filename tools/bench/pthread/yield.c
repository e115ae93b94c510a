/* Yield ping-pong, pthreads: two threads call sched_yield() in a loop. */
#include <pthread.h>
#include <sched.h>

#include "bench.h"

static long rounds;

static void *yielder(void *arg)
{
	(void)arg;
	for (long i = 0; i < rounds; i++)
		sched_yield();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t a, b;
	uint64_t t0;

	rounds = bench_arg(argc, argv, 1, 1000000);
	t0 = bench_now_ns();
	if (pthread_create(&a, NULL, yielder, NULL) || pthread_create(&b, NULL, yielder, NULL))
		bench_die("pthread_create failed");
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	bench_report("yield", (double)(bench_now_ns() - t0) / (2.0 * rounds), "ns", "lower");
	return 0;
}
