// SPDX-License-Identifier: GPL-2.0
/*
 * What each scheduler event means for a tracked thread's figures.
 *
 * A record moves between three phases: on a CPU, queued (runnable, waiting
 * for a CPU) and blocked.  Every event closes the current phase, adds its
 * length to the matching total and opens the next one:
 *
 *   switch out, still queued  on CPU  -> queued   (preempted or yielded)
 *   switch out, dequeued      on CPU  -> blocked  (went to sleep)
 *   wakeup                    blocked -> queued   (a block ends here)
 *   switch in                 queued  -> on CPU   (a run-queue wait ends)
 *
 * Times are local_clock() nanoseconds, the scheduler's own clock.  Called
 * from the probes with preemption disabled; each function takes only the
 * record's raw spinlock.
 */
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/time64.h>
#include <asm/syscall.h>

#include "tmm.h"

static u64 tmm_since(const struct tmm_thread *t, u64 now)
{
	return now > t->since ? now - t->since : 0;
}

/* Bucket 0: under 1 us; bucket i: [2^(i-1), 2^i) us; the last: the rest. */
static unsigned int tmm_hist_bucket(u64 ns)
{
	u64 us = div_u64(ns, NSEC_PER_USEC);

	if (!us)
		return 0;
	return min_t(unsigned int, fls64(us), TMM_HIST_BUCKETS - 1);
}

/**
 * tmm_sleep_kind() - which kind of block a task state is
 * @state: the state the task went to sleep in
 *
 * Return: &enum tmm_sleep.
 */
u8 tmm_sleep_kind(unsigned int state)
{
	if (state & (__TASK_STOPPED | __TASK_TRACED))
		return TMM_SLEEP_OTHER;
	if (state & TASK_UNINTERRUPTIBLE)
		return TMM_SLEEP_D;
	if (state & TASK_INTERRUPTIBLE)
		return TMM_SLEEP_S;
	return TMM_SLEEP_OTHER;
}

/**
 * tmm_syscall_nr() - the system call @task is inside, if any
 * @task: a task that is switching out or asleep
 *
 * Return: the number (orig_ax on x86-64) or -1.
 */
int tmm_syscall_nr(struct task_struct *task)
{
	int nr;

	if (task->flags & PF_KTHREAD)
		return -1;
	nr = syscall_get_nr(task, task_pt_regs(task));
	return nr < 0 ? -1 : nr;
}

/*
 * The slots keep the system calls seen most often; a new one takes a free
 * slot or the least used one, whose figures move to "other", so the totals
 * always add up.
 */
static void tmm_count_syscall(struct tmm_counters *c, int nr, u64 ns)
{
	struct tmm_syscall_slot *s, *least = NULL;
	int i;

	for (i = 0; i < TMM_SYSCALL_SLOTS; i++) {
		s = &c->syscalls[i];
		if (s->blocks && s->nr == nr)
			goto found;
		if (!least || s->blocks < least->blocks)
			least = s;
	}
	s = least;
	c->syscall_other_blocks += s->blocks;
	c->syscall_other_ns += s->block_ns;
	s->nr = nr;
	s->blocks = 0;
	s->block_ns = 0;
found:
	s->blocks++;
	s->block_ns += ns;
}

static void tmm_count_block(struct tmm_thread *t, u64 ns)
{
	struct tmm_counters *c = &t->c;
	u8 kind = t->sleep;

	if (kind >= TMM_NR_SLEEP_KINDS)
		return;
	c->blocks[kind]++;
	c->block_ns[kind] += ns;
	c->block_max_ns[kind] = max(c->block_max_ns[kind], ns);
	c->block_hist[tmm_hist_bucket(ns)]++;
	tmm_count_syscall(c, t->block_nr, ns);
}

/**
 * tmm_account_switch_out() - @t leaves its CPU
 * @t: the record
 * @now: the time
 * @preempt: the scheduler preempted it
 * @state: the state it switched out in (sched_switch's prev_state)
 * @dequeued: it left the run queue, i.e. it blocked
 * @nr: the system call it is inside, or -1
 */
void tmm_account_switch_out(struct tmm_thread *t, u64 now, bool preempt,
			    unsigned int state, bool dequeued, int nr)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&t->lock, flags);
	if (t->phase == TMM_PHASE_ON_CPU)
		t->c.on_cpu_ns += tmm_since(t, now);
	/* The same split as the kernel's nvcsw and nivcsw. */
	if (!preempt && state != TASK_RUNNING)
		t->c.vol_switches++;
	else
		t->c.invol_switches++;
	if (dequeued) {
		t->phase = TMM_PHASE_BLOCKED;
		t->sleep = tmm_sleep_kind(state);
		t->block_nr = nr;
	} else {
		t->phase = TMM_PHASE_QUEUED;
		t->woken = false;
	}
	t->since = now;
	raw_spin_unlock_irqrestore(&t->lock, flags);
}

/**
 * tmm_account_switch_in() - @t gets a CPU
 * @t: the record
 * @now: the time
 */
void tmm_account_switch_in(struct tmm_thread *t, u64 now)
{
	unsigned long flags;
	u64 waited;

	raw_spin_lock_irqsave(&t->lock, flags);
	if (t->phase == TMM_PHASE_QUEUED) {
		waited = tmm_since(t, now);
		t->c.runq_delay_ns += waited;
		t->c.runq_waits++;
		if (t->woken)
			t->c.wakeup_hist[tmm_hist_bucket(waited)]++;
	}
	t->c.sched_in++;
	t->phase = TMM_PHASE_ON_CPU;
	t->since = now;
	raw_spin_unlock_irqrestore(&t->lock, flags);
}

/**
 * tmm_account_wakeup() - @t is made runnable
 * @t: the record
 * @now: the time
 * @new_task: the first wakeup of a new thread (no block ends)
 *
 * A wakeup of a thread that had not blocked yet (it was still on its way to
 * sleep) changes nothing.
 */
void tmm_account_wakeup(struct tmm_thread *t, u64 now, bool new_task)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&t->lock, flags);
	if (t->phase == TMM_PHASE_BLOCKED || new_task) {
		if (t->phase == TMM_PHASE_BLOCKED)
			tmm_count_block(t, tmm_since(t, now));
		t->phase = TMM_PHASE_QUEUED;
		t->woken = true;
		t->since = now;
	}
	raw_spin_unlock_irqrestore(&t->lock, flags);
}

/**
 * tmm_account_migrate() - @t moves to another CPU
 * @t: the record
 */
void tmm_account_migrate(struct tmm_thread *t)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&t->lock, flags);
	t->c.migrations++;
	raw_spin_unlock_irqrestore(&t->lock, flags);
}

/**
 * tmm_account_start() - the phase of a thread found already running
 * @t: a record not yet inserted
 * @task: the thread
 * @now: the time
 *
 * A guess from the task's state; a race with the thread's own switches
 * can misplace the first few microseconds, and a thread caught on its way
 * to sleep (state set, still on its CPU) is taken for running, so that
 * one block goes uncounted.
 */
void tmm_account_start(struct tmm_thread *t, struct task_struct *task,
		       u64 now)
{
	unsigned int state = READ_ONCE(task->__state);

	if (task == current || READ_ONCE(task->on_cpu)) {
		t->phase = TMM_PHASE_ON_CPU;
	} else if (state == TASK_RUNNING) {
		t->phase = TMM_PHASE_QUEUED;
	} else {
		t->phase = TMM_PHASE_BLOCKED;
		t->sleep = tmm_sleep_kind(state);
		t->block_nr = tmm_syscall_nr(task);
	}
	t->since = now;
}
