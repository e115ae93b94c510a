/* Condition-variable ping-pong, pthreads: a turn passed back and forth. */
#include <pthread.h>

#include "bench.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static long rounds;
static int turn;

static void *player(void *arg)
{
	int me = (int)(intptr_t)arg;

	for (long i = 0; i < rounds; i++) {
		pthread_mutex_lock(&lock);
		while (turn != me)
			pthread_cond_wait(&changed, &lock);
		turn = !me;
		pthread_cond_signal(&changed);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t a, b;
	uint64_t t0;

	rounds = bench_arg(argc, argv, 1, 100000);
	t0 = bench_now_ns();
	if (pthread_create(&a, NULL, player, (void *)0) ||
	    pthread_create(&b, NULL, player, (void *)1))
		bench_die("pthread_create failed");
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	bench_report("cond_pingpong", (double)(bench_now_ns() - t0) / (2.0 * rounds), "ns",
		     "lower");
	return 0;
}
