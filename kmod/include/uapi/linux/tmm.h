/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tmm — the generic netlink contract between tmm.ko and user space.
 *
 * This header is the only definition of the family: the module, tmmstat and
 * libtmm all include it.  Documentation/netlink/tmm.yaml describes the same
 * family for tools; Documentation/kmod/ says how each figure is measured.
 *
 * Conventions: durations are u64 nanoseconds, counters are u64, ids (tid,
 * tgid, cpu) are u32.  Pids are read and written in the caller's pid
 * namespace.  Every u64 is put with a pad attribute (the *_PAD entries), as
 * nla_put_u64_64bit() does, so a client must skip attribute types it does not
 * know.  New attributes are only ever appended; TMM_GENL_VERSION changes only
 * when the meaning of an existing one does.
 */
#ifndef _UAPI_LINUX_TMM_H
#define _UAPI_LINUX_TMM_H

#define TMM_GENL_NAME		"tmm"
#define TMM_GENL_VERSION	1
/* Multicast group carrying TMM_CMD_THREAD_EXIT and TMM_CMD_PROCESS_EXIT. */
#define TMM_GENL_MCGRP_EVENTS	"events"

/* Longest label, terminating NUL included. */
#define TMM_LABEL_LEN		32
/* Number of buckets of a duration histogram (TMM_THREAD_A_*_HIST). */
#define TMM_HIST_BUCKETS	22
/* At most this many system calls are itemised per thread. */
#define TMM_SYSCALL_SLOTS	8

/**
 * enum tmm_cmd - commands of the family
 * @TMM_CMD_UNSPEC: never used
 * @TMM_CMD_HELLO: no request attribute; replies with %TMM_A_VERSION,
 *	%TMM_A_MAX_THREADS, %TMM_A_THREADS, %TMM_A_DROPPED and
 *	%TMM_A_PROBES_ATTACHED (module-wide).
 * @TMM_CMD_TRACK: start tracking process %TMM_A_TGID (optional
 *	%TMM_A_FLAGS, see &enum tmm_track_flags).  Tracking an already tracked
 *	process updates its flags.  Acknowledged, no reply message.
 * @TMM_CMD_UNTRACK: stop tracking process %TMM_A_TGID and forget its
 *	threads.  Acknowledged, no reply message.
 * @TMM_CMD_GET_THREAD: doit: thread %TMM_A_TID, replies one message with
 *	%TMM_A_THREAD.  Dump (NLM_F_DUMP): every tracked thread of process
 *	%TMM_A_TGID, one message with %TMM_A_THREAD per thread.
 * @TMM_CMD_SET_LABEL: set the label of thread %TMM_A_TID to %TMM_A_LABEL
 *	(an empty string clears it).  Labelling a thread of a process that is
 *	not tracked starts tracking that process (without children).
 * @TMM_CMD_RESET: zero the counters of every thread of process %TMM_A_TGID.
 * @TMM_CMD_GET_PROCESS: process %TMM_A_TGID; replies with %TMM_A_PROCESS.
 * @TMM_CMD_THREAD_EXIT: event on the "events" group: a tracked thread
 *	exited; carries %TMM_A_THREAD with its final statistics.
 * @TMM_CMD_PROCESS_EXIT: event on the "events" group: the last thread of a
 *	tracked process exited; carries %TMM_A_PROCESS.
 * @__TMM_CMD_MAX: internal
 */
enum tmm_cmd {
	TMM_CMD_UNSPEC,
	TMM_CMD_HELLO,
	TMM_CMD_TRACK,
	TMM_CMD_UNTRACK,
	TMM_CMD_GET_THREAD,
	TMM_CMD_SET_LABEL,
	TMM_CMD_RESET,
	TMM_CMD_GET_PROCESS,
	TMM_CMD_THREAD_EXIT,
	TMM_CMD_PROCESS_EXIT,
	__TMM_CMD_MAX,
};

#define TMM_CMD_MAX (__TMM_CMD_MAX - 1)

/**
 * enum tmm_track_flags - bits of %TMM_A_FLAGS and %TMM_PROCESS_A_FLAGS
 * @TMM_TRACK_CHILDREN: also track every process the tracked one forks from
 *	now on (and their children in turn), each from birth.
 * @TMM_TRACK_IMPLICIT: (reported only) tracking was started by
 *	%TMM_CMD_SET_LABEL rather than %TMM_CMD_TRACK.
 */
enum tmm_track_flags {
	TMM_TRACK_CHILDREN = 1 << 0,
	TMM_TRACK_IMPLICIT = 1 << 1,
};

/**
 * enum tmm_genl_attr - top-level attributes of every message
 * @TMM_A_UNSPEC: never used
 * @TMM_A_PAD: padding for 64-bit attributes
 * @TMM_A_VERSION: u32, %TMM_GENL_VERSION of the module
 * @TMM_A_TGID: u32, a process id
 * @TMM_A_TID: u32, a thread id
 * @TMM_A_FLAGS: u32, &enum tmm_track_flags
 * @TMM_A_LABEL: NUL-terminated string of at most %TMM_LABEL_LEN bytes
 * @TMM_A_THREAD: nest, &enum tmm_thread_attr
 * @TMM_A_PROCESS: nest, &enum tmm_process_attr
 * @TMM_A_MAX_THREADS: u32, the module's cap on tracked threads
 * @TMM_A_THREADS: u32, threads tracked now, module-wide
 * @TMM_A_DROPPED: u64, threads not tracked because of the cap, module-wide
 * @TMM_A_PROBES_ATTACHED: u32, 1 while the scheduler probes are attached
 *	(something is tracked, or was less than a second ago), else 0
 * @__TMM_A_MAX: internal
 */
enum tmm_genl_attr {
	TMM_A_UNSPEC,
	TMM_A_VERSION,
	TMM_A_PAD,
	TMM_A_TGID,
	TMM_A_TID,
	TMM_A_FLAGS,
	TMM_A_LABEL,
	TMM_A_THREAD,
	TMM_A_PROCESS,
	TMM_A_MAX_THREADS,
	TMM_A_THREADS,
	TMM_A_DROPPED,
	TMM_A_PROBES_ATTACHED,
	__TMM_A_MAX,
};

#define TMM_A_MAX (__TMM_A_MAX - 1)

/**
 * enum tmm_thread_state - %TMM_THREAD_A_STATE, the thread's state now
 * @TMM_STATE_RUNNING: on a CPU
 * @TMM_STATE_RUNNABLE: waiting for a CPU
 * @TMM_STATE_SLEEPING: interruptible sleep (S)
 * @TMM_STATE_DISK_SLEEP: uninterruptible sleep (D)
 * @TMM_STATE_STOPPED: stopped or traced (T, t)
 * @TMM_STATE_DEAD: exiting or exited (final statistics)
 */
enum tmm_thread_state {
	TMM_STATE_RUNNING,
	TMM_STATE_RUNNABLE,
	TMM_STATE_SLEEPING,
	TMM_STATE_DISK_SLEEP,
	TMM_STATE_STOPPED,
	TMM_STATE_DEAD,
};

/**
 * enum tmm_thread_attr - attributes nested in %TMM_A_THREAD
 * @TMM_THREAD_A_UNSPEC: never used
 * @TMM_THREAD_A_PAD: padding for 64-bit attributes
 * @TMM_THREAD_A_TID: u32, thread id
 * @TMM_THREAD_A_TGID: u32, process id
 * @TMM_THREAD_A_COMM: string, the kernel's comm (at most 16 bytes)
 * @TMM_THREAD_A_LABEL: string, the label set by %TMM_CMD_SET_LABEL; absent
 *	when none was set
 * @TMM_THREAD_A_STATE: u32, &enum tmm_thread_state now
 * @TMM_THREAD_A_CPU: u32, the CPU it runs or last ran on
 * @TMM_THREAD_A_TRACKED_NS: u64, time since tracking (or the last reset)
 *	began; the window every other figure covers
 * @TMM_THREAD_A_ON_CPU_NS: u64, time on a CPU
 * @TMM_THREAD_A_RUNQ_DELAY_NS: u64, time runnable but waiting for a CPU
 * @TMM_THREAD_A_RUNQ_WAITS: u64, number of such waits (each ends when the
 *	thread is switched in)
 * @TMM_THREAD_A_SCHED_IN: u64, times switched in
 * @TMM_THREAD_A_VOL_SWITCHES: u64, voluntary context switches (it gave up
 *	the CPU to wait for something)
 * @TMM_THREAD_A_INVOL_SWITCHES: u64, involuntary context switches
 *	(preempted, or yielded while runnable)
 * @TMM_THREAD_A_MIGRATIONS: u64, moves from one CPU to another
 * @TMM_THREAD_A_S_BLOCKS: u64, completed interruptible sleeps
 * @TMM_THREAD_A_S_BLOCK_NS: u64, total time of those sleeps
 * @TMM_THREAD_A_S_BLOCK_MAX_NS: u64, the longest of them
 * @TMM_THREAD_A_D_BLOCKS: u64, completed uninterruptible sleeps
 * @TMM_THREAD_A_D_BLOCK_NS: u64, total time of those sleeps
 * @TMM_THREAD_A_D_BLOCK_MAX_NS: u64, the longest of them
 * @TMM_THREAD_A_BLOCK_HIST: nest of %TMM_HIST_BUCKETS u64: block durations
 *	(S and D).  Attribute type i + 1 holds bucket i; bucket 0 counts
 *	durations under 1 µs, bucket i (1 <= i <= 20) those in
 *	[2^(i-1) µs, 2^i µs), bucket 21 those of 2^20 µs (1.048576 s) and over.
 * @TMM_THREAD_A_WAKEUP_HIST: nest, same layout: time from wakeup to
 *	running on a CPU.
 * @TMM_THREAD_A_SYSCALLS: nest of up to %TMM_SYSCALL_SLOTS
 *	%TMM_THREAD_A_SYSCALL nests, most frequent first: where it blocked.
 * @TMM_THREAD_A_SYSCALL: nest, &enum tmm_syscall_attr (only inside
 *	%TMM_THREAD_A_SYSCALLS)
 * @TMM_THREAD_A_SYSCALL_OTHER_BLOCKS: u64, blocks in system calls that did
 *	not fit in the itemised slots
 * @TMM_THREAD_A_SYSCALL_OTHER_NS: u64, total time of those blocks
 * @__TMM_THREAD_A_MAX: internal
 */
enum tmm_thread_attr {
	TMM_THREAD_A_UNSPEC,
	TMM_THREAD_A_PAD,
	TMM_THREAD_A_TID,
	TMM_THREAD_A_TGID,
	TMM_THREAD_A_COMM,
	TMM_THREAD_A_LABEL,
	TMM_THREAD_A_STATE,
	TMM_THREAD_A_CPU,
	TMM_THREAD_A_TRACKED_NS,
	TMM_THREAD_A_ON_CPU_NS,
	TMM_THREAD_A_RUNQ_DELAY_NS,
	TMM_THREAD_A_RUNQ_WAITS,
	TMM_THREAD_A_SCHED_IN,
	TMM_THREAD_A_VOL_SWITCHES,
	TMM_THREAD_A_INVOL_SWITCHES,
	TMM_THREAD_A_MIGRATIONS,
	TMM_THREAD_A_S_BLOCKS,
	TMM_THREAD_A_S_BLOCK_NS,
	TMM_THREAD_A_S_BLOCK_MAX_NS,
	TMM_THREAD_A_D_BLOCKS,
	TMM_THREAD_A_D_BLOCK_NS,
	TMM_THREAD_A_D_BLOCK_MAX_NS,
	TMM_THREAD_A_BLOCK_HIST,
	TMM_THREAD_A_WAKEUP_HIST,
	TMM_THREAD_A_SYSCALLS,
	TMM_THREAD_A_SYSCALL,
	TMM_THREAD_A_SYSCALL_OTHER_BLOCKS,
	TMM_THREAD_A_SYSCALL_OTHER_NS,
	__TMM_THREAD_A_MAX,
};

#define TMM_THREAD_A_MAX (__TMM_THREAD_A_MAX - 1)

/**
 * enum tmm_syscall_attr - attributes nested in %TMM_THREAD_A_SYSCALL
 * @TMM_SYSCALL_A_UNSPEC: never used
 * @TMM_SYSCALL_A_PAD: padding for 64-bit attributes
 * @TMM_SYSCALL_A_NR: s32, the system call number of the thread's ABI
 *	(x86-64: __NR_read, __NR_futex, ...); -1 when it blocked outside any
 *	system call (a page fault, for instance).  User space maps numbers
 *	to names.
 * @TMM_SYSCALL_A_BLOCKS: u64, blocks inside that system call
 * @TMM_SYSCALL_A_BLOCK_NS: u64, their total duration
 * @__TMM_SYSCALL_A_MAX: internal
 */
enum tmm_syscall_attr {
	TMM_SYSCALL_A_UNSPEC,
	TMM_SYSCALL_A_PAD,
	TMM_SYSCALL_A_NR,
	TMM_SYSCALL_A_BLOCKS,
	TMM_SYSCALL_A_BLOCK_NS,
	__TMM_SYSCALL_A_MAX,
};

#define TMM_SYSCALL_A_MAX (__TMM_SYSCALL_A_MAX - 1)

/**
 * enum tmm_process_attr - attributes nested in %TMM_A_PROCESS
 * @TMM_PROCESS_A_UNSPEC: never used
 * @TMM_PROCESS_A_PAD: padding for 64-bit attributes
 * @TMM_PROCESS_A_TGID: u32, process id
 * @TMM_PROCESS_A_FLAGS: u32, &enum tmm_track_flags
 * @TMM_PROCESS_A_THREADS: u32, threads tracked now
 * @TMM_PROCESS_A_THREADS_SEEN: u64, threads tracked since tracking began
 *	(exited ones included)
 * @TMM_PROCESS_A_THREADS_EXITED: u64, tracked threads that exited
 * @TMM_PROCESS_A_DROPPED: u64, threads of this process left untracked
 *	because the module's cap (%TMM_A_MAX_THREADS) was reached or memory
 *	ran out
 * @__TMM_PROCESS_A_MAX: internal
 */
enum tmm_process_attr {
	TMM_PROCESS_A_UNSPEC,
	TMM_PROCESS_A_PAD,
	TMM_PROCESS_A_TGID,
	TMM_PROCESS_A_FLAGS,
	TMM_PROCESS_A_THREADS,
	TMM_PROCESS_A_THREADS_SEEN,
	TMM_PROCESS_A_THREADS_EXITED,
	TMM_PROCESS_A_DROPPED,
	__TMM_PROCESS_A_MAX,
};

#define TMM_PROCESS_A_MAX (__TMM_PROCESS_A_MAX - 1)

#endif /* _UAPI_LINUX_TMM_H */
