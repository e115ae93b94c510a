// SPDX-License-Identifier: GPL-2.0
/*
 * Starting and ending tracking: TRACK and UNTRACK from user space, threads
 * and child processes born to a tracked process, threads that exit.
 *
 * tmm_track_mutex serialises the commands that change tracking and the
 * attaching and detaching of the probes.  The fork and exit probes change
 * the tables under tmm_table_lock only.  When nothing is tracked any more, a
 * delayed work item detaches the probes.
 */
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "tmm.h"

static DEFINE_MUTEX(tmm_track_mutex);
static bool tmm_exiting;

/*
 * Attaching and detaching the probes patches kernel text (the tracepoints'
 * static keys), which is not free; the probes stay attached for a second
 * after the last tracked process goes, so a tool that untracks and tracks
 * again does not patch the kernel each time.
 */
#define TMM_DETACH_DELAY	HZ

static void tmm_idle_work_fn(struct work_struct *work)
{
	mutex_lock(&tmm_track_mutex);
	if (tmm_probes_attached() && tmm_table_empty())
		tmm_probes_detach();
	mutex_unlock(&tmm_track_mutex);
}

static DECLARE_DELAYED_WORK(tmm_idle_work, tmm_idle_work_fn);

/* Detaches the probes soon if nothing is tracked then. */
static void tmm_detach_when_idle(void)
{
	mod_delayed_work(system_wq, &tmm_idle_work, TMM_DETACH_DELAY);
}

static void tmm_count_drop(struct tmm_proc *proc)
{
	atomic64_inc(&proc->dropped);
	atomic64_inc(&tmm_dropped);
}

/*
 * Adds the threads of @leader's process that are not tracked yet, taking
 * records from @pool.  Table lock held.  Returns -EAGAIN when @pool ran
 * out (the caller refills it and calls again), -ESRCH when the process is
 * exiting.
 */
static int tmm_add_threads(struct task_struct *leader, u32 flags,
			   struct tmm_proc **spare, struct tmm_thread **pool,
			   unsigned int n)
{
	struct task_struct *task;
	struct tmm_proc *proc;
	unsigned int i = 0;
	u64 now = local_clock();

	if (!atomic_read(&leader->signal->live))
		return -ESRCH;
	proc = tmm_proc_find(task_tgid(leader));
	if (!proc && !*spare)
		return -ESRCH;	/* it ended between two passes */
	if (!proc) {
		proc = *spare;
		*spare = NULL;
		tmm_proc_insert(proc);
		/*
		 * Pairs with the barriers between PF_EXITING and the exit
		 * probe: either the probe sees the process or the scan below
		 * sees PF_EXITING.
		 */
		smp_mb();
	} else if (!(flags & TMM_TRACK_IMPLICIT)) {
		proc->flags = flags;
	}
	for_each_thread(leader, task) {
		if (READ_ONCE(task->flags) & PF_EXITING)
			continue;
		if (tmm_thread_find(task))
			continue;
		if (i == n)
			return -EAGAIN;
		tmm_account_start(pool[i], task, now);
		if (tmm_thread_insert(proc, pool[i], task))
			pool[i++] = NULL;
	}
	return 0;
}

static void tmm_pool_free(struct tmm_thread **pool, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		tmm_thread_free(pool[i]);
	kvfree(pool);
}

static struct tmm_thread **tmm_pool_alloc(unsigned int n)
{
	struct tmm_thread **pool = kvcalloc(n, sizeof(*pool), GFP_KERNEL);
	unsigned int i;

	if (!pool)
		return NULL;
	for (i = 0; i < n; i++) {
		pool[i] = tmm_thread_alloc(GFP_KERNEL);
		if (!pool[i]) {
			tmm_pool_free(pool, i);
			return NULL;
		}
	}
	return pool;
}

static int tmm_track_threads(struct task_struct *leader, u32 flags)
{
	struct tmm_proc *spare;
	struct tmm_thread **pool;
	unsigned int n;
	int err;

	spare = tmm_proc_alloc(task_tgid(leader), flags, GFP_KERNEL);
	if (!spare)
		return -ENOMEM;
	do {
		/* A few more than now, for threads born meanwhile. */
		n = min_t(unsigned int, get_nr_threads(leader) + 8,
			  READ_ONCE(tmm_max_threads) + 1);
		pool = tmm_pool_alloc(n);
		if (!pool) {
			err = -ENOMEM;
			break;
		}
		spin_lock(&tmm_table_lock);
		rcu_read_lock();
		err = tmm_add_threads(leader, flags, &spare, pool, n);
		rcu_read_unlock();
		spin_unlock(&tmm_table_lock);
		tmm_pool_free(pool, n);
		cond_resched();
	} while (err == -EAGAIN);
	tmm_proc_free(spare);
	return err;
}

/**
 * tmm_track() - track @leader's process and every thread it has now
 * @leader: the process's thread group leader
 * @flags: &enum tmm_track_flags
 *
 * Attaches the probes first, so a thread born during the scan is caught
 * by the fork probe if the scan misses it.
 *
 * Return: 0, -ESRCH when the process is exiting, -ENODEV while the module
 * unloads, -ENOMEM, or an error of tracepoint_probe_register().
 */
int tmm_track(struct task_struct *leader, u32 flags)
{
	int err = 0;

	mutex_lock(&tmm_track_mutex);
	if (tmm_exiting)
		err = -ENODEV;
	else if (!tmm_probes_attached())
		err = tmm_probes_attach();
	if (!err)
		err = tmm_track_threads(leader, flags);
	if (err && !tmm_exiting)
		tmm_detach_when_idle();
	mutex_unlock(&tmm_track_mutex);
	return err;
}

/**
 * tmm_untrack() - stop tracking a process
 * @tgid: the process
 *
 * Return: 0 or -ENOENT when it is not tracked.
 */
int tmm_untrack(struct pid *tgid)
{
	struct tmm_proc *proc;
	int err = -ENOENT;

	mutex_lock(&tmm_track_mutex);
	spin_lock(&tmm_table_lock);
	proc = tmm_proc_find(tgid);
	if (proc) {
		tmm_proc_remove(proc);
		err = 0;
	}
	spin_unlock(&tmm_table_lock);
	if (!tmm_exiting)
		tmm_detach_when_idle();
	mutex_unlock(&tmm_track_mutex);
	return err;
}

/* A new thread of a tracked process, from birth.  Called from the probe. */
static void tmm_track_new_thread(struct tmm_proc *proc,
				 struct task_struct *child)
{
	struct tmm_thread *t = tmm_thread_alloc(GFP_NOWAIT | __GFP_NOWARN);

	if (!t) {
		tmm_count_drop(proc);
		return;
	}
	spin_lock(&tmm_table_lock);
	if (proc->gone || tmm_thread_find(child) ||
	    !tmm_thread_insert(proc, t, child))
		tmm_thread_free(t);
	spin_unlock(&tmm_table_lock);
}

/* A child process of one tracked with TMM_TRACK_CHILDREN.  From the probe. */
static void tmm_track_new_process(struct tmm_proc *parent,
				  struct task_struct *child)
{
	struct tmm_proc *proc;
	struct tmm_thread *t;

	proc = tmm_proc_alloc(task_tgid(child), TMM_TRACK_CHILDREN,
			      GFP_NOWAIT | __GFP_NOWARN);
	t = tmm_thread_alloc(GFP_NOWAIT | __GFP_NOWARN);
	if (!proc || !t) {
		tmm_count_drop(parent);
		goto out;
	}
	spin_lock(&tmm_table_lock);
	if (!parent->gone && !tmm_proc_find(proc->tgid)) {
		tmm_proc_insert(proc);
		if (tmm_thread_insert(proc, t, child))
			t = NULL;
		proc = NULL;
	}
	spin_unlock(&tmm_table_lock);
out:
	tmm_thread_free(t);
	tmm_proc_free(proc);
}

/**
 * tmm_track_forked() - the fork probe: track @child if it belongs to a
 * tracked process, or is a tracked process's child to be tracked too
 * @parent: the forking task
 * @child: the new task, not running yet
 */
void tmm_track_forked(struct task_struct *parent, struct task_struct *child)
{
	struct tmm_proc *proc;

	/* Pairs with the barrier after a process is inserted by TRACK. */
	smp_mb();
	proc = tmm_proc_find(task_tgid(child));
	if (proc) {
		tmm_track_new_thread(proc, child);
		return;
	}
	if (child->tgid == parent->tgid)
		return;
	proc = tmm_proc_find(task_tgid(parent));
	if (proc && (READ_ONCE(proc->flags) & TMM_TRACK_CHILDREN))
		tmm_track_new_process(proc, child);
}

/**
 * tmm_track_exited() - the exit probe: send @p's final figures, forget it,
 * and end its process's tracking when it was the last thread
 * @p: the exiting task (current)
 */
void tmm_track_exited(struct task_struct *p)
{
	struct tmm_thread *t;
	struct tmm_proc *proc;
	bool last = false;

	proc = tmm_proc_find(task_tgid(p));
	if (!proc)
		return;
	t = tmm_thread_find(p);
	if (t)
		tmm_notify_thread_exit(t);
	spin_lock(&tmm_table_lock);
	t = tmm_thread_find(p);
	if (t)
		tmm_thread_remove(t, true);
	/* signal->live dropped to 0 before this tracepoint for the last one. */
	if (!proc->gone && !proc->nr_threads &&
	    !atomic_read(&p->signal->live)) {
		tmm_notify_process_exit(proc);
		tmm_proc_remove(proc);
		last = true;
	}
	spin_unlock(&tmm_table_lock);
	if (last)
		tmm_detach_when_idle();
}

/**
 * tmm_track_exit() - at module unload: refuse new tracking, detach the
 * probes and wait for the idle work
 */
void tmm_track_exit(void)
{
	mutex_lock(&tmm_track_mutex);
	tmm_exiting = true;
	tmm_probes_detach();
	mutex_unlock(&tmm_track_mutex);
	/* The probes are gone and commands see tmm_exiting: nothing queues it. */
	cancel_delayed_work_sync(&tmm_idle_work);
}
