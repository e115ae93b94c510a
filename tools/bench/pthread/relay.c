/*
 * Mutex relay, pthreads: two threads hand three mutexes of a ring to each
 * other, each taking the next and letting go of the one it held, so that
 * every step is a handoff from the other thread (tools/bench/tmm/relay.c).
 */
#include <pthread.h>
#include <sched.h>

#include "bench.h"

static pthread_mutex_t ring[3] = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
				  PTHREAD_MUTEX_INITIALIZER};
static long steps;
static int ready;
static long done[2];

static void *relayer(void *arg)
{
	int me = (int)(intptr_t)arg, held = me;

	pthread_mutex_lock(&ring[held]);
	__atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&ready, __ATOMIC_SEQ_CST) < 2)
		sched_yield();
	for (long i = 0; i < steps; i++) {
		int next = (held + 1) % 3;

		pthread_mutex_lock(&ring[next]);
		pthread_mutex_unlock(&ring[held]);
		held = next;
		done[me]++;
	}
	pthread_mutex_unlock(&ring[held]);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t a, b;
	uint64_t t0;

	steps = bench_arg(argc, argv, 1, 100000);
	t0 = bench_now_ns();
	if (pthread_create(&a, NULL, relayer, (void *)0) ||
	    pthread_create(&b, NULL, relayer, (void *)1))
		bench_die("pthread_create failed");
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	if (done[0] + done[1] != 2 * steps)
		bench_die("lost steps: %ld of %ld", done[0] + done[1], 2 * steps);
	bench_report("mutex_relay", (double)(bench_now_ns() - t0) / (2.0 * steps), "ns", "lower");
	return 0;
}
