/*
 * runtime.h — starting and stopping libtmm in a benchmark program.  The model
 * and the number of kernel threads come from the environment (TMM_MODEL,
 * TMM_KTHREADS), so one binary per workload serves all three models.
 */
#ifndef TMM_BENCH_RUNTIME_H
#define TMM_BENCH_RUNTIME_H

#include <tmm.h>

#include "bench.h"

static inline void bench_tmm_start(void)
{
	int err = tmm_init(NULL);

	if (err)
		bench_die("tmm_init: %s", strerror(err));
}

static inline void bench_tmm_stop(void)
{
	int err = tmm_fini();

	if (err)
		bench_die("tmm_fini: %s", strerror(err));
}

static inline tmm_thread_t *bench_tmm_spawn(void *(*fn)(void *), void *arg)
{
	tmm_thread_t *t;
	int err = tmm_create(&t, NULL, fn, arg);

	if (err)
		bench_die("tmm_create: %s", strerror(err));
	return t;
}

static inline void *bench_tmm_join(tmm_thread_t *t)
{
	void *ret;
	int err = tmm_join(t, &ret);

	if (err)
		bench_die("tmm_join: %s", strerror(err));
	return ret;
}

#endif /* TMM_BENCH_RUNTIME_H */
