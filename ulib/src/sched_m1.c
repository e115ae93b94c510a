/*
 * sched_m1.c — many-to-one: every tmm thread is a user-level thread on the
 * one kernel thread that called tmm_init.
 *
 * Concepts: one processor and one worker of the user-level engine
 * (sched_user.c); the worker is the caller's own kernel thread, its g0 on a
 * stack of its own.  Switches are register swaps (arch/ARCH/switch.S) and
 * never enter the kernel; tmm's waiting calls park only the calling thread,
 * and when nothing is runnable the kernel thread sleeps on a futex until the
 * nearest timer or an unpark from another kernel thread.
 *
 * The model's price, kept on purpose: a raw blocking system call (read() on
 * an empty pipe, sleep()) stops every tmm thread, and only one CPU is used.
 *
 * Rejected: a signal-driven preemptive timer (SIGALRM switching threads):
 * it makes every libc call a reentrancy hazard, and the model is meant to
 * show cooperative many-to-one scheduling as it is.
 */
#include "sched_user.h"

static int m1_start(void)
{
	tmm_monitor_kick = 0;
	tmm_monitor_stop = 0;
	return tmm_user_start(1);
}

const struct tmm_sched tmm_sched_m1 = {
    .name = "m:1",
    .start = m1_start,
    .stop = tmm_user_stop,
    .spawn = tmm_user_spawn,
    .park = tmm_user_park,
    .wake = tmm_user_wake,
    .hand_joiner = tmm_user_hand_joiner,
    .yield = tmm_user_yield,
    .exit = tmm_user_exit,
    .nprocessors = tmm_user_nprocessors,
    .processor = tmm_user_processor,
    .bind = tmm_user_bind,
};
