// SPDX-License-Identifier: GPL-2.0
/*
 * tmm.ko — per-kernel-thread scheduling and blocking statistics for the
 * processes user space asks it to track, reported over generic netlink.
 * It observes; it never changes how anything is scheduled.
 */
#include <linux/module.h>

#include "tmm.h"

static int __init tmm_init(void)
{
	return tmm_netlink_init();
}

static void __exit tmm_exit(void)
{
	tmm_netlink_exit();
}

module_init(tmm_init);
module_exit(tmm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tmm: per-thread scheduling and blocking statistics");
MODULE_AUTHOR("The tmm developers");
