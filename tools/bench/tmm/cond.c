/* Condition-variable ping-pong, tmm (model from TMM_MODEL): a turn passed back and forth. */
#include "runtime.h"

static tmm_mutex_t lock = TMM_MUTEX_INITIALIZER;
static tmm_cond_t changed = TMM_COND_INITIALIZER;
static long rounds;
static int turn;

static void *player(void *arg)
{
	int me = (int)(intptr_t)arg;

	for (long i = 0; i < rounds; i++) {
		tmm_mutex_lock(&lock);
		while (turn != me)
			tmm_cond_wait(&changed, &lock);
		turn = !me;
		tmm_cond_signal(&changed);
		tmm_mutex_unlock(&lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	tmm_thread_t *a, *b;
	uint64_t t0;

	rounds = bench_arg(argc, argv, 1, 100000);
	bench_tmm_start();
	t0 = bench_now_ns();
	a = bench_tmm_spawn(player, (void *)0);
	b = bench_tmm_spawn(player, (void *)1);
	bench_tmm_join(a);
	bench_tmm_join(b);
	bench_report("cond_pingpong", (double)(bench_now_ns() - t0) / (2.0 * rounds), "ns",
		     "lower");
	bench_tmm_stop();
	return 0;
}
