/*
 * init.c — tmm_init and tmm_fini: choosing a model, making the caller the
 * thread "main", and tearing everything down again (init/fini may cycle).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "poller.h"
#include "account.h"
#include "runtime.h"
#include "snapshot.h"
#include "stack.h"
#include "timer.h"
#include "waitq.h"

struct tmm_runtime tmm_rt;
unsigned long tmm_generation;
static void *main_altstack;

static int model_from_env(enum tmm_model *model)
{
	const char *env = getenv("TMM_MODEL");

	*model = TMM_MN;
	if (!env || !*env)
		return 0;
	if (!strcmp(env, "m:1"))
		*model = TMM_M1;
	else if (!strcmp(env, "1:1"))
		*model = TMM_1TO1;
	else if (!strcmp(env, "m:n"))
		*model = TMM_MN;
	else {
		fprintf(stderr, "tmm: TMM_MODEL=\"%s\" names no model (use m:1, 1:1 or m:n)\n",
			env);
		return EINVAL;
	}
	return 0;
}

static int kthreads_from_env(unsigned int *kthreads)
{
	const char *env = getenv("TMM_KTHREADS");
	unsigned long n;
	char *end;
	long cpus;

	if (env && *env) {
		errno = 0;
		n = strtoul(env, &end, 10);
		if (errno || *end || env[0] == '-' || env[0] == '+' || n == 0 ||
		    n > TMM_KTHREADS_MAX) {
			fprintf(stderr, "tmm: TMM_KTHREADS=\"%s\" is not a count from 1 to %u\n",
				env, TMM_KTHREADS_MAX);
			return EINVAL;
		}
		*kthreads = (unsigned int)n;
		return 0;
	}
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	*kthreads = cpus < 1			    ? 1
		    : cpus > (long)TMM_KTHREADS_MAX ? TMM_KTHREADS_MAX
						    : (unsigned)cpus;
	return 0;
}

/*
 * TMM_STATS=1 publishes the snapshot tmmstat reads; off by default, because
 * timing each switch for it costs a clock read per switch (tmmstat.md).
 */
static int stats_from_env(int *on)
{
	const char *env = getenv("TMM_STATS");

	*on = 0;
	if (!env || !*env || !strcmp(env, "0"))
		return 0;
	if (strcmp(env, "1")) {
		fprintf(stderr, "tmm: TMM_STATS=\"%s\" is not 0 or 1 (1: statistics for tmmstat)\n",
			env);
		return EINVAL;
	}
	*on = 1;
	return 0;
}

/*
 * Fills tmm_rt's model, kthreads and stack_size from @cfg and the
 * environment, and *@stats from TMM_STATS.
 */
static int read_config(const struct tmm_config *cfg, int *stats)
{
	struct tmm_config c = {0};
	unsigned int env_kthreads;
	enum tmm_model env_model;
	int err;

	if (cfg)
		c = *cfg;
	/* Always checked: a bad variable is an error even when cfg overrides it. */
	err = model_from_env(&env_model);
	if (!err)
		err = kthreads_from_env(&env_kthreads);
	if (!err)
		err = stats_from_env(stats);
	if (err)
		return err;
	if (c.model != TMM_MODEL_DEFAULT && !tmm_model_name(c.model)) {
		fprintf(stderr, "tmm: model %d is not a model\n", (int)c.model);
		return EINVAL;
	}
	if (c.kthreads > TMM_KTHREADS_MAX ||
	    (c.stack_size && (c.stack_size < TMM_STACK_MIN || c.stack_size > TMM_STACK_MAX))) {
		fprintf(stderr, "tmm: bad configuration (kthreads 1..%u, stack %u bytes..1 GiB)\n",
			TMM_KTHREADS_MAX, TMM_STACK_MIN);
		return EINVAL;
	}
	tmm_rt.model = c.model != TMM_MODEL_DEFAULT ? c.model : env_model;
	tmm_rt.kthreads = c.kthreads ? c.kthreads : env_kthreads;
	tmm_rt.stack_size = c.stack_size ? c.stack_size : TMM_STACK_DEFAULT;
	return 0;
}

static const struct tmm_sched *sched_for(enum tmm_model model)
{
	switch (model) {
	case TMM_M1:
		return &tmm_sched_m1;
	case TMM_1TO1:
		return &tmm_sched_1to1;
	default:
		return &tmm_sched_mn;
	}
}

static int make_main(void)
{
	struct tmm_attr attr = {.name = "main"};
	struct tmm_thread *t = tmm_thread_alloc(&attr);

	if (!t)
		return ENOMEM;
	t->is_main = 1;
	t->refs = 1;
	t->pthread = pthread_self();
	tmm_rt.main = t;
	tmm_thread_register(t);
	tmm_set_current(t);
	return 0;
}

/* The most kernel threads running tmm threads at once: 1:1 has no fixed number. */
static unsigned int snapshot_kthreads_max(void)
{
	switch (tmm_rt.model) {
	case TMM_M1:
		return 1;
	case TMM_1TO1:
		return 0;
	default:
		return tmm_rt.kthreads;
	}
}

TMM_API int tmm_init(const struct tmm_config *cfg)
{
	int err, stats;

	if (tmm_rt.started)
		return EBUSY;
	memset(&tmm_rt, 0, sizeof(tmm_rt));
	tmm_generation++;
	err = read_config(cfg, &stats);
	if (err)
		return err;
	tmm_rt.sched = sched_for(tmm_rt.model);
	tmm_rt.main_tid = tmm_gettid();
	/* Without a snapshot (TMM_STATS unset, no memfd) the runtime runs the same. */
	if (stats)
		tmm_snapshot_init(tmm_rt.model, snapshot_kthreads_max());
	tmm_clock_init();
	err = make_main();
	if (err)
		return err;
	err = tmm_overflow_init();
	if (!err) {
		main_altstack = tmm_altstack_install();
		err = tmm_rt.sched->start();
	}
	if (err) {
		tmm_set_current(0);
		tmm_threads_fini(0);
		tmm_overflow_fini();
		tmm_snapshot_fini();
		return err;
	}
	tmm_rt.started = 1;
	return 0;
}

/* In main: parks until every non-daemon thread has terminated. */
static void wait_for_others(void)
{
	/* Before the counts are read: an exit that sees it unset was counted (thread.c). */
	__atomic_store_n(&tmm_rt.fini_waiting, 1, __ATOMIC_SEQ_CST);
	tmm_spin_lock(&tmm_rt.reg.lock);
	/* The last thread to end takes this lock before it wakes us (thread.c). */
	while (tmm_threads_waited()) {
		struct tmm_waiter w = {0};

		tmm_waitq_wait(&tmm_rt.reg, &w, 0);
		tmm_spin_lock(&tmm_rt.reg.lock);
	}
	tmm_spin_unlock(&tmm_rt.reg.lock);
	__atomic_store_n(&tmm_rt.fini_waiting, 0, __ATOMIC_SEQ_CST);
}

TMM_API int tmm_fini(void)
{
	struct tmm_thread *self = tmm_current();
	int keep;

	if (!tmm_rt.started)
		return EINVAL;
	if (self != tmm_rt.main)
		return EPERM;
	wait_for_others();
	tmm_tls_run_destructors(self);
	tmm_rt.sched->stop();
	/* 1:1 daemons keep running; so may a worker stuck under a daemon thread. */
	keep = tmm_rt.model == TMM_1TO1 || tmm_us_abandoned();
	tmm_rt.started = 0;
	tmm_threads_fini(keep);
	if (!keep) {
		tmm_stacks_fini();
		tmm_poller_fini();
	}
	tmm_altstack_remove(main_altstack);
	main_altstack = 0;
	tmm_overflow_fini();
	tmm_set_current(0);
	tmm_snapshot_fini();
	return 0;
}

TMM_API enum tmm_model tmm_current_model(void)
{
	return tmm_rt.started ? tmm_rt.model : TMM_MODEL_DEFAULT;
}
