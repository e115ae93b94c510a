/*
 * snapshot.h — the writer of the user-level snapshot (tmm_snapshot.h) that
 * tmmstat reads: which tmm threads run on which kernel thread.
 *
 * The runtime calls:
 *
 *   tmm_snapshot_init(model, kthreads_max)       once, in tmm_init, only
 *                                                when TMM_STATS=1 (off by
 *                                                default: timing switches
 *                                                costs a clock read each)
 *   tmm_snapshot_kthread_add(tid, role, index)   on each kernel thread it
 *                                                starts (and for main)
 *   tmm_snapshot_thread_add(id, name)            when a tmm thread is created
 *   tmm_snapshot_switched_in(t, k)               when t starts running on k
 *   tmm_snapshot_switched_out(t, state, ran_ns)  when t stops running
 *   tmm_snapshot_set_state(t, state)             other state changes
 *   tmm_snapshot_thread_remove(t) / tmm_snapshot_kthread_remove(k)
 *   tmm_snapshot_fini()                          in tmm_fini
 *
 * Records never move once handed out (the file is mapped at a fixed address
 * reserved up front), so the runtime may keep the pointers in its own
 * structures.  Every function accepts NULL records and does nothing with
 * them: the snapshot may be off (no TMM_STATS=1, so no init) or its memfd
 * may have failed, and the runtime needs no test of its own.  The switch-path
 * helpers are inline and only store to memory: no system call, no lock.
 */
#ifndef TMM_SNAPSHOT_WRITER_H
#define TMM_SNAPSHOT_WRITER_H

#include <stdint.h>
#include <sys/types.h>

#include "tmm.h"
#include "tmm_snapshot.h"

/*
 * Creates the snapshot memfd of this process and turns kernel-thread labels
 * on; until then (and after fini) there is neither.
 * @model: enum tmm_model in use; @kthreads_max: M:N's N, M:1's 1, 0 for 1:1.
 * Returns 0, or a positive errno; on failure the snapshot stays off, labels
 * stay on and every other call is a no-op (the runtime carries on without it).
 */
int tmm_snapshot_init(enum tmm_model model, unsigned int kthreads_max);

/*
 * Unmaps and closes the snapshot and turns labels off; records handed out
 * become invalid.
 */
void tmm_snapshot_fini(void);

/* Non-zero when tmm_snapshot_init succeeded and fini has not run. */
int tmm_snapshot_enabled(void);

/*
 * Publishes kernel thread @tid (gettid()) with its role and its number
 * within the role, and labels it in tmm.ko when the module is loaded
 * (kmod_label.h).  Call it on the kernel thread itself, as it starts.
 * Returns its record, or NULL (snapshot off, or table full).
 */
struct tmm_snap_kthread *tmm_snapshot_kthread_add(pid_t tid, enum tmm_snap_role role,
						  unsigned int index);
void tmm_snapshot_kthread_remove(struct tmm_snap_kthread *k);

/*
 * Publishes tmm thread @id (1: main) named @name (truncated to
 * TMM_SNAP_NAME_LEN - 1 bytes), in state TMM_NEW.  Returns its record or NULL.
 */
struct tmm_snap_thread *tmm_snapshot_thread_add(uint64_t id, const char *name);
void tmm_snapshot_thread_remove(struct tmm_snap_thread *t);

/* The record of the calling kernel thread, as kthread_add returned it. */
struct tmm_snap_kthread *tmm_snapshot_kthread_self(void);

/*
 * Relaxed atomic stores compile to plain moves; they only keep a reader
 * from seeing a torn 64-bit value.
 */
#define TMM_SNAP_STORE(field, value) __atomic_store_n(&(field), (value), __ATOMIC_RELAXED)

/* @t now runs on kernel thread @k (k may be NULL when unknown). */
static inline void tmm_snapshot_switched_in(struct tmm_snap_thread *t, struct tmm_snap_kthread *k)
{
	if (!t)
		return;
	TMM_SNAP_STORE(t->state, (uint32_t)TMM_RUNNING);
	TMM_SNAP_STORE(t->switches, t->switches + 1);
	if (k) {
		TMM_SNAP_STORE(t->ktid, k->tid);
		TMM_SNAP_STORE(k->switches, k->switches + 1);
	}
}

/* @t stopped running after @ran_ns nanoseconds and is now in @state. */
static inline void tmm_snapshot_switched_out(struct tmm_snap_thread *t, enum tmm_state state,
					     uint64_t ran_ns)
{
	if (!t)
		return;
	TMM_SNAP_STORE(t->run_ns, t->run_ns + ran_ns);
	TMM_SNAP_STORE(t->state, (uint32_t)state);
}

static inline void tmm_snapshot_set_state(struct tmm_snap_thread *t, enum tmm_state state)
{
	if (t)
		TMM_SNAP_STORE(t->state, (uint32_t)state);
}

#endif /* TMM_SNAPSHOT_WRITER_H */
