/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared between the files of tmm.ko. */
#ifndef TMM_KMOD_H
#define TMM_KMOD_H

int tmm_netlink_init(void);
void tmm_netlink_exit(void);

#endif /* TMM_KMOD_H */
