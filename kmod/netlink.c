// SPDX-License-Identifier: GPL-2.0
/*
 * The "tmm" generic netlink family: policies, commands, replies, the dump
 * and the "events" multicast group.  The message layout is defined in
 * <linux/tmm.h>; this file only builds and checks it.
 *
 * Every command has its own strict policy (resv_start_op covers them all),
 * so a missing, malformed, oversized or unknown attribute is refused by
 * the genetlink core before a handler runs.  Pids in requests and replies
 * are in the caller's pid namespace; the exit events, which have no
 * caller, carry pids of the initial namespace.
 */
#include <linux/cred.h>
#include <linux/pid_namespace.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "tmm.h"

enum tmm_mcgrp {
	TMM_MCGRP_EVENTS,
};

/* Large enough for one thread: about 1.3 KiB with every syscall slot. */
#define TMM_MSG_SIZE	NLMSG_GOODSIZE

static struct genl_family tmm_family;

/*
 * May the sender read @task's figures?  What ptrace would allow a reader:
 * the same user on every uid and gid of the target, or CAP_SYS_PTRACE
 * (for the socket's opener and the sender both).
 */
static bool tmm_may_read(const struct sk_buff *skb, struct task_struct *task)
{
	const struct cred *me = current_cred(), *them;
	bool same;

	if (netlink_capable(skb, CAP_SYS_PTRACE))
		return true;
	rcu_read_lock();
	them = __task_cred(task);
	same = uid_eq(me->uid, them->uid) && uid_eq(me->uid, them->euid) &&
	       uid_eq(me->uid, them->suid) && gid_eq(me->gid, them->gid) &&
	       gid_eq(me->gid, them->egid) && gid_eq(me->gid, them->sgid);
	rcu_read_unlock();
	return same;
}

/*
 * The task named by pid attribute @attr of the request (a thread for
 * PIDTYPE_PID, a process's leader for PIDTYPE_TGID), if the sender may
 * read it.  Takes a reference.
 */
static int tmm_task_get(const struct sk_buff *skb, struct nlattr **attrs,
			int attr, enum pid_type type,
			struct netlink_ext_ack *extack,
			struct task_struct **task)
{
	struct pid *pid;

	if (!attrs[attr]) {
		NL_SET_ERR_ATTR_MISS(extack, NULL, attr);
		NL_SET_ERR_MSG(extack, "a pid attribute is required");
		return -EINVAL;
	}
	pid = find_get_pid(nla_get_u32(attrs[attr]));
	*task = pid ? get_pid_task(pid, type) : NULL;
	put_pid(pid);
	if (!*task) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[attr],
				    "no such thread or process");
		return -ESRCH;
	}
	if (!tmm_may_read(skb, *task)) {
		put_task_struct(*task);
		*task = NULL;
		NL_SET_ERR_MSG_ATTR(extack, attrs[attr],
				    "not permitted to read that process");
		return -EPERM;
	}
	return 0;
}

static int tmm_put_hist(struct sk_buff *skb, int attr, const u64 *hist)
{
	struct nlattr *nest = nla_nest_start(skb, attr);
	int i;

	if (!nest)
		return -EMSGSIZE;
	/* Bucket i is type i + 1; type 0 is padding. */
	for (i = 0; i < TMM_HIST_BUCKETS; i++)
		if (nla_put_u64_64bit(skb, i + 1, hist[i], 0))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int tmm_slot_cmp(const void *a, const void *b)
{
	const struct tmm_syscall_slot *x = a, *y = b;

	if (x->blocks != y->blocks)
		return x->blocks < y->blocks ? 1 : -1;
	return x->nr - y->nr;
}

static int tmm_put_syscalls(struct sk_buff *skb, struct tmm_counters *c)
{
	struct tmm_syscall_slot *s = c->syscalls;
	struct nlattr *nest, *slot;
	int i;

	sort(s, TMM_SYSCALL_SLOTS, sizeof(*s), tmm_slot_cmp, NULL);
	nest = nla_nest_start(skb, TMM_THREAD_A_SYSCALLS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < TMM_SYSCALL_SLOTS && s[i].blocks; i++) {
		slot = nla_nest_start(skb, TMM_THREAD_A_SYSCALL);
		if (!slot ||
		    nla_put_s32(skb, TMM_SYSCALL_A_NR, s[i].nr) ||
		    nla_put_u64_64bit(skb, TMM_SYSCALL_A_BLOCKS, s[i].blocks,
				      TMM_SYSCALL_A_PAD) ||
		    nla_put_u64_64bit(skb, TMM_SYSCALL_A_BLOCK_NS,
				      s[i].block_ns, TMM_SYSCALL_A_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, slot);
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int tmm_put_u64(struct sk_buff *skb, int attr, u64 value)
{
	return nla_put_u64_64bit(skb, attr, value, TMM_THREAD_A_PAD);
}

static int tmm_put_counters(struct sk_buff *skb, struct tmm_counters *c)
{
	if (tmm_put_u64(skb, TMM_THREAD_A_ON_CPU_NS, c->on_cpu_ns) ||
	    tmm_put_u64(skb, TMM_THREAD_A_RUNQ_DELAY_NS, c->runq_delay_ns) ||
	    tmm_put_u64(skb, TMM_THREAD_A_RUNQ_WAITS, c->runq_waits) ||
	    tmm_put_u64(skb, TMM_THREAD_A_SCHED_IN, c->sched_in) ||
	    tmm_put_u64(skb, TMM_THREAD_A_VOL_SWITCHES, c->vol_switches) ||
	    tmm_put_u64(skb, TMM_THREAD_A_INVOL_SWITCHES, c->invol_switches) ||
	    tmm_put_u64(skb, TMM_THREAD_A_MIGRATIONS, c->migrations) ||
	    tmm_put_u64(skb, TMM_THREAD_A_S_BLOCKS, c->blocks[TMM_SLEEP_S]) ||
	    tmm_put_u64(skb, TMM_THREAD_A_S_BLOCK_NS,
			c->block_ns[TMM_SLEEP_S]) ||
	    tmm_put_u64(skb, TMM_THREAD_A_S_BLOCK_MAX_NS,
			c->block_max_ns[TMM_SLEEP_S]) ||
	    tmm_put_u64(skb, TMM_THREAD_A_D_BLOCKS, c->blocks[TMM_SLEEP_D]) ||
	    tmm_put_u64(skb, TMM_THREAD_A_D_BLOCK_NS,
			c->block_ns[TMM_SLEEP_D]) ||
	    tmm_put_u64(skb, TMM_THREAD_A_D_BLOCK_MAX_NS,
			c->block_max_ns[TMM_SLEEP_D]) ||
	    tmm_put_hist(skb, TMM_THREAD_A_BLOCK_HIST, c->block_hist) ||
	    tmm_put_hist(skb, TMM_THREAD_A_WAKEUP_HIST, c->wakeup_hist) ||
	    tmm_put_syscalls(skb, c) ||
	    tmm_put_u64(skb, TMM_THREAD_A_SYSCALL_OTHER_BLOCKS,
			c->syscall_other_blocks) ||
	    tmm_put_u64(skb, TMM_THREAD_A_SYSCALL_OTHER_NS,
			c->syscall_other_ns))
		return -EMSGSIZE;
	return 0;
}

/* Puts TMM_A_THREAD for record @t (under RCU), pids as seen from @ns. */
static int tmm_put_thread(struct sk_buff *skb, struct tmm_thread *t,
			  struct pid_namespace *ns)
{
	struct task_struct *task = t->task;
	struct tmm_thread_snap *snap;
	char comm[TASK_COMM_LEN];
	struct nlattr *nest;
	int err = -EMSGSIZE;

	/* Too big for the stack of a probe. */
	snap = kmalloc(sizeof(*snap), GFP_ATOMIC);
	if (!snap)
		return -ENOMEM;
	tmm_thread_snapshot(t, snap);
	get_task_comm(comm, task);
	nest = nla_nest_start(skb, TMM_A_THREAD);
	if (!nest ||
	    nla_put_u32(skb, TMM_THREAD_A_TID, task_pid_nr_ns(task, ns)) ||
	    nla_put_u32(skb, TMM_THREAD_A_TGID, task_tgid_nr_ns(task, ns)) ||
	    nla_put_string(skb, TMM_THREAD_A_COMM, comm) ||
	    (snap->label[0] &&
	     nla_put_string(skb, TMM_THREAD_A_LABEL, snap->label)) ||
	    nla_put_u32(skb, TMM_THREAD_A_STATE, snap->state) ||
	    nla_put_u32(skb, TMM_THREAD_A_CPU, task_cpu(task)) ||
	    tmm_put_u64(skb, TMM_THREAD_A_TRACKED_NS, snap->tracked_ns) ||
	    tmm_put_counters(skb, &snap->c))
		goto out;
	nla_nest_end(skb, nest);
	err = 0;
out:
	kfree(snap);
	return err;
}

/* Puts TMM_A_PROCESS for @proc (under RCU or the table lock). */
static int tmm_put_process(struct sk_buff *skb, struct tmm_proc *proc,
			   struct pid_namespace *ns)
{
	struct nlattr *nest = nla_nest_start(skb, TMM_A_PROCESS);

	if (!nest ||
	    nla_put_u32(skb, TMM_PROCESS_A_TGID, pid_nr_ns(proc->tgid, ns)) ||
	    nla_put_u32(skb, TMM_PROCESS_A_FLAGS, READ_ONCE(proc->flags)) ||
	    nla_put_u32(skb, TMM_PROCESS_A_THREADS,
			READ_ONCE(proc->nr_threads)) ||
	    nla_put_u64_64bit(skb, TMM_PROCESS_A_THREADS_SEEN,
			      READ_ONCE(proc->threads_seen),
			      TMM_PROCESS_A_PAD) ||
	    nla_put_u64_64bit(skb, TMM_PROCESS_A_THREADS_EXITED,
			      READ_ONCE(proc->threads_exited),
			      TMM_PROCESS_A_PAD) ||
	    nla_put_u64_64bit(skb, TMM_PROCESS_A_DROPPED,
			      atomic64_read(&proc->dropped),
			      TMM_PROCESS_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Starts the reply to @info's request, or returns an ERR_PTR when it
 * cannot.  tmm_reply_finish() sends or frees it.
 */
static struct sk_buff *tmm_reply_start(struct genl_info *info, u8 cmd,
				       void **hdr)
{
	struct sk_buff *reply = genlmsg_new(TMM_MSG_SIZE, GFP_KERNEL);

	if (!reply)
		return ERR_PTR(-ENOMEM);
	*hdr = genlmsg_put_reply(reply, info, &tmm_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(reply);
		return ERR_PTR(-EMSGSIZE);
	}
	return reply;
}

/* Sends the reply when @err is 0, else frees it; returns the outcome. */
static int tmm_reply_finish(struct sk_buff *reply, void *hdr,
			    struct genl_info *info, int err)
{
	if (err) {
		nlmsg_free(reply);
		return err;
	}
	genlmsg_end(reply, hdr);
	return genlmsg_reply(reply, info);
}

static int tmm_cmd_hello(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *reply;
	void *hdr;
	int err = 0;

	reply = tmm_reply_start(info, TMM_CMD_HELLO, &hdr);
	if (IS_ERR(reply))
		return PTR_ERR(reply);
	if (nla_put_u32(reply, TMM_A_VERSION, TMM_GENL_VERSION) ||
	    nla_put_u32(reply, TMM_A_MAX_THREADS, READ_ONCE(tmm_max_threads)) ||
	    nla_put_u32(reply, TMM_A_THREADS, atomic_read(&tmm_nr_threads)) ||
	    nla_put_u64_64bit(reply, TMM_A_DROPPED,
			      atomic64_read(&tmm_dropped), TMM_A_PAD) ||
	    nla_put_u32(reply, TMM_A_PROBES_ATTACHED, tmm_probes_attached()))
		err = -EMSGSIZE;
	return tmm_reply_finish(reply, hdr, info, err);
}

static int tmm_cmd_track(struct sk_buff *skb, struct genl_info *info)
{
	struct task_struct *leader;
	u32 flags = 0;
	int err;

	err = tmm_task_get(skb, info->attrs, TMM_A_TGID, PIDTYPE_TGID,
			   info->extack, &leader);
	if (err)
		return err;
	if (info->attrs[TMM_A_FLAGS])
		flags = nla_get_u32(info->attrs[TMM_A_FLAGS]);
	err = tmm_track(leader, flags);
	put_task_struct(leader);
	if (err == -ESRCH)
		NL_SET_ERR_MSG(info->extack, "the process is exiting");
	else if (err)
		NL_SET_ERR_MSG(info->extack, "tracking could not start");
	return err;
}

static int tmm_cmd_untrack(struct sk_buff *skb, struct genl_info *info)
{
	struct task_struct *leader;
	int err;

	err = tmm_task_get(skb, info->attrs, TMM_A_TGID, PIDTYPE_TGID,
			   info->extack, &leader);
	if (err)
		return err;
	err = tmm_untrack(task_tgid(leader));
	put_task_struct(leader);
	if (err)
		NL_SET_ERR_MSG(info->extack, "the process is not tracked");
	return err;
}

static int tmm_cmd_get_thread(struct sk_buff *skb, struct genl_info *info)
{
	struct task_struct *task;
	struct sk_buff *reply;
	struct tmm_thread *t;
	void *hdr;
	int err;

	err = tmm_task_get(skb, info->attrs, TMM_A_TID, PIDTYPE_PID,
			   info->extack, &task);
	if (err)
		return err;
	reply = tmm_reply_start(info, TMM_CMD_GET_THREAD, &hdr);
	if (IS_ERR(reply)) {
		put_task_struct(task);
		return PTR_ERR(reply);
	}
	rcu_read_lock();
	t = tmm_thread_find(task);
	if (t) {
		err = tmm_put_thread(reply, t, task_active_pid_ns(current));
	} else {
		NL_SET_ERR_MSG(info->extack, "the thread is not tracked");
		err = -ENOENT;
	}
	rcu_read_unlock();
	put_task_struct(task);
	return tmm_reply_finish(reply, hdr, info, err);
}

static int tmm_dump_threads_start(struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct task_struct *leader;
	int err;

	err = tmm_task_get(cb->skb, info->attrs, TMM_A_TGID, PIDTYPE_TGID,
			   cb->extack, &leader);
	if (err)
		return err;
	rcu_read_lock();
	if (tmm_proc_find(task_tgid(leader))) {
		cb->args[0] = (long)get_pid(task_tgid(leader));
		cb->args[1] = 0;
	} else {
		NL_SET_ERR_MSG(cb->extack, "the process is not tracked");
		err = -ENOENT;
	}
	rcu_read_unlock();
	put_task_struct(leader);
	return err;
}

static int tmm_dump_threads_done(struct netlink_callback *cb)
{
	/* NULL when start failed. */
	put_pid((struct pid *)cb->args[0]);
	return 0;
}

/*
 * One message per thread.  cb->args[1] counts the threads already sent;
 * threads that come or go between two parts may be missed or repeated,
 * as in any netlink dump.
 */
static int tmm_dump_threads(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	long skip = cb->args[1], idx = 0;
	struct tmm_proc *proc;
	struct tmm_thread *t;
	void *hdr;

	rcu_read_lock();
	proc = tmm_proc_find((struct pid *)cb->args[0]);
	if (!proc)
		goto out;
	list_for_each_entry_rcu(t, &proc->threads, proc_node) {
		if (idx < skip) {
			idx++;
			continue;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &tmm_family, NLM_F_MULTI,
				  TMM_CMD_GET_THREAD);
		if (!hdr)
			break;
		if (tmm_put_thread(skb, t, ns)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		idx++;
	}
out:
	rcu_read_unlock();
	cb->args[1] = idx;
	return skb->len;
}

static int tmm_label_set(struct task_struct *task, const struct nlattr *label)
{
	struct tmm_thread *t;
	unsigned long flags;
	int err = 0;

	rcu_read_lock();
	t = tmm_thread_find(task);
	if (t) {
		raw_spin_lock_irqsave(&t->lock, flags);
		nla_strscpy(t->label, label, sizeof(t->label));
		raw_spin_unlock_irqrestore(&t->lock, flags);
	} else {
		err = -ENOENT;
	}
	rcu_read_unlock();
	return err;
}

static int tmm_cmd_set_label(struct sk_buff *skb, struct genl_info *info)
{
	struct task_struct *task, *leader;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, TMM_A_LABEL))
		return -EINVAL;
	err = tmm_task_get(skb, info->attrs, TMM_A_TID, PIDTYPE_PID,
			   info->extack, &task);
	if (err)
		return err;
	err = tmm_label_set(task, info->attrs[TMM_A_LABEL]);
	if (err == -ENOENT) {
		/* Labelling asks for the thread to be watched: track it. */
		leader = get_pid_task(task_tgid(task), PIDTYPE_TGID);
		err = leader ? tmm_track(leader, TMM_TRACK_IMPLICIT) : -ESRCH;
		if (leader)
			put_task_struct(leader);
		if (!err)
			err = tmm_label_set(task, info->attrs[TMM_A_LABEL]);
		if (err == -ENOENT) {
			NL_SET_ERR_MSG(info->extack,
				       "thread not tracked: the cap is reached");
			err = -ENOSPC;
		}
	}
	put_task_struct(task);
	return err;
}

static int tmm_cmd_reset(struct sk_buff *skb, struct genl_info *info)
{
	struct task_struct *leader;
	struct tmm_proc *proc;
	struct tmm_thread *t;
	int err;

	err = tmm_task_get(skb, info->attrs, TMM_A_TGID, PIDTYPE_TGID,
			   info->extack, &leader);
	if (err)
		return err;
	rcu_read_lock();
	proc = tmm_proc_find(task_tgid(leader));
	if (proc)
		list_for_each_entry_rcu(t, &proc->threads, proc_node)
			tmm_thread_reset(t);
	rcu_read_unlock();
	put_task_struct(leader);
	if (!proc) {
		NL_SET_ERR_MSG(info->extack, "the process is not tracked");
		return -ENOENT;
	}
	return 0;
}

static int tmm_cmd_get_process(struct sk_buff *skb, struct genl_info *info)
{
	struct task_struct *leader;
	struct sk_buff *reply;
	struct tmm_proc *proc;
	void *hdr;
	int err;

	err = tmm_task_get(skb, info->attrs, TMM_A_TGID, PIDTYPE_TGID,
			   info->extack, &leader);
	if (err)
		return err;
	reply = tmm_reply_start(info, TMM_CMD_GET_PROCESS, &hdr);
	if (IS_ERR(reply)) {
		put_task_struct(leader);
		return PTR_ERR(reply);
	}
	rcu_read_lock();
	proc = tmm_proc_find(task_tgid(leader));
	if (proc) {
		err = tmm_put_process(reply, proc,
				      task_active_pid_ns(current));
	} else {
		NL_SET_ERR_MSG(info->extack, "the process is not tracked");
		err = -ENOENT;
	}
	rcu_read_unlock();
	put_task_struct(leader);
	return tmm_reply_finish(reply, hdr, info, err);
}

static bool tmm_events_wanted(void)
{
	return genl_has_listeners(&tmm_family, &init_net, TMM_MCGRP_EVENTS);
}

static void tmm_event_send(struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&tmm_family, skb, 0, TMM_MCGRP_EVENTS, GFP_ATOMIC);
}

/**
 * tmm_notify_thread_exit() - send a thread's final figures to "events"
 * @t: the record of the exiting thread (current), under RCU
 *
 * Called from the exit probe: allocates atomically; a listener whose
 * buffer is full gets ENOBUFS from its socket, as netlink does.
 */
void tmm_notify_thread_exit(struct tmm_thread *t)
{
	struct sk_buff *skb;
	void *hdr;

	if (!tmm_events_wanted())
		return;
	skb = genlmsg_new(TMM_MSG_SIZE, GFP_ATOMIC);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &tmm_family, 0, TMM_CMD_THREAD_EXIT);
	if (!hdr || tmm_put_thread(skb, t, &init_pid_ns)) {
		nlmsg_free(skb);
		return;
	}
	tmm_event_send(skb, hdr);
}

/**
 * tmm_notify_process_exit() - tell "events" a tracked process has ended
 * @proc: the process, table lock held
 */
void tmm_notify_process_exit(struct tmm_proc *proc)
{
	struct sk_buff *skb;
	void *hdr;

	if (!tmm_events_wanted())
		return;
	skb = genlmsg_new(TMM_MSG_SIZE, GFP_ATOMIC);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &tmm_family, 0, TMM_CMD_PROCESS_EXIT);
	if (!hdr || tmm_put_process(skb, proc, &init_pid_ns)) {
		nlmsg_free(skb);
		return;
	}
	tmm_event_send(skb, hdr);
}

static const struct nla_policy tmm_tgid_policy[TMM_A_MAX + 1] = {
	[TMM_A_TGID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy tmm_track_policy[TMM_A_MAX + 1] = {
	[TMM_A_TGID] = NLA_POLICY_MIN(NLA_U32, 1),
	[TMM_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, TMM_TRACK_CHILDREN),
};

static const struct nla_policy tmm_get_thread_policy[TMM_A_MAX + 1] = {
	[TMM_A_TID] = NLA_POLICY_MIN(NLA_U32, 1),
	[TMM_A_TGID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy tmm_set_label_policy[TMM_A_MAX + 1] = {
	[TMM_A_TID] = NLA_POLICY_MIN(NLA_U32, 1),
	[TMM_A_LABEL] = { .type = NLA_NUL_STRING, .len = TMM_LABEL_LEN - 1 },
};

static const struct genl_ops tmm_ops[] = {
	{
		.cmd = TMM_CMD_HELLO,
		.doit = tmm_cmd_hello,
	},
	{
		.cmd = TMM_CMD_TRACK,
		.doit = tmm_cmd_track,
		.policy = tmm_track_policy,
		.maxattr = TMM_A_MAX,
	},
	{
		.cmd = TMM_CMD_UNTRACK,
		.doit = tmm_cmd_untrack,
		.policy = tmm_tgid_policy,
		.maxattr = TMM_A_MAX,
	},
	{
		.cmd = TMM_CMD_GET_THREAD,
		.doit = tmm_cmd_get_thread,
		.start = tmm_dump_threads_start,
		.dumpit = tmm_dump_threads,
		.done = tmm_dump_threads_done,
		.policy = tmm_get_thread_policy,
		.maxattr = TMM_A_MAX,
	},
	{
		.cmd = TMM_CMD_SET_LABEL,
		.doit = tmm_cmd_set_label,
		.policy = tmm_set_label_policy,
		.maxattr = TMM_A_MAX,
	},
	{
		.cmd = TMM_CMD_RESET,
		.doit = tmm_cmd_reset,
		.policy = tmm_tgid_policy,
		.maxattr = TMM_A_MAX,
	},
	{
		.cmd = TMM_CMD_GET_PROCESS,
		.doit = tmm_cmd_get_process,
		.policy = tmm_tgid_policy,
		.maxattr = TMM_A_MAX,
	},
};

/* The events carry other users' figures: only CAP_NET_ADMIN may listen. */
static const struct genl_multicast_group tmm_mcgrps[] = {
	[TMM_MCGRP_EVENTS] = {
		.name = TMM_GENL_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

static struct genl_family tmm_family __ro_after_init = {
	.name = TMM_GENL_NAME,
	.version = TMM_GENL_VERSION,
	.maxattr = TMM_A_MAX,
	.module = THIS_MODULE,
	.ops = tmm_ops,
	.n_ops = ARRAY_SIZE(tmm_ops),
	.mcgrps = tmm_mcgrps,
	.n_mcgrps = ARRAY_SIZE(tmm_mcgrps),
	/* Every command gets strict validation. */
	.resv_start_op = TMM_CMD_HELLO,
};

/**
 * tmm_netlink_init() - register the "tmm" generic netlink family
 *
 * Return: 0 or a negative errno from genl_register_family().
 */
int tmm_netlink_init(void)
{
	return genl_register_family(&tmm_family);
}

/**
 * tmm_netlink_exit() - unregister the family
 */
void tmm_netlink_exit(void)
{
	genl_unregister_family(&tmm_family);
}
