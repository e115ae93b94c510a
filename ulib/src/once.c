/*
 * once.c — tmm_once: one-time initialisation that parks the threads waiting
 * for it.
 *
 * pthread_once (and C11 call_once) would block a waiting thread's kernel
 * thread in a futex; under M:1 that is every thread, the one running the
 * initialisation included when it waits for anything, so the program hangs.
 * Here the thread that runs it holds the once's tmm mutex, and the others
 * park on that mutex like any tmm thread.  Once it has run, a call is one
 * acquiring load.
 */
#include <errno.h>

#include "sync.h"

TMM_API int tmm_once(tmm_once_t *once, void (*init)(void))
{
	int err;

	if (!once || !init)
		return EINVAL;
	if (__atomic_load_n(&once->done, __ATOMIC_ACQUIRE))
		return 0;
	/* EINVAL: not initialised; EDEADLK: init calls us again; EPERM: not a tmm thread. */
	err = tmm_mutex_lock(&once->lock);
	if (err)
		return err;
	if (!once->done) {
		init();
		__atomic_store_n(&once->done, 1, __ATOMIC_RELEASE);
	}
	tmm_mutex_unlock(&once->lock);
	return 0;
}
