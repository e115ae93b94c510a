// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler tracepoints tmm.ko listens to.
 *
 * Tracepoints are not exported as symbols, so they are found by name with
 * for_each_kernel_tracepoint() when the module loads.  The probes are
 * attached only while a process is tracked: a loaded module that tracks
 * nothing adds nothing to the scheduler's paths.  Each probe looks the task
 * up in the RCU thread table and returns at once for untracked tasks.
 */
#include <linux/sched/clock.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "tmm.h"

static void tmm_probe_switch(void *data, bool preempt,
			     struct task_struct *prev,
			     struct task_struct *next,
			     unsigned int prev_state)
{
	struct tmm_thread *t;
	u64 now = local_clock();

	t = tmm_thread_find(prev);
	if (t)
		tmm_account_switch_out(t, now, preempt, prev_state,
				       !READ_ONCE(prev->on_rq),
				       tmm_syscall_nr(prev));
	t = tmm_thread_find(next);
	if (t)
		tmm_account_switch_in(t, now);
}

static void tmm_probe_wakeup(void *data, struct task_struct *p)
{
	struct tmm_thread *t = tmm_thread_find(p);

	if (t)
		tmm_account_wakeup(t, local_clock(), false);
}

static void tmm_probe_wakeup_new(void *data, struct task_struct *p)
{
	struct tmm_thread *t = tmm_thread_find(p);

	if (t)
		tmm_account_wakeup(t, local_clock(), true);
}

static void tmm_probe_migrate(void *data, struct task_struct *p, int dest_cpu)
{
	struct tmm_thread *t = tmm_thread_find(p);

	if (t)
		tmm_account_migrate(t);
}

static void tmm_probe_fork(void *data, struct task_struct *parent,
			   struct task_struct *child)
{
	tmm_track_forked(parent, child);
}

static void tmm_probe_exit(void *data, struct task_struct *p)
{
	tmm_track_exited(p);
}

struct tmm_tracepoint {
	const char *name;
	void *probe;
	struct tracepoint *tp;
};

static struct tmm_tracepoint tmm_tracepoints[] = {
	{ "sched_switch", tmm_probe_switch },
	{ "sched_wakeup", tmm_probe_wakeup },
	{ "sched_wakeup_new", tmm_probe_wakeup_new },
	{ "sched_migrate_task", tmm_probe_migrate },
	{ "sched_process_fork", tmm_probe_fork },
	{ "sched_process_exit", tmm_probe_exit },
};

static bool tmm_attached;

static void tmm_tracepoint_match(struct tracepoint *tp, void *priv)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(tmm_tracepoints); i++)
		if (!strcmp(tp->name, tmm_tracepoints[i].name))
			tmm_tracepoints[i].tp = tp;
}

/**
 * tmm_probes_init() - find the tracepoints
 *
 * Return: 0, or -ENOENT when the kernel lacks one of them.
 */
int tmm_probes_init(void)
{
	int i;

	for_each_kernel_tracepoint(tmm_tracepoint_match, NULL);
	for (i = 0; i < ARRAY_SIZE(tmm_tracepoints); i++) {
		if (!tmm_tracepoints[i].tp) {
			pr_err("tmm: no tracepoint %s\n",
			       tmm_tracepoints[i].name);
			return -ENOENT;
		}
	}
	return 0;
}

static void tmm_probes_unregister(int n)
{
	while (n-- > 0)
		tracepoint_probe_unregister(tmm_tracepoints[n].tp,
					    tmm_tracepoints[n].probe, NULL);
	/* No probe runs, or will run, once this returns. */
	tracepoint_synchronize_unregister();
}

/**
 * tmm_probes_attach() - register every probe; caller serialises
 *
 * Return: 0 or the error of tracepoint_probe_register().
 */
int tmm_probes_attach(void)
{
	int i, err;

	for (i = 0; i < ARRAY_SIZE(tmm_tracepoints); i++) {
		err = tracepoint_probe_register(tmm_tracepoints[i].tp,
						tmm_tracepoints[i].probe, NULL);
		if (err) {
			tmm_probes_unregister(i);
			return err;
		}
	}
	WRITE_ONCE(tmm_attached, true);
	return 0;
}

/**
 * tmm_probes_detach() - unregister every probe and wait for running ones;
 * caller serialises
 */
void tmm_probes_detach(void)
{
	if (!tmm_attached)
		return;
	tmm_probes_unregister(ARRAY_SIZE(tmm_tracepoints));
	WRITE_ONCE(tmm_attached, false);
}

/**
 * tmm_probes_attached() - the probes are registered (exact under the
 * tracking mutex, a hint without it)
 *
 * Return: true when they are.
 */
bool tmm_probes_attached(void)
{
	return READ_ONCE(tmm_attached);
}
