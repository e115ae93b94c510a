// SPDX-License-Identifier: GPL-2.0
/*
 * tmm.ko — per-kernel-thread scheduling and blocking statistics for the
 * processes user space asks it to track, reported over generic netlink.
 * It observes; it never changes how anything is scheduled.
 *
 * account.c  what each scheduler event means for a thread's figures
 * probes.c   the scheduler tracepoints, attached only while tracking
 * table.c    per-thread and per-process records (RCU hash tables)
 * track.c    starting and ending tracking, forks and exits
 * netlink.c  the "tmm" family: commands, dump, exit events
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "tmm.h"

unsigned int tmm_max_threads = 65536;
module_param_named(max_threads, tmm_max_threads, uint, 0644);
MODULE_PARM_DESC(max_threads,
		 "most threads tracked at once; more are counted as dropped (default 65536)");

static int __init tmm_init(void)
{
	int err;

	err = tmm_probes_init();
	if (err)
		return err;
	err = tmm_table_init();
	if (err)
		return err;
	err = tmm_netlink_init();
	if (err)
		tmm_table_exit();
	return err;
}

/*
 * Order matters: no new tracking and no probe left running before the
 * family (whose multicast group the exit probe uses) goes, then the
 * records, after every RCU callback has run.
 */
static void __exit tmm_exit(void)
{
	tmm_track_exit();
	tmm_netlink_exit();
	tmm_table_exit();
}

module_init(tmm_init);
module_exit(tmm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tmm: per-thread scheduling and blocking statistics");
MODULE_AUTHOR("The tmm developers");
