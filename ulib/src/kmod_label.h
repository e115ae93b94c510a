/*
 * kmod_label.h — name a kernel thread in tmm.ko (TMM_CMD_SET_LABEL).
 *
 * libtmm labels the kernel threads it starts ("tmm-worker-0", ...) so that
 * tmmstat shows what each one is for.  It speaks generic netlink over a raw
 * socket (libtmm depends on nothing beyond libc) and does nothing at all
 * when the module is absent: ulib works untouched without it.
 */
#ifndef TMM_KMOD_LABEL_H
#define TMM_KMOD_LABEL_H

#include <sys/types.h>

/*
 * Sets the label of thread @tid to @label (at most TMM_LABEL_LEN - 1 bytes
 * are sent).  Returns 0, or a positive errno: ENOENT when the module is not
 * loaded (remembered: later calls return at once), or the module's answer
 * (EPERM without CAP_NET_ADMIN, for instance).  Callers ignore the result;
 * it is there for tests.
 */
int tmm_kmod_label(pid_t tid, const char *label);

#endif /* TMM_KMOD_LABEL_H */
