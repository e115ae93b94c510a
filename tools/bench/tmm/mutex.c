/*
 * Mutex handoff, tmm (model from TMM_MODEL): two threads take one mutex in
 * turn, each holding it across a yield so that the other finds it taken and
 * must wait for it.
 */
#include "runtime.h"

static tmm_mutex_t lock = TMM_MUTEX_INITIALIZER;
static long rounds;
static long shared;

static void *contender(void *arg)
{
	for (long i = 0; i < rounds; i++) {
		tmm_mutex_lock(&lock);
		shared++;
		tmm_yield();
		tmm_mutex_unlock(&lock);
	}
	return arg;
}

int main(int argc, char **argv)
{
	tmm_thread_t *a, *b;
	uint64_t t0;

	rounds = bench_arg(argc, argv, 1, 200000);
	bench_tmm_start();
	t0 = bench_now_ns();
	a = bench_tmm_spawn(contender, NULL);
	b = bench_tmm_spawn(contender, NULL);
	bench_tmm_join(a);
	bench_tmm_join(b);
	if (shared != 2 * rounds)
		bench_die("lost updates: %ld of %ld", shared, 2 * rounds);
	bench_report("mutex_handoff", (double)(bench_now_ns() - t0) / (2.0 * rounds), "ns",
		     "lower");
	bench_tmm_stop();
	return 0;
}
