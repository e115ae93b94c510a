/*
 * Mutex handoff, tmm (model from TMM_MODEL): two threads take one mutex in
 * turn, each holding it across a yield so that the other finds it taken and
 * must wait for it.
 *
 * Also reports on which kernel threads the handoffs happened: the share of
 * acquisitions made on another kernel thread than the one before.  Under
 * M:N the scheduler decides where the two threads run (a woken thread joins
 * its waker's queue), so this says whether the figure is a handoff between
 * workers or one inside a worker.  With "bound" after the count, each
 * thread binds itself to a processor of its own (tmm_bind_processor: 0 and
 * 1), so that under M:N every handoff crosses between two workers.
 */
#include "runtime.h"

static tmm_mutex_t lock = TMM_MUTEX_INITIALIZER;
static long rounds;
static long shared;
static long kthread_changes;
static uintptr_t last_kthread;
static int bound;

static __thread char kthread_marker;

/*
 * The calling kernel thread, as the address of its copy of a thread-local
 * variable.  Out of line and behind a compiler barrier: a tmm thread may
 * resume on another kernel thread, so the address must be taken anew.
 */
__attribute__((noinline)) static uintptr_t current_kthread(void)
{
	__asm__ volatile("" ::: "memory");
	return (uintptr_t)&kthread_marker;
}

static void *contender(void *arg)
{
	int processor = (int)(intptr_t)arg % (int)tmm_processor_count();

	if (bound && tmm_bind_processor(processor))
		bench_die("cannot bind to processor %d", processor);
	for (long i = 0; i < rounds; i++) {
		uintptr_t k;

		tmm_mutex_lock(&lock);
		shared++;
		k = current_kthread();
		kthread_changes += last_kthread && k != last_kthread;
		last_kthread = k;
		tmm_yield();
		tmm_mutex_unlock(&lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	tmm_thread_t *a, *b;
	uint64_t t0;

	rounds = bench_arg(argc, argv, 1, 200000);
	if (argc > 2 && strcmp(argv[2], "bound"))
		bench_die("usage: %s [ROUNDS [bound]]", argv[0]);
	bound = argc > 2;
	bench_tmm_start();
	t0 = bench_now_ns();
	a = bench_tmm_spawn(contender, (void *)0);
	b = bench_tmm_spawn(contender, (void *)1);
	bench_tmm_join(a);
	bench_tmm_join(b);
	if (shared != 2 * rounds)
		bench_die("lost updates: %ld of %ld", shared, 2 * rounds);
	bench_report("mutex_handoff", (double)(bench_now_ns() - t0) / (2.0 * rounds), "ns",
		     "lower");
	bench_report("other_kthread", 100.0 * (double)kthread_changes / (2.0 * rounds - 1), "%",
		     "neutral");
	bench_tmm_stop();
	return 0;
}
