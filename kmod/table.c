// SPDX-License-Identifier: GPL-2.0
/*
 * The per-thread records and the tracked processes: two RCU hash tables.
 *
 * The probes look records up without a lock (they run with preemption
 * disabled, an RCU read-side section) and take only the record's own raw
 * spinlock.  Inserting and removing take tmm_table_lock, a spinlock because
 * the fork and exit probes change the tables too.  Records are freed after
 * a grace period, so a probe or a dump never sees freed memory.
 */
#include <linux/hash.h>
#include <linux/hashtable.h>
#include <linux/pid.h>
#include <linux/sched/clock.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tmm.h"

#define TMM_THREAD_HASH_BITS	12
#define TMM_PROC_HASH_BITS	8

static DEFINE_HASHTABLE(tmm_threads, TMM_THREAD_HASH_BITS);
static DEFINE_HASHTABLE(tmm_procs, TMM_PROC_HASH_BITS);
static struct kmem_cache *tmm_thread_cache;
static unsigned int tmm_nr_procs;

DEFINE_SPINLOCK(tmm_table_lock);
atomic_t tmm_nr_threads = ATOMIC_INIT(0);
atomic64_t tmm_dropped = ATOMIC64_INIT(0);

/**
 * tmm_table_init() - create the record cache
 *
 * Return: 0 or -ENOMEM.
 */
int tmm_table_init(void)
{
	tmm_thread_cache = KMEM_CACHE(tmm_thread, 0);
	return tmm_thread_cache ? 0 : -ENOMEM;
}

/**
 * tmm_table_exit() - free what is left once nothing can reach the tables
 *
 * The probes are detached and the family is gone; waits for every pending
 * RCU free before the cache goes.
 */
void tmm_table_exit(void)
{
	struct tmm_proc *proc;
	struct hlist_node *tmp;
	int bkt;

	spin_lock(&tmm_table_lock);
	hash_for_each_safe(tmm_procs, bkt, tmp, proc, hnode)
		tmm_proc_remove(proc);
	spin_unlock(&tmm_table_lock);
	rcu_barrier();
	kmem_cache_destroy(tmm_thread_cache);
}

/**
 * tmm_thread_find() - the record of @task, under RCU
 * @task: any task
 *
 * Return: the record or NULL when @task is not tracked.
 */
struct tmm_thread *tmm_thread_find(const struct task_struct *task)
{
	struct tmm_thread *t;

	hash_for_each_possible_rcu_notrace(tmm_threads, t, hnode,
					   hash_ptr(task, TMM_THREAD_HASH_BITS))
		if (t->task == task)
			return t;
	return NULL;
}

/**
 * tmm_proc_find() - the tracked process of @tgid, under RCU or the table lock
 * @tgid: a process's struct pid
 *
 * Return: the process or NULL when it is not tracked.
 */
struct tmm_proc *tmm_proc_find(const struct pid *tgid)
{
	struct tmm_proc *proc;

	hash_for_each_possible_rcu_notrace(tmm_procs, proc, hnode,
					   hash_ptr(tgid, TMM_PROC_HASH_BITS))
		if (proc->tgid == tgid)
			return proc;
	return NULL;
}

/**
 * tmm_thread_alloc() - a zeroed record, not yet in any table
 * @gfp: GFP_KERNEL from commands, GFP_NOWAIT from the probes
 *
 * Return: the record or NULL; a caller in a probe counts a drop then.
 */
struct tmm_thread *tmm_thread_alloc(gfp_t gfp)
{
	struct tmm_thread *t = kmem_cache_zalloc(tmm_thread_cache, gfp);

	if (t) {
		raw_spin_lock_init(&t->lock);
		INIT_LIST_HEAD(&t->proc_node);
	}
	return t;
}

/**
 * tmm_thread_free() - free a record that was never inserted
 * @t: the record, or NULL
 */
void tmm_thread_free(struct tmm_thread *t)
{
	if (t)
		kmem_cache_free(tmm_thread_cache, t);
}

/**
 * tmm_proc_alloc() - a process record, not yet in the table
 * @tgid: the process; a reference is taken
 * @flags: &enum tmm_track_flags
 * @gfp: allocation flags
 *
 * Return: the record or NULL.
 */
struct tmm_proc *tmm_proc_alloc(struct pid *tgid, u32 flags, gfp_t gfp)
{
	struct tmm_proc *proc = kzalloc(sizeof(*proc), gfp);

	if (!proc)
		return NULL;
	proc->tgid = get_pid(tgid);
	proc->flags = flags;
	INIT_LIST_HEAD(&proc->threads);
	atomic64_set(&proc->dropped, 0);
	return proc;
}

/**
 * tmm_proc_free() - free a process record that was never inserted
 * @proc: the record, or NULL
 */
void tmm_proc_free(struct tmm_proc *proc)
{
	if (!proc)
		return;
	put_pid(proc->tgid);
	kfree(proc);
}

/**
 * tmm_proc_insert() - make @proc visible; table lock held
 * @proc: a record from tmm_proc_alloc() whose tgid is not in the table
 */
void tmm_proc_insert(struct tmm_proc *proc)
{
	lockdep_assert_held(&tmm_table_lock);
	hash_add_rcu(tmm_procs, &proc->hnode,
		     hash_ptr(proc->tgid, TMM_PROC_HASH_BITS));
	tmm_nr_procs++;
}

/* Takes one of the tmm_max_threads slots; false when all are in use. */
static bool tmm_slot_get(void)
{
	int n = atomic_read(&tmm_nr_threads);

	do {
		if (n >= READ_ONCE(tmm_max_threads))
			return false;
	} while (!atomic_try_cmpxchg(&tmm_nr_threads, &n, n + 1));
	return true;
}

/**
 * tmm_thread_insert() - track @task as a thread of @proc; table lock held
 * @proc: its process, in the table
 * @t: a record from tmm_thread_alloc() with its phase set
 * @task: the thread, not tracked yet
 *
 * Return: true when inserted; false when the cap is reached, in which case
 * the drop is counted and @t still belongs to the caller.
 */
bool tmm_thread_insert(struct tmm_proc *proc, struct tmm_thread *t,
		       struct task_struct *task)
{
	lockdep_assert_held(&tmm_table_lock);
	if (!tmm_slot_get()) {
		atomic64_inc(&proc->dropped);
		atomic64_inc(&tmm_dropped);
		return false;
	}
	get_task_struct(task);
	t->task = task;
	t->proc = proc;
	t->tracked_since = local_clock();
	hash_add_rcu(tmm_threads, &t->hnode,
		     hash_ptr(task, TMM_THREAD_HASH_BITS));
	list_add_tail_rcu(&t->proc_node, &proc->threads);
	proc->nr_threads++;
	proc->threads_seen++;
	return true;
}

static void tmm_thread_free_rcu(struct rcu_head *rcu)
{
	struct tmm_thread *t = container_of(rcu, struct tmm_thread, rcu);

	put_task_struct(t->task);
	kmem_cache_free(tmm_thread_cache, t);
}

/**
 * tmm_thread_remove() - stop tracking a thread; table lock held
 * @t: the record, in the tables
 * @exited: the thread exited (counted in its process)
 */
void tmm_thread_remove(struct tmm_thread *t, bool exited)
{
	lockdep_assert_held(&tmm_table_lock);
	hash_del_rcu(&t->hnode);
	list_del_rcu(&t->proc_node);
	t->proc->nr_threads--;
	if (exited)
		t->proc->threads_exited++;
	atomic_dec(&tmm_nr_threads);
	call_rcu(&t->rcu, tmm_thread_free_rcu);
}

static void tmm_proc_free_rcu(struct rcu_head *rcu)
{
	tmm_proc_free(container_of(rcu, struct tmm_proc, rcu));
}

/**
 * tmm_proc_remove() - stop tracking a process and its threads; table lock
 * held
 * @proc: the record, in the table
 */
void tmm_proc_remove(struct tmm_proc *proc)
{
	struct tmm_thread *t, *tmp;

	lockdep_assert_held(&tmm_table_lock);
	list_for_each_entry_safe(t, tmp, &proc->threads, proc_node)
		tmm_thread_remove(t, false);
	hash_del_rcu(&proc->hnode);
	proc->gone = true;
	tmm_nr_procs--;
	call_rcu(&proc->rcu, tmm_proc_free_rcu);
}

/**
 * tmm_table_empty() - no process is tracked
 *
 * Return: true when the process table is empty.
 */
bool tmm_table_empty(void)
{
	bool empty;

	spin_lock(&tmm_table_lock);
	empty = tmm_nr_procs == 0;
	spin_unlock(&tmm_table_lock);
	return empty;
}

/* The thread's state now, from the task itself. */
static u32 tmm_task_state(struct task_struct *task)
{
	unsigned int state = READ_ONCE(task->__state);

	if (task->exit_state || (READ_ONCE(task->flags) & PF_EXITING))
		return TMM_STATE_DEAD;
	if (state == TASK_RUNNING)
		return READ_ONCE(task->on_cpu) ? TMM_STATE_RUNNING :
						 TMM_STATE_RUNNABLE;
	if (state & (__TASK_STOPPED | __TASK_TRACED))
		return TMM_STATE_STOPPED;
	if (state & TASK_UNINTERRUPTIBLE)
		return TMM_STATE_DISK_SLEEP;
	return TMM_STATE_SLEEPING;
}

/**
 * tmm_thread_snapshot() - copy a record's figures consistently
 * @t: the record (under RCU)
 * @snap: filled in; time in the current phase is included in the totals
 */
void tmm_thread_snapshot(struct tmm_thread *t, struct tmm_thread_snap *snap)
{
	unsigned long flags;
	u64 now, elapsed;

	raw_spin_lock_irqsave(&t->lock, flags);
	now = local_clock();
	snap->c = t->c;
	memcpy(snap->label, t->label, sizeof(snap->label));
	snap->tracked_ns = now > t->tracked_since ? now - t->tracked_since : 0;
	elapsed = now > t->since ? now - t->since : 0;
	if (t->phase == TMM_PHASE_ON_CPU)
		snap->c.on_cpu_ns += elapsed;
	else if (t->phase == TMM_PHASE_QUEUED)
		snap->c.runq_delay_ns += elapsed;
	raw_spin_unlock_irqrestore(&t->lock, flags);
	snap->state = tmm_task_state(t->task);
}

/**
 * tmm_thread_reset() - zero a record's counters
 * @t: the record (under RCU)
 *
 * The phase is kept and restarts now, so every figure covers the time
 * since the reset only.
 */
void tmm_thread_reset(struct tmm_thread *t)
{
	unsigned long flags;
	u64 now;

	raw_spin_lock_irqsave(&t->lock, flags);
	now = local_clock();
	memset(&t->c, 0, sizeof(t->c));
	t->tracked_since = now;
	t->since = now;
	raw_spin_unlock_irqrestore(&t->lock, flags);
}
