/* Condition-variable ping-pong, GNU Pth: a turn passed back and forth. */
#include <pth.h>

#include "bench.h"

static pth_mutex_t lock = PTH_MUTEX_INIT;
static pth_cond_t changed = PTH_COND_INIT;
static long rounds;
static int turn;

static void *player(void *arg)
{
	int me = (int)(intptr_t)arg;

	for (long i = 0; i < rounds; i++) {
		pth_mutex_acquire(&lock, FALSE, NULL);
		while (turn != me)
			pth_cond_await(&changed, &lock, NULL);
		turn = !me;
		pth_cond_notify(&changed, FALSE);
		pth_mutex_release(&lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pth_t a, b;
	uint64_t t0;

	rounds = bench_arg(argc, argv, 1, 100000);
	pth_init();
	t0 = bench_now_ns();
	a = pth_spawn(PTH_ATTR_DEFAULT, player, (void *)0);
	b = pth_spawn(PTH_ATTR_DEFAULT, player, (void *)1);
	if (!a || !b)
		bench_die("pth_spawn failed");
	pth_join(a, NULL);
	pth_join(b, NULL);
	bench_report("cond_pingpong", (double)(bench_now_ns() - t0) / (2.0 * rounds), "ns",
		     "lower");
	pth_kill();
	return 0;
}
