/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared between the files of tmm.ko. */
#ifndef TMM_KMOD_H
#define TMM_KMOD_H

#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/tmm.h>
#include <linux/types.h>

/* Where a tracked thread is, as far as the probes have seen. */
enum tmm_phase {
	TMM_PHASE_UNKNOWN,	/* not seen yet: the next event sets it */
	TMM_PHASE_ON_CPU,
	TMM_PHASE_QUEUED,	/* runnable, waiting for a CPU */
	TMM_PHASE_BLOCKED,
};

/* Kinds of sleep, indexes of the per-kind counters. */
enum tmm_sleep {
	TMM_SLEEP_S,		/* interruptible */
	TMM_SLEEP_D,		/* uninterruptible */
	TMM_SLEEP_OTHER,	/* stopped, traced: not a block */
	TMM_NR_SLEEP_KINDS = TMM_SLEEP_OTHER,
};

/**
 * struct tmm_syscall_slot - blocks inside one system call
 * @nr: system call number, -1 outside any; meaningful when @blocks != 0
 * @blocks: number of blocks
 * @block_ns: their total duration
 */
struct tmm_syscall_slot {
	int nr;
	u64 blocks;
	u64 block_ns;
};

/**
 * struct tmm_counters - the figures of one thread that RESET zeroes
 *
 * Field by field the counterparts of the TMM_THREAD_A_* attributes.
 */
struct tmm_counters {
	u64 on_cpu_ns;
	u64 runq_delay_ns;
	u64 runq_waits;
	u64 sched_in;
	u64 vol_switches;
	u64 invol_switches;
	u64 migrations;
	u64 blocks[TMM_NR_SLEEP_KINDS];
	u64 block_ns[TMM_NR_SLEEP_KINDS];
	u64 block_max_ns[TMM_NR_SLEEP_KINDS];
	u64 block_hist[TMM_HIST_BUCKETS];
	u64 wakeup_hist[TMM_HIST_BUCKETS];
	struct tmm_syscall_slot syscalls[TMM_SYSCALL_SLOTS];
	u64 syscall_other_blocks;
	u64 syscall_other_ns;
};

struct tmm_proc;

/**
 * struct tmm_thread - the record of one tracked kernel thread
 * @hnode: in the thread table, keyed by @task
 * @proc_node: in @proc->threads
 * @rcu: frees the record after readers are gone
 * @task: the thread; a reference is held while the record exists
 * @proc: the tracked process it belongs to
 * @lock: guards every field below; taken in the probes (under the run
 *	queue lock) and by readers, never around anything that sleeps
 * @phase: &enum tmm_phase
 * @sleep: &enum tmm_sleep of the current block (phase BLOCKED)
 * @woken: phase QUEUED began with a wakeup rather than a preemption
 * @block_nr: system call of the current block
 * @since: when the current phase began (local_clock() ns)
 * @tracked_since: when tracking or the last reset began
 * @label: set by user space, "" when none
 * @c: the counters
 */
struct tmm_thread {
	struct hlist_node hnode;
	struct list_head proc_node;
	struct rcu_head rcu;
	struct task_struct *task;
	struct tmm_proc *proc;
	raw_spinlock_t lock;
	u8 phase;
	u8 sleep;
	bool woken;
	int block_nr;
	u64 since;
	u64 tracked_since;
	char label[TMM_LABEL_LEN];
	struct tmm_counters c;
};

/**
 * struct tmm_proc - one tracked process
 * @hnode: in the process table, keyed by @tgid
 * @rcu: frees the record after readers are gone
 * @tgid: the process's tgid; a reference is held
 * @threads: its tracked threads; changed under the table lock, read
 *	under RCU
 * @flags: &enum tmm_track_flags
 * @nr_threads: length of @threads (table lock)
 * @threads_seen: threads ever tracked (table lock)
 * @threads_exited: tracked threads that exited (table lock)
 * @dropped: threads left untracked (cap reached, no memory)
 * @gone: set once the process record is unhashed
 */
struct tmm_proc {
	struct hlist_node hnode;
	struct rcu_head rcu;
	struct pid *tgid;
	struct list_head threads;
	u32 flags;
	u32 nr_threads;
	u64 threads_seen;
	u64 threads_exited;
	atomic64_t dropped;
	bool gone;
};

/**
 * struct tmm_thread_snap - a consistent copy of a record, taken under its
 * lock, from which replies are built without holding it
 */
struct tmm_thread_snap {
	struct tmm_counters c;
	char label[TMM_LABEL_LEN];
	u64 tracked_ns;
	u32 state;
};

/* main.c */
extern unsigned int tmm_max_threads;

/* table.c: the thread and process tables */
extern spinlock_t tmm_table_lock;
extern atomic_t tmm_nr_threads;
extern atomic64_t tmm_dropped;

int tmm_table_init(void);
void tmm_table_exit(void);
struct tmm_thread *tmm_thread_find(const struct task_struct *task);
struct tmm_proc *tmm_proc_find(const struct pid *tgid);
struct tmm_thread *tmm_thread_alloc(gfp_t gfp);
void tmm_thread_free(struct tmm_thread *t);
struct tmm_proc *tmm_proc_alloc(struct pid *tgid, u32 flags, gfp_t gfp);
void tmm_proc_free(struct tmm_proc *proc);
void tmm_proc_insert(struct tmm_proc *proc);
bool tmm_thread_insert(struct tmm_proc *proc, struct tmm_thread *t,
		       struct task_struct *task);
void tmm_thread_remove(struct tmm_thread *t, bool exited);
void tmm_proc_remove(struct tmm_proc *proc);
bool tmm_table_empty(void);
void tmm_thread_snapshot(struct tmm_thread *t, struct tmm_thread_snap *snap);
void tmm_thread_reset(struct tmm_thread *t);

/* account.c: what each scheduler event means for a record */
u8 tmm_sleep_kind(unsigned int state);
int tmm_syscall_nr(struct task_struct *task);
void tmm_account_switch_out(struct tmm_thread *t, u64 now, bool preempt,
			    unsigned int state, bool dequeued, int nr);
void tmm_account_switch_in(struct tmm_thread *t, u64 now);
void tmm_account_wakeup(struct tmm_thread *t, u64 now, bool new_task);
void tmm_account_migrate(struct tmm_thread *t);
void tmm_account_start(struct tmm_thread *t, struct task_struct *task,
		       u64 now);

/* track.c: starting and ending tracking */
int tmm_track(struct task_struct *leader, u32 flags);
int tmm_untrack(struct pid *tgid);
void tmm_track_forked(struct task_struct *parent, struct task_struct *child);
void tmm_track_exited(struct task_struct *p);
void tmm_track_exit(void);

/* probes.c: the scheduler tracepoints */
int tmm_probes_init(void);
int tmm_probes_attach(void);
void tmm_probes_detach(void);
bool tmm_probes_attached(void);

/* netlink.c: the family */
int tmm_netlink_init(void);
void tmm_netlink_exit(void);
void tmm_notify_thread_exit(struct tmm_thread *t);
void tmm_notify_process_exit(struct tmm_proc *proc);

#endif /* TMM_KMOD_H */
