/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tmm — the generic netlink contract between tmm.ko and user space.
 *
 * This header is the only definition of the family: the module, tmmstat and
 * libtmm all include it.  Documentation/netlink/tmm.yaml describes the same
 * family for tools.
 */
#ifndef _UAPI_LINUX_TMM_H
#define _UAPI_LINUX_TMM_H

#define TMM_GENL_NAME		"tmm"
#define TMM_GENL_VERSION	1

enum tmm_cmd {
	TMM_CMD_UNSPEC,
	TMM_CMD_HELLO,		/* reply: TMM_A_VERSION */
	__TMM_CMD_MAX,
};

#define TMM_CMD_MAX (__TMM_CMD_MAX - 1)

enum tmm_attr {
	TMM_A_UNSPEC,
	TMM_A_VERSION,		/* u32: TMM_GENL_VERSION */
	__TMM_A_MAX,
};

#define TMM_A_MAX (__TMM_A_MAX - 1)

#endif /* _UAPI_LINUX_TMM_H */
